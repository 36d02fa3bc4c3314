"""The case store: cases, the insert-only event log, deadlines, case-number counters, commands.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23

The event log is the record: UPDATE and DELETE on ``events`` are rejected by the database
itself (SQLite: BEFORE UPDATE/DELETE triggers; PostgreSQL: a trigger function raising on
UPDATE, DELETE and TRUNCATE).  A correction is a new event, never an edit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)

INSERT_ONLY_MESSAGE = "events is insert-only: the event log cannot be changed (事件日志只能追加)"


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("number", sa.String(80), nullable=False, unique=True),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        sa.Column("workflow_version", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(80), nullable=False),
        sa.Column("facts", JSONType, nullable=False),
        sa.Column("timers", JSONType, nullable=False),
        sa.Column("last_on", sa.Date(), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_cases_workflow_state", "cases", ["workflow_id", "state"])
    op.create_index("ix_cases_subject", "cases", ["subject"])

    op.create_table(
        "events",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "case_id",
            sa.String(40),
            sa.ForeignKey("cases.id", name="fk_events_case"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(80), nullable=False),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("article", sa.String(400), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        sa.Column("workflow_version", sa.String(40), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
    )
    op.create_index("ix_events_idempotency_key", "events", ["idempotency_key"])

    op.create_table(
        "deadlines",
        sa.Column(
            "case_id",
            sa.String(40),
            sa.ForeignKey("cases.id", name="fk_deadlines_case"),
            primary_key=True,
        ),
        sa.Column("timer", sa.String(80), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("basis", JSONType, nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("label_zh", sa.String(200), nullable=False),
        sa.Column("label_en", sa.String(200), nullable=False),
        sa.Column("next_notice", sa.String(80), nullable=True),
        sa.Column("next_notice_at", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_deadlines_status_due", "deadlines", ["status", "due"])
    op.create_index("ix_deadlines_next_notice_at", "deadlines", ["next_notice_at"])

    op.create_table(
        "case_counters",
        sa.Column("workflow_id", sa.String(80), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_n", sa.Integer(), nullable=False),
    )

    op.create_table(
        "commands",
        sa.Column("idempotency_key", sa.String(200), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("result", JSONType, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
    )

    _insert_only_events()


def _insert_only_events() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{what.lower()} BEFORE {what} ON events "
                f"BEGIN SELECT RAISE(ABORT, '{INSERT_ONLY_MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION rongcuo_events_insert_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{INSERT_ONLY_MESSAGE} (%)', TG_OP "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        op.execute(
            "CREATE TRIGGER events_insert_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION rongcuo_events_insert_only()"
        )
        op.execute(
            "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
            "FOR EACH STATEMENT EXECUTE FUNCTION rongcuo_events_insert_only()"
        )
    else:  # pragma: no cover - only the two supported backends
        raise RuntimeError(f"unsupported database: {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")
        op.execute("DROP TRIGGER IF EXISTS events_insert_only ON events")
        op.execute("DROP FUNCTION IF EXISTS rongcuo_events_insert_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
    op.drop_table("commands")
    op.drop_table("case_counters")
    op.drop_index("ix_deadlines_next_notice_at", table_name="deadlines")
    op.drop_index("ix_deadlines_status_due", table_name="deadlines")
    op.drop_table("deadlines")
    op.drop_index("ix_events_idempotency_key", table_name="events")
    op.drop_table("events")
    op.drop_index("ix_cases_subject", table_name="cases")
    op.drop_index("ix_cases_workflow_state", table_name="cases")
    op.drop_table("cases")
