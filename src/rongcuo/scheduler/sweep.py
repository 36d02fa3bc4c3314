"""The sweep: claim due deadline rows, record each owed notice once, queue its messages.

Deadlines are rows, not in-process timers (STYLE.md).  Each deadline row carries the next
notice the case is owed (``next_notice``: ``reminder:<n>`` / ``overdue`` /
``escalation:<rung>``) and the instant it falls due (``next_notice_at``), projected by the
engine from the definition.  One sweep at instant ``now``:

1. claims up to ``batch_size`` rows with ``next_notice_at <= now`` in one transaction —
   ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several sweepers (on several machines) share
   the rows and never take the same one; on SQLite one sweeper at a time holds a lease
   (:mod:`.lease`) and a second one stops saying so;
2. for each claimed case: loads the case row, recomputes the timers with the engine (a
   paused timer owes nothing, an extended one has moved on), and decides every notice now
   due, oldest first — ``engine.expire`` when the timer's definition fires a trigger on
   expiry (Licheng/Banan ``filing`` → ``lapse``), ``engine.record_notice`` otherwise; then
   writes the whole batch at once through the store's batched append
   (:meth:`~rongcuo.adapters.db.store.Store.append_many_in`: one statement each for the case
   rows — every one version-checked — the events, the deadline rows) plus one outbox insert
   with one row per notice and recipient;
3. commits the batch, and repeats until nothing due is left.

Exactly once: the engine refuses a notice already recorded (``notice.duplicate``) and the
store's optimistic version check refuses a racing writer (the case is left for the next
sweep); a sweeper killed mid-claim commits nothing and its rows stay due for the next one.

The business date of a recorded notice is the sweep's own date (China Standard Time): the
reminder was sent, or the deadline was marked overdue, on the day the sweep did it; the
instant it fell due is kept in the event data (``due_at``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from rongcuo import logging as rlog
from rongcuo.adapters.db import tables as t
from rongcuo.adapters.db.store import CaseRecord, CommitResult, PendingAppend
from rongcuo.adapters.notify.outbox import OutboxDraft, Recipient, as_utc, enqueue, routes_for
from rongcuo.clock import FixedClock, today_cst
from rongcuo.domain.case import CaseState, Deadline, Decision, Event
from rongcuo.domain.errors import DomainError, Refused
from rongcuo.service.errors import ConcurrencyConflict

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.bootstrap import App

log = rlog.get_logger("rongcuo.scheduler")

# The store's batched write talks to the driver directly: its errors are the driver's own.
DB_ERRORS: tuple[type[Exception], ...] = (DBAPIError, psycopg.Error, sqlite3.Error)


def _db_reason(err: Exception) -> str:
    return str(getattr(err, "orig", None) or err)

ACTOR = "system:scheduler"
MAX_NOTICES_PER_CASE = 32  # a bound on catch-up after a long outage (5 per timer in Licheng)


@dataclass(frozen=True)
class RecordedNotice:
    """One notice the sweep recorded (an event in the case's log, messages in the outbox)."""

    case_id: str
    number: str
    timer: str
    notice: str
    event_type: str
    event_seq: int
    on: str
    due: str | None
    due_at: str
    provisional: bool
    to: str
    messages: int


@dataclass
class SweepResult:
    now: str
    backend: str
    claimed: int = 0
    notices: list[RecordedNotice] = field(default_factory=list)
    replanned: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "now": self.now,
            "backend": self.backend,
            "claimed": self.claimed,
            "recorded": len(self.notices),
            "notices": [asdict(n) for n in self.notices],
            "replanned": self.replanned,
            "skipped": self.skipped,
            "elapsed_ms": round(self.elapsed_ms, 3),
        }


def _kind(notice: str) -> str:
    return notice.split(":", 1)[0]


