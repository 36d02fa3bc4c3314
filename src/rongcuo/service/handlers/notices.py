"""The notices a claimed case is owed, decided by the engine; the messages announcing them.

The sweep (:mod:`rongcuo.scheduler.sweep`) claims due deadline rows and hands each claimed
case to :func:`plan_notices`, which asks the engine for every notice now due, oldest first —
``engine.expire`` when the timer's definition fires a step on expiry (Licheng/Banan
``filing`` → ``lapse``, through the same guards as a person), ``engine.record_notice``
otherwise.  Nothing is written here: the sweep stages each plan in its unit of work, and
:func:`notice_drafts` composes the outbox messages from the committed events.

The business date of a recorded notice is the sweep's own date (China Standard Time): the
reminder was sent, or the deadline was marked overdue, on the day the sweep did it; the
instant it fell due is kept in the event data (``due_at``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rongcuo.adapters.db.records import CaseRecord, CommitResult
from rongcuo.adapters.notify.outbox import OutboxDraft, Recipient, as_utc, routes_for
from rongcuo.domain.case import CaseState, Deadline, Decision, Event
from rongcuo.domain.errors import Refused
from rongcuo.domain.legal_time import cst_date
from rongcuo.service.context import App

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
    # recorded after the day it fell due (the service was down); the reminders it found
    # stale (the deadline had passed) were skipped, not sent
    caught_up: bool = False
    skipped: tuple[str, ...] = ()


@dataclass
class NoticePlan:
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

    @property
    def decision(self) -> Decision:
        return Decision(tuple(self.events), self.state, tuple(self.deadlines))


def _notice_data(d: Deadline, notice: str, to: str, now: datetime) -> dict[str, Any]:
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
    return data


def _stale_reminders(engine: Any, spec: Any, state: CaseState, d: Deadline, notice: str,
                     now: datetime) -> list[str]:
    """The reminders still owed when the deadline itself has already passed (a sweep that
    catches up after an outage): "3 working days before" is no longer true, so they are
    recorded as skipped with the overdue mark, never sent."""
    if not notice.startswith("reminder:") or d.due is None:
        return []
    if as_utc(engine.notice_at(spec, "overdue", d.due)) > now:
        return []
    t = state.timers[d.timer]
    return [k for k in spec.notice_keys() if k.startswith("reminder:") and k not in t.notices]


def _as_overdue(engine: Any, spec: Any, d: Deadline) -> Deadline:
    """``d`` with its overdue mark as the next notice."""
    from dataclasses import replace

    assert d.due is not None
    return replace(d, next_notice="overdue", next_notice_at=engine.notice_at(spec, "overdue",
                                                                             d.due))


def _rung_to(spec: Any, notice: str) -> str:
    if not notice.startswith("escalation:"):
        return "default"
    idx = notice.split(":", 1)[1]
    rung = next((r for r in spec.escalation if str(r.index) == idx), None)
    return rung.to if rung is not None else "default"


def plan_notices(app: App, case: CaseRecord, now: datetime) -> NoticePlan:
    """The engine's decisions for every notice ``case`` is owed at ``now`` (nothing written)."""
    engine = app.engine_for(case.workflow_id, case.workflow_version)
    definition = engine.definition
    state: CaseState = case.state
    on = cst_date(now)
    if state.last_on is not None and state.last_on > on:
        on = state.last_on
    events: list[Event] = []
    planned: list[tuple[Deadline, str, int, int, str]] = []
    last: Decision | None = None
    current = previous = engine.deadlines(state)
    for _ in range(MAX_NOTICES_PER_CASE):
        if state.closed:
            break
        due = [d for d in current if d.next_notice and d.next_notice_at is not None
               and as_utc(d.next_notice_at) <= now]
        if not due:
            break
        d = min(due, key=lambda x: (as_utc(x.next_notice_at), x.timer))  # type: ignore[arg-type]
        notice = str(d.next_notice)
        spec = definition.timers[d.timer]
        skipped = _stale_reminders(engine, spec, state, d, notice, now)
        if skipped:  # the deadline has passed: a reminder "N days before" is no longer true
            notice = "overdue"
            d = _as_overdue(engine, spec, d)
        to = _rung_to(spec, notice)
        data = _notice_data(d, notice, to, now)
        if skipped:
            data["skipped"] = skipped
        if cst_date(now) > cst_date(as_utc(d.next_notice_at)):  # type: ignore[arg-type]
            data["caught_up"] = True  # recorded after the day it fell due (an outage)
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
    at = as_utc(app.clock.now())
    if last is None:
        # nothing owed any more (paused, extended, met since the row was written): re-plan
        return NoticePlan(case, [], state, [], current, [], on, at, replanned={
            "case_id": case.id,
            "number": case.number,
            "replanned": True,
            "deadlines": [
                # UTC, like the result's ``now`` and each notice's ``due_at``
                {"timer": x.timer, "next_notice": x.next_notice,
                 "next_notice_at": (as_utc(x.next_notice_at).isoformat()
                                    if x.next_notice_at else None)}
                for x in current
            ],
        })
    return NoticePlan(case, [], state, events, last.deadlines, planned, on, at,
                      previous=previous)


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


def notice_drafts(
    app: App, plan: NoticePlan, committed: CommitResult,
    recipients: Mapping[str, Sequence[Recipient]],
) -> tuple[list[RecordedNotice], list[OutboxDraft]]:
    """What the sweep recorded for ``plan`` and the outbox messages announcing it, from the
    committed events (their seqs are in the messages)."""
    case, on = plan.case, plan.on
    definition = app.definition(case.workflow_id, case.workflow_version)
    out: list[RecordedNotice] = []
    drafts: list[OutboxDraft] = []
    for d, notice, lo, hi, to in plan.planned:
        stored = committed.events[lo:hi]
        seq = stored[-1].seq if stored else 0
        ev_type = stored[-1].type if stored else ""
        spec = definition.timers[d.timer]
        shown = notice
        if spec.kind == "window" and notice == "overdue":
            # a window's close is nobody's lateness: "expired" when what the definition
            # fires on expiry was done (a lapse), "closed" when its guard said no
            shown = "closed" if ev_type == "DeadlineOverdue" else "expired"
        text = _subject(case.number, spec.label_zh, shown, d.due, to, d.provisional)
        payload = {
            "case_id": case.id, "number": case.number, "workflow": case.workflow_id,
            "agency": case.agency, "timer": d.timer, "timer_label_zh": spec.label_zh,
            "timer_label_en": spec.label_en, "article": spec.article, "notice": notice,
            "event_type": ev_type, "event_seq": seq,
            "due": d.due.isoformat() if d.due else None, "provisional": d.provisional,
            "to": to, "on": on.isoformat(), "text": text,
        }
        drafts.append(OutboxDraft(
            case_id=case.id, kind=_kind(notice), key=f"{d.timer}:{notice}", subject=text,
            payload=payload, event_seq=seq, role=to,
        ))
        out.append(RecordedNotice(
            case_id=case.id, number=case.number, timer=d.timer, notice=notice,
            event_type=ev_type, event_seq=seq, on=on.isoformat(),
            due=d.due.isoformat() if d.due else None,
            due_at=as_utc(d.next_notice_at).isoformat(),  # type: ignore[arg-type]
            provisional=d.provisional, to=to, messages=len(routes_for(to, recipients)),
            caught_up=bool(stored and stored[-1].data.get("caught_up")),
            skipped=tuple(stored[-1].data.get("skipped") or ()) if stored else (),
        ))
    return out, drafts
