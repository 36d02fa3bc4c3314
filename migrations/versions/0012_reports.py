"""Reports: the reporters' identities, encrypted, apart from the record.

Revision ID: 0012_reports
Revises: 0009_obligations

One table, ``reporters``, as :mod:`rongcuo.adapters.reporters.tables` describes it.  Events
carry only the reference (``reporter_ref``); the identity is AES-GCM ciphertext here, the key
in a file outside the database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_reports"
down_revision = "0011_corrections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporters",
        sa.Column("ref", sa.String(40), primary_key=True),
        sa.Column("case_id", sa.String(40),
                  sa.ForeignKey("cases.id", name="fk_reporters_case"), nullable=False),
        sa.Column("report_id", sa.String(80), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "report_id", name="uq_reporters_case_report"),
    )


def downgrade() -> None:
    op.drop_table("reporters")
