"""What a monitoring check asks the database about the scheduler (``rongcuo scheduler status``).

Everything is read from the database, never from a running process, so the check works the
same with one scheduler, two machines or a cron-driven ``scheduler sweep``, and keeps working
when a scheduler is dead — which is what it is for:

* the last successful sweep of each node (``scheduler_nodes``, written after each sweep
  commits by :func:`record_sweep`);
* the **lag**: how long ago the oldest notice still unrecorded fell due (the smallest
  ``next_notice_at`` at or before now); 0 when nothing is due.  With a sweep every minute it
  stays under a minute or two; a stopped scheduler, a database that refuses the sweep's writes
  or a case the sweep keeps skipping makes it grow;
* the outbox's backlog (pending rows, the oldest one's age) and its dead letters.

:attr:`Status.ok` is false when the lag passes the bound (``--max-lag`` / ``max_lag_seconds``).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from rongcuo.adapters.db import tables as t
from rongcuo.adapters.notify.outbox import OutboxMessage, as_utc
from rongcuo.clock import CST
from rongcuo.scheduler.tables import SchedulerNode

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.scheduler.sweep import SweepResult
    from rongcuo.service.context import App

NODES: sa.Table = SchedulerNode.__table__  # type: ignore[attr-defined]
OUTBOX: sa.Table = OutboxMessage.__table__  # type: ignore[attr-defined]


def record_sweep(app: App, node: str, result: SweepResult) -> None:
    """Remember ``result`` as ``node``'s last successful sweep (one upsert, after the sweep
    committed; the wall-clock instant is the app's clock)."""
    row = {
        "node": node,
        "last_sweep_at": as_utc(app.clock.now()),
        "swept_as_of": as_utc(datetime.fromisoformat(result.now)),
        "claimed": result.claimed,
        "recorded": len(result.notices),
        "skipped": len(result.skipped),
        "elapsed_ms": round(result.elapsed_ms),
        "pid": os.getpid(),
    }
    insert = postgresql.insert if app.store.dialect == "postgresql" else sqlite.insert
    stmt = insert(NODES).values(**row)
    stmt = stmt.on_conflict_do_update(
        index_elements=[NODES.c.node], set_={k: v for k, v in row.items() if k != "node"}
    )
    with app.store.write() as conn:
        conn.execute(stmt)


@dataclass(frozen=True)
class NodeSweep:
    node: str
    last_sweep_at: str
    age_seconds: float
    swept_as_of: str
    claimed: int
    recorded: int
    skipped: int
    elapsed_ms: int
    pid: int


@dataclass
class Status:
    now: str
    max_lag_seconds: int
    nodes: list[NodeSweep] = field(default_factory=list)
    due: int = 0
    oldest_due_at: str | None = None
    lag_seconds: float = 0.0
    outbox: dict[str, int] = field(default_factory=dict)
    oldest_pending_at: str | None = None
    pending_age_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.lag_seconds <= self.max_lag_seconds

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        out["pending"] = self.outbox.get("pending", 0)
        out["dead"] = self.outbox.get("dead", 0)
        return out


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else as_utc(dt).isoformat()


def read_status(app: App, now: datetime, max_lag_seconds: int) -> Status:
    """The scheduler's state as the database holds it at ``now`` (aware)."""
    now = as_utc(now)
    d = t.deadlines
    with app.store.read() as conn:
        nodes = conn.execute(sa.select(NODES).order_by(NODES.c.node)).mappings().all()
        due, oldest = conn.execute(
            sa.select(sa.func.count(), sa.func.min(d.c.next_notice_at)).where(
                d.c.next_notice_at <= now)
        ).one()
        counts = conn.execute(
            sa.select(OUTBOX.c.status, sa.func.count()).group_by(OUTBOX.c.status)
        ).all()
        pending_since = conn.execute(
            sa.select(sa.func.min(OUTBOX.c.created_at)).where(OUTBOX.c.status == "pending")
        ).scalar_one()
    status = Status(now=now.isoformat(), max_lag_seconds=max_lag_seconds,
                    due=int(due), outbox={str(s): int(n) for s, n in counts})
    for n in nodes:
        at = as_utc(n["last_sweep_at"])
        status.nodes.append(NodeSweep(
            node=n["node"], last_sweep_at=at.isoformat(),
            age_seconds=round((now - at).total_seconds(), 1),
            swept_as_of=as_utc(n["swept_as_of"]).isoformat(), claimed=n["claimed"],
            recorded=n["recorded"], skipped=n["skipped"], elapsed_ms=n["elapsed_ms"],
            pid=n["pid"],
        ))
    if oldest is not None:
        # SQLite's aggregate hands back text, not a datetime
        first = as_utc(oldest if isinstance(oldest, datetime) else
                       datetime.fromisoformat(str(oldest)))
        status.oldest_due_at = first.isoformat()
        status.lag_seconds = round(max((now - first).total_seconds(), 0.0), 1)
    if pending_since is not None:
        since = as_utc(pending_since if isinstance(pending_since, datetime) else
                       datetime.fromisoformat(str(pending_since)))
        status.oldest_pending_at = since.isoformat()
        status.pending_age_seconds = round(max((now - since).total_seconds(), 0.0), 1)
    return status


def _cst(iso: str | None) -> str:
    if iso is None:
        return "-"
    return datetime.fromisoformat(iso).astimezone(CST).strftime("%Y-%m-%d %H:%M:%S CST")


def text_lines(st: Status) -> list[str]:
    """The status for a person (``scheduler status`` without ``--json``), CST times."""
    out = [] if st.nodes else ["尚无成功的扫描记录 / no successful sweep recorded yet"]
    for n in st.nodes:
        out.append(
            f"节点 node {n.node}: 上次成功扫描 last sweep {_cst(n.last_sweep_at)} "
            f"({n.age_seconds:.0f} s ago, pid {n.pid}), as of {_cst(n.swept_as_of)}: "
            f"claimed {n.claimed}, recorded {n.recorded}, skipped {n.skipped}, "
            f"{n.elapsed_ms} ms"
        )
    if st.due:
        out.append(f"待记录通知 due notices: {st.due}，最早应于 oldest due {_cst(st.oldest_due_at)}"
                   f"，滞后 lag {st.lag_seconds:.0f} s (bound {st.max_lag_seconds} s)")
    else:
        out.append(f"无待记录通知 nothing due: lag 0 s (bound {st.max_lag_seconds} s)")
    pending, dead = st.outbox.get("pending", 0), st.outbox.get("dead", 0)
    oldest = f"，最早 oldest {_cst(st.oldest_pending_at)}" if st.oldest_pending_at else ""
    out.append(f"发件箱 outbox: pending {pending}{oldest}, dead {dead}, "
               f"delivered {st.outbox.get('delivered', 0)}")
    return out