def _subject(number: str, label: str, notice: str, due: date | None, to: str, prov: bool) -> str:
    due_text = (due.isoformat() if due else "?") + ("（暂定）" if prov else "")
    kind, _, n = notice.partition(":")
    if kind == "reminder":
        what = f"到期前{n}个工作日提醒"
    elif kind == "overdue":
        what = "已逾期"
    elif kind == "expired":
        what = "期限届满，已按规定处理"
    elif kind == "closed":
        what = "期限届满"
    else:
        what = f"逾期升级（第{n}级）：报{to}"
    return f"{number} {label}{what}，期限 {due_text}"


class _CaseFailed(Exception):
    """One case of a batch could not be recorded: roll the batch back, retry without it."""

    def __init__(self, case_id: str, timers: list[str], reason: str) -> None:
        super().__init__(reason)
        self.case_id, self.timers = case_id, timers
        self.info = {"case_id": case_id, "timers": timers, "reason": reason}


class _CasesFailed(Exception):
    """Several cases of a batch failed the batched write's version check: as above."""

    def __init__(self, failed: list[_CaseFailed]) -> None:
        super().__init__("; ".join(str(f) for f in failed))
        self.failed = failed


class _BatchFailed(Exception):
    """The batched write failed as a whole (e.g. a deadlock between sweepers): roll back and
    redo the batch one case at a time, so the failure is pinned on the case that caused it."""


@dataclass
class _Plan:
    """One claimed case, decided by the engine but not yet written."""

    case: CaseRecord
    timers: list[str]
    state: CaseState
    events: list[Event]
    deadlines: Sequence[Deadline]
    planned: list[tuple[Deadline, str, int, int, str]]  # deadline, notice, ev from/to, to
    on: date
    at: datetime  # recorded_at
    replanned: dict[str, Any] | None = None
    previous: Sequence[Deadline] = ()  # the projection as loaded (what the rows hold)


