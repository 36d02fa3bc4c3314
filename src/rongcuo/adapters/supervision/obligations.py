"""Reads and writes of the obligation tables, each inside a caller's transaction (``conn``).

The service layer's unit of work owns the transaction (:mod:`rongcuo.service.obligations`);
nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.notify.outbox import as_utc
from rongcuo.adapters.supervision import tables as t
from rongcuo.domain.obligations import Body


@dataclass(frozen=True)
class PeriodRow:
    """One ``obligation_periods`` row."""

    id: str
    obligation: str
    unit_id: str
    period_key: str
    period_start: date
    period_end: date
    due: date
    provisional: bool
    basis: dict[str, Any]
    status: str
    next_notice: str | None
    next_notice_at: datetime | None

    @classmethod
    def from_row(cls, r: Mapping[str, Any] | sa.RowMapping) -> PeriodRow:
        at = r["next_notice_at"]
        return cls(r["id"], r["obligation"], r["unit_id"], r["period_key"], r["period_start"],
                   r["period_end"], r["due"], bool(r["provisional"]), dict(r["basis"] or {}),
                   r["status"], r["next_notice"], as_utc(at) if at is not None else None)

    def moved(self, status: str, notice: str | None, at: datetime | None) -> PeriodRow:
        return replace(self, status=status, next_notice=notice, next_notice_at=at)


# -- bodies -----------------------------------------------------------------------------
def insert_body(conn: sa.Connection, body: Body, actor: str, at: datetime) -> None:
    conn.execute(t.bodies.insert().values(
        unit_id=body.unit_id, name=body.name, kinds=list(body.kinds), parent=body.parent,
        since=body.since, actor=actor, registered_at=as_utc(at)))


def load_bodies(conn: sa.Connection) -> list[Body]:
    rows = conn.execute(sa.select(t.bodies).order_by(t.bodies.c.unit_id)).mappings()
    return [Body(r["unit_id"], r["name"], tuple(r["kinds"]), r["parent"], r["since"])
            for r in rows]


# -- settings ---------------------------------------------------------------------------
def load_settings(conn: sa.Connection) -> dict[str, Any]:
    """The current value of every parameter set (the latest row per key)."""
    s = t.obligation_settings
    out: dict[str, Any] = {}
    for r in conn.execute(sa.select(s.c.key, s.c.value).order_by(s.c.id)):
        out[r[0]] = r[1]
    return {k: v for k, v in out.items() if v is not None}


def insert_setting(conn: sa.Connection, key: str, value: Any, on: date, actor: str,
                   at: datetime) -> None:
    conn.execute(t.obligation_settings.insert().values(
        key=key, value=value, set_on=on, actor=actor, recorded_at=as_utc(at)))


# -- periods ----------------------------------------------------------------------------
def period_rows(conn: sa.Connection, *, unit_id: str | None = None,
                obligation: str | None = None, ids: Sequence[str] | None = None
                ) -> list[PeriodRow]:
    p = t.obligation_periods
    q = sa.select(p)
    if ids is not None:
        q = q.where(p.c.id.in_(list(ids)))
    if unit_id is not None:
        q = q.where(p.c.unit_id == unit_id)
    if obligation is not None:
        q = q.where(p.c.obligation == obligation)
    q = q.order_by(p.c.unit_id, p.c.obligation, p.c.period_start, p.c.period_key)
    return [PeriodRow.from_row(r) for r in conn.execute(q).mappings()]


def period_keys(conn: sa.Connection) -> set[tuple[str, str, str]]:
    p = t.obligation_periods
    return {(r[0], r[1], r[2]) for r in
            conn.execute(sa.select(p.c.obligation, p.c.unit_id, p.c.period_key))}


def claim_due(conn: sa.Connection, now: datetime, limit: int) -> list[PeriodRow]:
    """Rows whose next notice is due at ``now``, locked for this transaction (PostgreSQL:
    ``FOR UPDATE SKIP LOCKED``, so several sweepers share them and never take the same)."""
    p = t.obligation_periods
    q = (sa.select(p).where(p.c.next_notice_at.is_not(None),
                            p.c.next_notice_at <= as_utc(now))
         .order_by(p.c.next_notice_at, p.c.id).limit(limit))
    if conn.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    return [PeriodRow.from_row(r) for r in conn.execute(q).mappings()]


def _values(row: PeriodRow, at: datetime) -> dict[str, Any]:
    return {"id": row.id, "obligation": row.obligation, "unit_id": row.unit_id,
            "period_key": row.period_key, "period_start": row.period_start,
            "period_end": row.period_end, "due": row.due, "provisional": row.provisional,
            "basis": row.basis, "status": row.status, "next_notice": row.next_notice,
            "next_notice_at": _utc(row.next_notice_at), "created_at": as_utc(at),
            "updated_at": as_utc(at)}


def _utc(at: datetime | None) -> datetime | None:
    """Instants are stored in UTC: SQLite keeps a datetime's wall time and drops its zone, so
    a CST instant stored as is would compare eight hours late."""
    return as_utc(at) if at is not None else None


def insert_periods(conn: sa.Connection, rows: Sequence[PeriodRow], at: datetime) -> None:
    if rows:
        conn.execute(t.obligation_periods.insert(), [_values(r, at) for r in rows])


def update_periods(conn: sa.Connection, rows: Sequence[PeriodRow], at: datetime) -> None:
    p = t.obligation_periods
    for r in rows:
        conn.execute(p.update().where(p.c.id == r.id).values(
            status=r.status, next_notice=r.next_notice, next_notice_at=_utc(r.next_notice_at),
            updated_at=as_utc(at)))


# -- fulfilments ------------------------------------------------------------------------
def insert_fulfilment(conn: sa.Connection, *, obligation: str, unit_id: str, period_key: str,
                      on: date, ref: str, actor: str, at: datetime, kind: str = "fulfilled",
                      withdraws: int | None = None) -> int:
    res = conn.execute(t.obligation_fulfilments.insert().values(
        obligation=obligation, unit_id=unit_id, period_key=period_key, on=on, kind=kind,
        withdraws=withdraws, ref=ref, actor=actor, recorded_at=as_utc(at)))
    return int(res.inserted_primary_key[0])  # type: ignore[index]


def fulfilment_rows(conn: sa.Connection, *, obligation: str | None = None,
                    unit_id: str | None = None) -> list[dict[str, Any]]:
    """Recorded fulfilments still standing (withdrawn ones left out), oldest first."""
    f = t.obligation_fulfilments
    q = sa.select(f).order_by(f.c.id)
    if obligation is not None:
        q = q.where(f.c.obligation == obligation)
    if unit_id is not None:
        q = q.where(f.c.unit_id == unit_id)
    rows = [dict(r) for r in conn.execute(q).mappings()]
    withdrawn = {r["withdraws"] for r in rows if r["kind"] == "withdrawn"}
    return [r for r in rows if r["kind"] == "fulfilled" and r["id"] not in withdrawn]


def fulfilled_dates(conn: sa.Connection) -> dict[tuple[str, str, str], list[date]]:
    """Dates of the standing fulfilments, by (obligation, unit, period)."""
    out: dict[tuple[str, str, str], list[date]] = {}
    for r in fulfilment_rows(conn):
        out.setdefault((r["obligation"], r["unit_id"], r["period_key"]), []).append(r["on"])
    return out


# -- notices ----------------------------------------------------------------------------
def recorded_notices(conn: sa.Connection, period_ids: Iterable[str]) -> dict[str, set[str]]:
    ids = list(period_ids)
    out: dict[str, set[str]] = {i: set() for i in ids}
    if not ids:
        return out
    n = t.obligation_notices
    for r in conn.execute(sa.select(n.c.period_id, n.c.notice).where(n.c.period_id.in_(ids))):
        out.setdefault(r[0], set()).add(r[1])
    return out


def insert_notices(conn: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(t.obligation_notices.insert(), [
            {**r, "due_at": as_utc(r["due_at"]), "recorded_at": as_utc(r["recorded_at"])}
            for r in rows])


def notice_rows(conn: sa.Connection, *, period_id: str | None = None) -> list[dict[str, Any]]:
    n = t.obligation_notices
    q = sa.select(n).order_by(n.c.id)
    if period_id is not None:
        q = q.where(n.c.period_id == period_id)
    return [dict(r) for r in conn.execute(q).mappings()]


# -- fulfilments recorded as case steps -------------------------------------------------
def step_events(conn: sa.Connection, workflow: str, trigger: str, event_type: str,
                agencies: Sequence[str]) -> list[tuple[str, date, dict[str, Any]]]:
    """(agency, date, case facts) of each event ``trigger`` of ``workflow`` on a case whose
    agency is one of ``agencies`` (a fulfilment the obligation counts by itself).  The event
    type comes first: the index on ``events (type, "on")`` finds the few such events."""
    from rongcuo.adapters.db import tables as db
    from rongcuo.adapters.db.standing import standing

    e, c = db.events, db.cases
    q = (sa.select(c.c.agency, e.c.on, c.c.facts).select_from(e.join(c, c.c.id == e.c.case_id))
         .where(e.c.type == event_type, e.c.workflow_id == workflow, e.c.trigger == trigger,
                c.c.agency.in_(list(agencies)), standing(e, c)))
    return [(r[0], r[1], dict(r[2] or {})) for r in conn.execute(q)]
