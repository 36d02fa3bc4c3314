"""Identity: units, users, API tokens, and the unit each case belongs to.

Revision ID: 0010_identity
Revises: 0009_obligations

Tables as :mod:`rongcuo.adapters.identity.tables` describes them, and the unit ``default``
(默认机构) that every case recorded before units existed belongs to (a case without a
``case_units`` row).  The record is untouched: no event, no case row changes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010_identity"
down_revision = "0009_obligations"
branch_labels = None
depends_on = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    units = op.create_table(
        "units",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent", sa.String(40), sa.ForeignKey("units.id", name="fk_units_parent"),
                  nullable=True),
        sa.Column("created_at", ts, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("login", sa.String(60), nullable=False, unique=True),
        sa.Column("display_name", sa.String(60), nullable=False),
        sa.Column("unit_id", sa.String(40), sa.ForeignKey("units.id", name="fk_users_unit"),
                  nullable=False),
        sa.Column("roles", JSONType, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sees_subunits", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", ts, nullable=True),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("updated_at", ts, nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id", name="fk_tokens_user"),
                  nullable=True),
        sa.Column("unit_id", sa.String(40), sa.ForeignKey("units.id", name="fk_tokens_unit"),
                  nullable=False),
        sa.Column("roles", JSONType, nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("expires_at", ts, nullable=False),
        sa.Column("revoked_at", ts, nullable=True),
    )
    op.create_table(
        "case_units",
        sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id", name="fk_case_units_case"),
                  primary_key=True),
        sa.Column("unit_id", sa.String(40),
                  sa.ForeignKey("units.id", name="fk_case_units_unit"), nullable=False),
    )
    op.create_index("ix_case_units_unit", "case_units", ["unit_id"])
    op.bulk_insert(units, [{"id": "default", "name": "默认机构", "kind": "other",
                            "parent": None, "created_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_index("ix_case_units_unit", table_name="case_units")
    for table in ("case_units", "api_tokens", "users", "units"):
        op.drop_table(table)
