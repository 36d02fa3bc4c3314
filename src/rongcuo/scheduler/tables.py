"""Tables of revision ``0002_outbox`` (issue 5): the outbox and the SQLite sweeper lease.

Import this module wherever the full metadata is needed (Alembic autogenerate, tests that
create tables directly) so ``outbox`` and ``scheduler_leases`` are part of it.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from rongcuo.adapters.notify.outbox import OutboxMessage


class SchedulerLease(SQLModel, table=True):
    """Who holds the sweeper lease and until when (SQLite: one sweeper at a time)."""

    __tablename__ = "scheduler_leases"

    name: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    holder: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    expires_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


__all__ = ["OutboxMessage", "SchedulerLease"]
