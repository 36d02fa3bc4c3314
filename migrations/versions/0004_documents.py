"""Official documents: number counters and the record of issued documents.

Revision ID: 0004_documents
Revises: 0002_outbox

``issued_documents`` is insert-only, as ``events`` is (0001_initial): SQLite BEFORE UPDATE /
DELETE triggers, a PostgreSQL trigger function raising on UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_documents"
down_revision = "0003_scheduler_nodes"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSERT_ONLY_MESSAGE = ("issued_documents is insert-only: an issued document cannot be changed "
                       "(已签发文书记录只能追加)")


def upgrade() -> None:
    op.create_table(
        "document_counters",
        sa.Column("unit", sa.String(80), primary_key=True),
        sa.Column("counter", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "issued_documents",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id", name="fk_issued_case"),
                  nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("unit", sa.String(80), nullable=False),
        sa.Column("counter", sa.String(64), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(120), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "event_seq", "kind", "format", name="uq_issued_document"),
        sa.UniqueConstraint("unit", "counter", "year", "n", "format", name="uq_issued_number"),
        sa.UniqueConstraint("sha256", name="uq_issued_sha256"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER issued_documents_no_{what.lower()} BEFORE {what} "
                f"ON issued_documents BEGIN SELECT RAISE(ABORT, '{INSERT_ONLY_MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION rongcuo_issued_documents_insert_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{INSERT_ONLY_MESSAGE} (%)', TG_OP "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        op.execute(
            "CREATE TRIGGER issued_documents_insert_only BEFORE UPDATE OR DELETE "
            "ON issued_documents FOR EACH ROW "
            "EXECUTE FUNCTION rongcuo_issued_documents_insert_only()"
        )
        op.execute(
            "CREATE TRIGGER issued_documents_no_truncate BEFORE TRUNCATE ON issued_documents "
            "FOR EACH STATEMENT EXECUTE FUNCTION rongcuo_issued_documents_insert_only()"
        )
    else:  # pragma: no cover - only the two supported backends
        raise RuntimeError(f"unsupported database: {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS issued_documents_no_truncate ON issued_documents")
        op.execute("DROP TRIGGER IF EXISTS issued_documents_insert_only ON issued_documents")
        op.execute("DROP FUNCTION IF EXISTS rongcuo_issued_documents_insert_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS issued_documents_no_update")
        op.execute("DROP TRIGGER IF EXISTS issued_documents_no_delete")
    op.drop_table("issued_documents")
    op.drop_table("document_counters")