class Sweeper:
    """One sweep over the deadline rows of ``app``'s database (see the module docstring)."""

    def __init__(
        self,
        app: App,
        recipients: Mapping[str, Sequence[Recipient]] | None = None,
        *,
        batch_size: int = 100,
    ) -> None:
        self.app = app
        self.store = app.store
        self.recipients = dict(recipients or {})
        self.batch_size = batch_size
        self.pg = app.store.dialect == "postgresql"

    # -- the claim ----------------------------------------------------------------------
    def _claim(
        self, conn: sa.Connection, now: datetime, skip: set[tuple[str, str]], limit: int
    ) -> list[tuple[str, str]]:
        d = t.deadlines
        q = (
            sa.select(d.c.case_id, d.c.timer)
            .where(d.c.next_notice_at <= now)
            .order_by(d.c.next_notice_at)
            .limit(limit)
        )
        if skip:
            q = q.where(sa.tuple_(d.c.case_id, d.c.timer).not_in(sorted(skip)))
        if self.pg:
            q = q.with_for_update(skip_locked=True)
        return [(str(r[0]), str(r[1])) for r in conn.execute(q)]

    def _lock_cases(self, conn: sa.Connection, ids: list[str]) -> dict[str, CaseRecord]:
        """The claimed cases.  PostgreSQL: locked ``FOR UPDATE SKIP LOCKED`` right after the
        deadline rows, so the sweeper holds case then deadline like a case worker's commit
        does (no lock-order deadlock); a case a writer holds now is left out (and skipped)."""
        return self.store.cases_for_update_in(conn, ids)

    def sweep(self, now: datetime, *, limit: int | None = None) -> SweepResult:
        """Record everything due at ``now`` (aware); at most ``limit`` deadline rows.

        A batch commits whole.  A case that fails (a racing writer's version bump, a refusal)
        rolls the batch back; it is then retried without that case, which is left for the
        next sweep — so the happy path needs no savepoints.  A database error of the batched
        write as a whole (a deadlock between sweepers) is retried once case by case, which
        pins it on the case that causes it.
        """
        now = as_utc(now)
        started = time.perf_counter()
        result = SweepResult(now=now.isoformat(), backend=self.store.dialect)
        skip: set[tuple[str, str]] = set()
        remaining = limit
        one_by_one = False  # after a batch-wide database error: pin it on one case
        while remaining is None or remaining > 0:
            size = self.batch_size if remaining is None else min(self.batch_size, remaining)
            notices: list[RecordedNotice] = []
            replanned: list[dict[str, Any]] = []
            try:
                with self.store.write() as conn:
                    claimed = self._claim(conn, now, skip, size)
                    by_case: dict[str, list[str]] = {}
                    for case_id, timer in claimed:
                        by_case.setdefault(case_id, []).append(timer)
                    rows = self._lock_cases(conn, list(by_case))
                    busy = [c for c in by_case if c not in rows]
                    for case_id in busy:  # a writer holds the case: leave it for next sweep
                        result.skipped.append({"case_id": case_id, "timers": by_case[case_id],
                                               "reason": "busy: another writer holds the case"})
                        skip.update((case_id, tm) for tm in by_case[case_id])
                    plans = [
                        self._one_case(conn, rows.get(case_id), case_id, timers, now)
                        for case_id, timers in by_case.items()
                        if case_id not in busy
                    ]
                    written, replanned = self._write(conn, plans, now, one_by_one)
                    notices.extend(written)
            except _CaseFailed as failed:
                result.skipped.append(failed.info)
                skip.update((failed.case_id, tm) for tm in failed.timers)
                one_by_one = False
                continue
            except _CasesFailed as many:
                for one in many.failed:
                    result.skipped.append(one.info)
                    skip.update((one.case_id, tm) for tm in one.timers)
                continue
            except _BatchFailed:
                one_by_one = True
                continue
            one_by_one = False
            if not claimed:
                break
            result.claimed += len(claimed)
            result.notices.extend(notices)
            result.replanned.extend(replanned)
            if remaining is not None:
                remaining -= len(claimed)
            if len(claimed) < size:
                break
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        log.info(
            "sweep.done",
            claimed=result.claimed,
            recorded=len(result.notices),
            skipped=len(result.skipped),
            elapsed_ms=round(result.elapsed_ms, 1),
        )
        return result

    # -- one case -----------------------------------------------------------------------
    def _one_case(
        self,
        conn: sa.Connection,
        case: CaseRecord | None,
        case_id: str,
        timers: list[str],
        now: datetime,
    ) -> _Plan:
        if case is None:
            raise _CaseFailed(case_id, timers, "case row missing")
        try:
            with rlog.bound(case_id=case.id, actor=ACTOR):
                plan = self._record(conn, case, now)
        except ConcurrencyConflict as err:
            log.info("sweep.conflict", case_id=case.id)
            raise _CaseFailed(case.id, timers, "conflict: left for the next sweep") from err
        except DomainError as err:
            log.warning("sweep.refused", case_id=case.id, code=err.code, error=err.message_en)
            raise _CaseFailed(case.id, timers, f"{err.code}: {err.message_en}") from err
        except DBAPIError as err:  # e.g. a PostgreSQL deadlock between two sweepers
            log.warning("sweep.db_error", case_id=case.id, error=str(err.orig))
            raise _CaseFailed(case.id, timers, f"database: {err.orig}") from err
        plan.timers = timers
        return plan

    def _record(self, conn: sa.Connection, case: CaseRecord, now: datetime) -> _Plan:
        """The engine's decisions for one case (nothing is written here: see :meth:`_write`)."""
        engine = self.app.engine_for(case.workflow_id, case.workflow_version)
        definition = self.app.definition(case.workflow_id, case.workflow_version)
        state: CaseState = case.state
        on = today_cst(FixedClock(now))
        if state.last_on is not None and state.last_on > on:
            on = state.last_on
        events: list[Event] = []
        planned: list[tuple[Deadline, str, int, int, str]] = []  # deadline, notice, ev from/to, to
        last: Decision | None = None
        current = previous = engine.deadlines(state)
        for _ in range(MAX_NOTICES_PER_CASE):
            if state.closed:
                break
            due = [
                d
                for d in current
                if d.next_notice
                and d.next_notice_at is not None
                and as_utc(d.next_notice_at) <= now
            ]
            if not due:
                break
            d = min(due, key=lambda x: (as_utc(x.next_notice_at), x.timer))  # type: ignore[arg-type]
            notice = str(d.next_notice)
            spec = definition.timers[d.timer]
            to = "default"
            if notice.startswith("escalation:"):
                idx = notice.split(":", 1)[1]
                rung = next((r for r in spec.escalation if str(r.index) == idx), None)
                to = rung.to if rung is not None else "default"
            data: dict[str, Any] = {
                "timer": d.timer,
                "notice": notice,
                "due": d.due.isoformat() if d.due else None,
                "due_at": as_utc(d.next_notice_at).isoformat(),  # type: ignore[arg-type]
                "provisional": d.provisional,
                "to": to,
                "swept_at": now.isoformat(),
            }
            if d.provisional:
                data["note_zh"] = "期限按暂定日期计算（该年度放假安排尚未公布），公布后将重新计算"
                data["note_en"] = (
                    "the due date is provisional (the year's holiday notice is not yet "
                    "published); it is recomputed when it is"
                )
            decision: Decision | None = None
            if notice == "overdue" and spec.on_expiry:
                try:  # the same engine and guards as a person firing the trigger
                    decision = engine.expire(state, d.timer, on)
                except Refused as refused:  # a guard says no: mark it overdue instead
                    data["expiry_refused"] = refused.code
            if decision is None:
                decision = engine.record_notice(state, d.timer, notice, on, ACTOR, data)
            first = len(events)
            events.extend(decision.events)
            planned.append((d, notice, first, len(events), to))
            state, last, current = decision.state, decision, decision.deadlines
        at = as_utc(self.app.clock.now())
        if last is None:
            # nothing owed any more (paused, extended, met since the row was written): re-plan
            fresh = current
            return _Plan(case, [], state, [], fresh, [], on, at, replanned={
                "case_id": case.id,
                "number": case.number,
                "replanned": True,
                "deadlines": [
                    # UTC, like the result's ``now`` and each notice's ``due_at``
                    {"timer": x.timer, "next_notice": x.next_notice,
                     "next_notice_at": (as_utc(x.next_notice_at).isoformat()
                                        if x.next_notice_at else None)}
                    for x in fresh
                ],
            })
        return _Plan(case, [], state, events, last.deadlines, planned, on, at,
                     previous=previous)

    # -- the batch's writes -------------------------------------------------------------
    def _write(
        self, conn: sa.Connection, plans: list[_Plan], now: datetime, one_by_one: bool
    ) -> tuple[list[RecordedNotice], list[dict[str, Any]]]:
        """Write the batch's plans: events, case rows (version-checked), deadline rows and
        outbox rows in a few statements (:meth:`Store.append_many_in`), or — after a
        batch-wide database error — case by case, to find the case that causes it."""
        out: list[RecordedNotice] = []
        replanned = [p.replanned for p in plans if p.replanned is not None]
        if one_by_one:
            for plan in plans:
                try:
                    out.extend(self._append(conn, [plan], now))
                except ConcurrencyConflict as err:
                    log.info("sweep.conflict", case_id=plan.case.id)
                    raise _CaseFailed(plan.case.id, plan.timers,
                                      "conflict: left for the next sweep") from err
                except DB_ERRORS as err:
                    log.warning("sweep.db_error", case_id=plan.case.id, error=_db_reason(err))
                    raise _CaseFailed(plan.case.id, plan.timers,
                                      f"database: {_db_reason(err)}") from err
            return out, replanned
        try:
            out = self._append(conn, plans, now)
        except ConcurrencyConflict as err:
            stale = set(err.details.get("case_ids") or ())
            failed = [_CaseFailed(p.case.id, p.timers, "conflict: left for the next sweep")
                      for p in plans if p.case.id in stale]
            for f in failed:
                log.info("sweep.conflict", case_id=f.case_id)
            raise _CasesFailed(failed) from err
        except DB_ERRORS as err:  # e.g. a PostgreSQL deadlock between two sweepers
            log.warning("sweep.batch_db_error", error=_db_reason(err))
            raise _BatchFailed(_db_reason(err)) from err
        return out, replanned

    def _append(
        self, conn: sa.Connection, plans: list[_Plan], now: datetime
    ) -> list[RecordedNotice]:
        """Events, case rows, deadline rows, then the outbox rows of ``plans``."""
        appends = [
            PendingAppend(
                case_id=p.case.id, number=p.case.number, expected_version=p.case.version,
                last_seq=p.case.last_seq, last_hash=p.case.last_hash, state=p.state,
                events=p.events, deadlines=p.deadlines, recorded_at=p.at,
                previous=p.previous,
            )
            for p in plans
            if p.replanned is None
        ]
        only = [(p.case.id, p.deadlines, p.at) for p in plans if p.replanned is not None]
        committed = {
            c.case_id: c for c in self.store.append_many_in(conn, appends, deadlines_only=only)
        }
        out: list[RecordedNotice] = []
        drafts: list[OutboxDraft] = []
        for plan in plans:
            if plan.replanned is None:
                notices, case_drafts = self._notices(plan, committed[plan.case.id])
                out.extend(notices)
                drafts.extend(case_drafts)
        enqueue(conn, drafts, self.recipients, now)
        return out

    def _notices(
        self, plan: _Plan, committed: CommitResult
    ) -> tuple[list[RecordedNotice], list[OutboxDraft]]:
        case, on = plan.case, plan.on
        definition = self.app.definition(case.workflow_id, case.workflow_version)
        out: list[RecordedNotice] = []
        drafts: list[OutboxDraft] = []
        for d, notice, lo, hi, to in plan.planned:
            stored = committed.events[lo:hi]
            seq = stored[-1].seq if stored else 0
            ev_type = stored[-1].type if stored else ""
            spec = definition.timers[d.timer]
            label = f"{spec.label_zh}"
            shown = notice
            if spec.kind == "window" and notice == "overdue":
                # a window's close is nobody's lateness: "expired" when what the definition
                # fires on expiry was done (a lapse), "closed" when its guard said no
                shown = "closed" if ev_type == "DeadlineOverdue" else "expired"
            text = _subject(case.number, label, shown, d.due, to, d.provisional)
            payload = {
                "case_id": case.id,
                "number": case.number,
                "workflow": case.workflow_id,
                "agency": case.agency,
                "timer": d.timer,
                "timer_label_zh": spec.label_zh,
                "timer_label_en": spec.label_en,
                "article": spec.article,
                "notice": notice,
                "event_type": ev_type,
                "event_seq": seq,
                "due": d.due.isoformat() if d.due else None,
                "provisional": d.provisional,
                "to": to,
                "on": on.isoformat(),
                "text": text,
            }
            drafts.append(
                OutboxDraft(
                    case_id=case.id, kind=_kind(notice), key=f"{d.timer}:{notice}", subject=text,
                    payload=payload, event_seq=seq, role=to,
                )
            )
            out.append(
                RecordedNotice(
                    case_id=case.id, number=case.number, timer=d.timer, notice=notice,
                    event_type=ev_type, event_seq=seq, on=on.isoformat(),
                    due=d.due.isoformat() if d.due else None,
                    due_at=as_utc(d.next_notice_at).isoformat(),  # type: ignore[arg-type]
                    provisional=d.provisional, to=to,
                    messages=len(routes_for(to, self.recipients)),
                )
            )
        log.info("sweep.recorded", case_id=case.id, actor=ACTOR, notices=[n.notice for n in out])
        return out, drafts

