"""The scheduler's tables: the outbox (revision ``0002_outbox``) and the last successful sweep
of each node (revision ``0003_scheduler_nodes``, which also dropped 0002's SQLite lease table:
the SQLite sweeper is now excluded by a kernel lock, :mod:`rongcuo.scheduler.lease`).

Import this module wherever the full metadata is needed (Alembic autogenerate, tests that
create tables directly) so ``outbox`` and ``scheduler_nodes`` are part of it.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from rongcuo.adapters.db.orm import SQLModel
from rongcuo.adapters.notify.outbox import OutboxMessage


class SchedulerNode(SQLModel, table=True):
    """The last successful sweep of one node (a machine, or the ``node`` setting), written
    after each sweep commits: what ``rongcuo scheduler status`` shows a monitoring check."""

    __tablename__ = "scheduler_nodes"

    node: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    # the wall-clock instant the sweep finished, and the instant it swept as of (--now)
    last_sweep_at: datetime = Field(
        sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    swept_as_of: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    claimed: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    recorded: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    skipped: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    elapsed_ms: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    pid: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))


__all__ = ["OutboxMessage", "SchedulerNode"]
