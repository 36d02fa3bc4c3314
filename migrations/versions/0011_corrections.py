"""Corrections of the record: the ``withdrawn`` mark on a case row (issue 15).

Revision ID: 0011_corrections
Revises: 0009_obligations

A case opened by mistake is closed as withdrawn (误录撤回) by a chained ``correction.withdraw``
event; ``cases.withdrawn`` is that event's projection on the case row (like ``closed``), so
lists, counts and the obligations' reports leave withdrawn cases out with one indexed
condition.  Existing rows are not withdrawn.  Amendments and voidings need no schema: they
are events, and the case and deadline rows are their projection.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_corrections"
down_revision = "0009_obligations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN with a constant default on both backends (SQLite needs no table
    # rebuild, which the foreign keys of events and deadlines would refuse)
    op.add_column("cases", sa.Column("withdrawn", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))


def downgrade() -> None:
    op.execute("ALTER TABLE cases DROP COLUMN withdrawn")
