"""Supervision: the registry of bodies, their obligations, case classifications, risk points.

Revision ID: 0009_obligations
Revises: 0004_documents

Tables as :mod:`rongcuo.adapters.supervision.tables` describes them, and an index on
``events (type, "on")`` for the periodic reports.  The record tables —
``obligation_settings``, ``obligation_fulfilments``, ``obligation_notices``,
``case_classifications``, ``risk_points`` — are insert-only, as ``events`` is (0001_initial):
SQLite BEFORE UPDATE / DELETE triggers, a PostgreSQL trigger function raising on UPDATE,
DELETE and TRUNCATE.  ``bodies`` and ``obligation_periods`` are the registry and a projection
(like ``deadlines``) and may be rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009_obligations"
down_revision = "0004_documents"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
INSERT_ONLY = ("obligation_settings", "obligation_fulfilments", "obligation_notices",
               "case_classifications", "risk_points")
MESSAGE = "{table} is insert-only: a record is corrected by a new row (记录只能追加)"


def _tables() -> None:
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "bodies",
        sa.Column("unit_id", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kinds", JSONType, nullable=False),
        sa.Column("parent", sa.String(80), nullable=True),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("registered_at", ts, nullable=False),
    )
    op.create_table(
        "obligation_settings",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("value", JSONType, nullable=False),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("recorded_at", ts, nullable=False),
    )
    op.create_index("ix_obligation_settings_key", "obligation_settings", ["key", "id"])
    op.create_table(
        "obligation_periods",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("obligation", sa.String(80), nullable=False),
        sa.Column("unit_id", sa.String(80),
                  sa.ForeignKey("bodies.unit_id", name="fk_period_body"), nullable=False),
        sa.Column("period_key", sa.String(200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("basis", JSONType, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("next_notice", sa.String(40), nullable=True),
        sa.Column("next_notice_at", ts, nullable=True),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("updated_at", ts, nullable=False),
        sa.UniqueConstraint("obligation", "unit_id", "period_key", name="uq_obligation_period"),
    )
    op.create_index("ix_obligation_periods_next_notice_at", "obligation_periods",
                    ["next_notice_at"])
    op.create_table(
        "obligation_fulfilments",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("obligation", sa.String(80), nullable=False),
        sa.Column("unit_id", sa.String(80),
                  sa.ForeignKey("bodies.unit_id", name="fk_fulfilment_body"), nullable=False),
        sa.Column("period_key", sa.String(200), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("withdraws", sa.BigInteger(), nullable=True),
        sa.Column("ref", sa.String(400), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("recorded_at", ts, nullable=False),
    )
    op.create_index("ix_obligation_fulfilments_key", "obligation_fulfilments",
                    ["obligation", "unit_id", "period_key"])
    op.create_table(
        "obligation_notices",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("period_id", sa.String(40),
                  sa.ForeignKey("obligation_periods.id", name="fk_notice_period"),
                  nullable=False),
        sa.Column("notice", sa.String(40), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("due_at", ts, nullable=False),
        sa.Column("to", sa.String(200), nullable=False),
        sa.Column("article", sa.String(400), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("recorded_at", ts, nullable=False),
        sa.UniqueConstraint("period_id", "notice", name="uq_obligation_notice"),
    )
    op.create_table(
        "case_classifications",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id", name="fk_class_case"),
                  nullable=False),
        sa.Column("vocabulary", sa.String(80), nullable=False),
        sa.Column("category", sa.String(80), nullable=False),
        sa.Column("field", sa.String(80), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", ts, nullable=False),
    )
    op.create_index("ix_case_classifications_case", "case_classifications", ["case_id", "id"])
    op.create_table(
        "risk_points",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("body", sa.String(80), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("window_from", sa.Date(), nullable=False),
        sa.Column("window_to", sa.Date(), nullable=False),
        sa.Column("category", sa.String(80), nullable=True),
        sa.Column("field", sa.String(80), nullable=True),
        sa.Column("risk_point", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("warning", sa.Text(), nullable=False),
        sa.Column("recipients", JSONType, nullable=False),
        sa.Column("case_ids", JSONType, nullable=False),
        sa.Column("article", sa.String(400), nullable=False),
        sa.Column("supersedes", sa.BigInteger(), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("recorded_at", ts, nullable=False),
    )


def upgrade() -> None:
    _tables()
    # every periodic report reads "the events of a kind in a period"
    op.create_index("ix_events_type_on", "events", ["type", "on"])
    dialect = op.get_bind().dialect.name
    for table in INSERT_ONLY:
        text = MESSAGE.format(table=table)
        if dialect == "sqlite":
            for what in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{what.lower()} BEFORE {what} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{text}'); END")
        elif dialect == "postgresql":
            op.execute(
                f"CREATE FUNCTION rongcuo_{table}_insert_only() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                f"RAISE EXCEPTION '{text} (%)', TG_OP "
                "USING ERRCODE = 'restrict_violation'; END $$"
            )
            op.execute(f"CREATE TRIGGER {table}_insert_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION rongcuo_{table}_insert_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION rongcuo_{table}_insert_only()")
        else:  # pragma: no cover - only the two supported backends
            raise RuntimeError(f"unsupported database: {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in INSERT_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_insert_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS rongcuo_{table}_insert_only()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.drop_index("ix_events_type_on", table_name="events")
    for table in ("risk_points", "case_classifications", "obligation_notices",
                  "obligation_fulfilments", "obligation_periods", "obligation_settings",
                  "bodies"):
        op.drop_table(table)
