"""The SQLite sweeper lease: one sweeper at a time on the embedded database.

PostgreSQL sweepers share the work with ``FOR UPDATE SKIP LOCKED`` and need no lease.  On
SQLite, row locks do not exist, so a sweeper first takes the ``sweeper`` row of
``scheduler_leases`` (inside ``BEGIN IMMEDIATE``); a second sweeper finds it held and stops
with :class:`SweeperBusy`, which says so plainly.  A lease expires (``ttl``) so a crashed
sweeper does not block the next one for ever.  The lease uses the wall clock (it is about
processes, not legal dates).
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlmodel import Session

from rongcuo.adapters.notify.outbox import as_utc
from rongcuo.clock import CST
from rongcuo.scheduler.tables import SchedulerLease
from rongcuo.service.errors import ServiceError

LEASE_NAME = "sweeper"


class SweeperBusy(ServiceError):
    """Another sweeper holds the SQLite lease."""

    code = "scheduler.busy"


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(engine: Engine, holder: str, now: datetime, ttl: timedelta) -> None:
    """Take or renew the lease for ``holder``; raise :class:`SweeperBusy` if another has it."""
    now = as_utc(now)
    with Session(engine) as s, s.begin():
        row = s.exec(  # type: ignore[call-overload]
            select(SchedulerLease).where(SchedulerLease.name == LEASE_NAME)  # type: ignore[arg-type]
        ).scalar_one_or_none()
        if row is not None and row.holder != holder and as_utc(row.expires_at) > now:
            until = as_utc(row.expires_at).isoformat()
            shown = as_utc(row.expires_at).astimezone(CST).strftime("%Y-%m-%d %H:%M:%S CST")
            raise SweeperBusy(
                f"另一个调度进程（{row.holder}）正在使用 SQLite 数据库执行扫描，租约至 {shown}；"
                "SQLite 同一时间只允许一个扫描进程，多个进程请使用 PostgreSQL。",
                f"another sweeper ({row.holder}) holds the SQLite sweep lease until {shown}; "
                "SQLite allows one sweeper at a time - use PostgreSQL to run several.",
                details={"holder": row.holder, "until": until},
            )
        if row is None:
            s.add(SchedulerLease(name=LEASE_NAME, holder=holder, expires_at=now + ttl))
        else:
            row.holder, row.expires_at = holder, now + ttl


def release(engine: Engine, holder: str) -> None:
    tbl = SchedulerLease.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(delete(tbl).where(tbl.c.name == LEASE_NAME, tbl.c.holder == holder))


def wall_now() -> datetime:
    return datetime.now(UTC)
