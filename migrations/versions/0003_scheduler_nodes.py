"""Each node's last successful sweep (``rongcuo scheduler status``); the SQLite lease table
goes (the SQLite sweeper is excluded by a kernel-released lock file since this revision).

Revision ID: 0003_scheduler_nodes
Revises: 0002_outbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_scheduler_nodes"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_nodes",
        sa.Column("node", sa.String(length=200), primary_key=True),
        sa.Column("last_sweep_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("swept_as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed", sa.Integer(), nullable=False),
        sa.Column("recorded", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("elapsed_ms", sa.Integer(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
    )
    # A lease row left by a sweeper of the previous release means nothing any more: the
    # lock is a file beside the database now (rongcuo.scheduler.lease).
    op.drop_table("scheduler_leases")


def downgrade() -> None:
    op.create_table(
        "scheduler_leases",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.drop_table("scheduler_nodes")
