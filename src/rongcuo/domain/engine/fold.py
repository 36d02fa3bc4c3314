"""The fold: one event into the case state (what :meth:`Engine.decide` and replay both do).

Pure and total over stored histories: the fold reads only the event's trigger, business date
and data, and the definition.  The destination is the one the decision recorded
(``data["to_state"]``) when it is a state this trigger can reach from the case's state;
events recorded before routing was possible, or without ``to_state``, take the first
transition of the trigger from that state — which is what every such event recorded, so
every stored history replays to the same state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from rongcuo.domain.case import CaseState, Event, Extension, Pause, TimerState, TimerStatus
from rongcuo.domain.corrections import WITHDRAW
from rongcuo.domain.engine.adopter import FACT as ADOPTED
from rongcuo.domain.engine.common import ACCESS_TRIGGER, NEW, NOTICE_TRIGGER, as_date, is_active
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.workflow.model import TimerSpec, TriggerSpec, WorkflowDefinition

MSG_REPLAY_BAD_START_2 = message(
    "replay.bad_start",
    "案件历史必须以启动事件开始",
    "a history must start with open",
)

MSG_REPLAY_BAD_START = message(
    "replay.bad_start",
    "案件历史必须以启动事件开始",
    "a history must start with open",
)

MSG_REPLAY_EMPTY = message(
    "replay.empty",
    "没有事件可重放",
    "no events to replay",
)

MSG_REPLAY_WRONG_STATE = message(
    "replay.wrong_state",
    "事件“{name}”不能在状态“{state}”上重放",
    "event '{name}' cannot be replayed in state '{state}'",
)

MSG_REPLAY_BAD_START_FOLD = message(
    "replay.bad_start/fold",
    "案件历史必须以“{opener}”开始",
    "a case history must start with '{opener}'",
)

__all__ = ["Fold", "apply_notice", "apply_withdrawal"]

_Plan = tuple[TriggerSpec, tuple[TimerSpec, ...]]
_Route = tuple[str, frozenset[str]]  # the first transition's destination, every reachable one


class Fold:
    """Folds events of one definition version; per-trigger plans are built on first use, so
    replaying a million events does not rescan the definition for each one."""

    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        self._opener = definition.open_trigger.name
        self._plans: dict[str, _Plan] = {}
        self._routes: dict[tuple[str, str], _Route] = {}

    def apply(self, case: CaseState | None, event: Event) -> CaseState:
        """Fold one event into the case (pure; what replay does)."""
        return self.apply_fields(case, event.trigger, event.on, event.data)

    def apply_fields(
        self, case: CaseState | None, trigger: str, on: date, data: Mapping[str, Any]
    ) -> CaseState:
        """:meth:`apply` given the event's trigger, business date and data — all the fold
        reads of an event — so an auditor streaming stored rows need not build an
        :class:`Event` for each one."""
        if trigger == NOTICE_TRIGGER:
            return apply_notice(case, data)
        if trigger == WITHDRAW:
            return apply_withdrawal(case, on)
        if trigger == ACCESS_TRIGGER and case is not None:
            return case  # an access record: the case does not change, last_on does not move
        plan = self._plans.get(trigger)
        if plan is None:
            plan = self._plan(trigger)
        spec, touched = plan
        if case is None:
            if not spec.opens:
                raise InvalidInput.of(
                    MSG_REPLAY_BAD_START_FOLD,
                    opener=self._opener,
                )
            case = CaseState(self.definition.id, self.definition.version, NEW)
        dest = self.destination(spec, case.state, data.get("to_state"))
        facts = _apply_facts(spec, on, data, case.facts) if spec.facts else dict(case.facts)
        if spec.opens and isinstance(data.get(ADOPTED), Mapping):
            facts[ADOPTED] = dict(data[ADOPTED])  # C2: the values the case opened with
        timers = dict(case.timers)
        for t in touched:  # the timers this trigger acts on, in definition order
            cur = timers.get(t.name)
            if cur is not None and is_active(cur):
                timers[t.name] = _act_on(t, spec.name, cur, on, data)
            if spec.name in t.start_on and t.starts(facts):
                timers[t.name] = _start(t, on, data)
                if t.days_from_data:
                    facts["timer_days"] = _timer_days(t, facts, data)
        closed = self.definition.states[dest].final
        if closed:
            for name, cur in timers.items():
                if is_active(cur):
                    timers[name] = close_timer(cur, on, "cancelled")
        return CaseState(
            case.workflow_id, case.workflow_version, dest, facts, timers, on, closed
        )

    def destination(self, spec: TriggerSpec, state: str, recorded: Any) -> str:
        """Where ``spec`` fired in ``state`` leads: the ``recorded`` destination if this
        trigger can reach it from ``state``, else its first transition from ``state``."""
        route = self._routes.get((spec.name, state))
        if route is None:
            route = self._route(spec, state)
        first, reachable = route
        return recorded if isinstance(recorded, str) and recorded in reachable else first

    def replay(self, events: Iterable[Event]) -> CaseState:
        """Rebuild a case from its events alone."""
        case: CaseState | None = None
        for event in events:
            case = self.apply(case, event)
        if case is None:
            raise InvalidInput.of(
                MSG_REPLAY_EMPTY,
            )
        return case

    def _plan(self, trigger: str) -> _Plan:
        """The trigger's spec and the timers it can act on (any other timer is left as it
        is by :meth:`apply`: none of its branches names this trigger)."""
        spec = self.definition.triggers[trigger]
        name = spec.name
        touched = tuple(
            t
            for t in self.definition.timers.values()
            if name in t.cancel
            or name in t.stop
            or name == t.on_expiry
            or name == t.pause_by
            or name == t.resume_by
            or (t.extension is not None and name == t.extension.by)
            or name in t.start_on
        )
        plan = self._plans[trigger] = (spec, touched)
        return plan

    def _route(self, spec: TriggerSpec, state: str) -> _Route:
        dests = [tr.dest or state for tr in spec.transitions if spec.opens or state in tr.sources]
        if not dests:
            raise InvalidInput.of(
                MSG_REPLAY_WRONG_STATE,
                name=spec.name,
                state=state,
            )
        route = self._routes[(spec.name, state)] = (dests[0], frozenset(dests))
        return route


def _apply_facts(
    spec: TriggerSpec, on: date, data: Mapping[str, Any], before: Mapping[str, Any]
) -> dict[str, Any]:
    facts = dict(before)
    for op in spec.facts:
        value = op.value
        if isinstance(value, dict):
            value = record_value(value, on, data)
        elif isinstance(value, str) and value.startswith("$"):
            key = value[1:]
            if key == "on":
                value = on.isoformat()
            elif key in data:
                value = data[key]
            else:
                continue  # an optional field not given: the fact keeps its value
        if op.op == "set":
            facts[op.fact] = value
        elif op.op == "add":
            facts[op.fact] = [*facts.get(op.fact, ()), value]
        else:
            facts[op.fact] = [v for v in facts.get(op.fact, ()) if v != value]
    return facts


def record_value(template: Mapping[str, Any], on: date, data: Mapping[str, Any]) -> dict[str, Any]:
    """A structured record (C4) written into a list fact: each field of ``template`` is a
    literal, ``$on`` (the step's date) or ``$field`` (the step's data; a field not given is
    None, so every record of one step has the same keys).  Dates are kept as ISO text and
    tuples as lists, so the record is the same after a JSON round trip (replay)."""
    out: dict[str, Any] = {}
    for k, part in template.items():
        v: Any = part
        if isinstance(part, str) and part.startswith("$"):
            ref = part[1:]
            v = on.isoformat() if ref == "on" else data.get(ref)
        if isinstance(v, date):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[k] = v
    return out


def _act_on(
    t: TimerSpec, trigger: str, cur: TimerState, on: date, data: Mapping[str, Any]
) -> TimerState:
    """What ``trigger`` does to the active timer ``cur`` (first matching role wins)."""
    if trigger in t.cancel:
        return close_timer(cur, on, "cancelled")
    if trigger in t.stop:
        return close_timer(cur, on, "met")
    if trigger == t.on_expiry:
        return close_timer(cur, on, "overdue")
    if trigger == t.pause_by:
        began = data.get(t.pause_from) if t.pause_from else None
        return cur.evolve(paused_since=as_date(began) if began else on, status="paused")
    if trigger == t.resume_by and cur.paused_since is not None:
        pauses = cur.pauses
        if on > cur.paused_since:
            pauses = (*pauses, Pause(cur.paused_since, on - timedelta(days=1)))
        return cur.evolve(
            pauses=pauses,
            paused_since=None,
            status="overdue" if "overdue" in cur.notices else "running",
        )
    if t.extension is not None and trigger == t.extension.by:
        # an extension moves the due date: reminders are owed again for it
        ext = Extension(int(data["days"]), on, data.get("approved_by"))
        return cur.evolve(extensions=(*cur.extensions, ext), status="running", notices=())
    return cur


def _start(t: TimerSpec, on: date, data: Mapping[str, Any]) -> TimerState:
    given = data.get(t.start_from) if t.start_from else None
    override = data.get(t.due_from_data) if t.due_from_data else None
    return TimerState(
        name=t.name,
        started_on=as_date(given) if given else on,  # default: the step's own date
        due_override=as_date(override) if override else None,
    )


def _timer_days(
    t: TimerSpec, facts: Mapping[str, Any], data: Mapping[str, Any]
) -> dict[str, Any]:
    """The per-case period lengths after ``t`` starts with its length from the step data."""
    days = dict(facts.get("timer_days", {}))
    if t.days_from_data and data.get(t.days_from_data) is not None:
        days[t.name] = int(data[t.days_from_data])
    else:
        days.pop(t.name, None)
    return days


def close_timer(t: TimerState, on: date, status: TimerStatus) -> TimerState:
    """``t`` stopped on ``on`` with ``status`` (an open pause ends the day before)."""
    pauses = t.pauses
    if t.paused_since is not None and on > t.paused_since:
        pauses = (*pauses, Pause(t.paused_since, on - timedelta(days=1)))
    # the constructor, not evolve(): dataclasses.replace costs twice as much, and replay
    # closes a timer at nearly every step
    return TimerState(
        t.name, t.started_on, status, pauses, None, t.extensions, on, t.due_override, t.notices,
    )


def apply_notice(case: CaseState | None, data: Mapping[str, Any]) -> CaseState:
    """Fold a scheduler notice (reminder, overdue mark, escalation rung) into the case."""
    if case is None:
        raise InvalidInput.of(
            MSG_REPLAY_BAD_START,
        )
    name, notice = data["timer"], data["notice"]
    t = case.timers[name]
    # reminders a late sweep found stale (the deadline had passed) are recorded as skipped
    # with the overdue mark: never owed again
    skipped = tuple(k for k in data.get("skipped") or () if k not in t.notices)
    t = TimerState(
        t.name, t.started_on, "overdue" if notice == "overdue" else t.status, t.pauses,
        t.paused_since, t.extensions, t.stopped_on, t.due_override,
        (*t.notices, *skipped, notice),
    )
    timers = dict(case.timers)
    timers[name] = t
    # A notice is the system's record, not a step of the procedure: it does not move
    # ``last_on``, so a case worker can still record a step that happened before the
    # sweep noticed (e.g. the notice served on the 7th day, recorded the morning after the
    # overdue mark).  Steps stay ordered among themselves.
    return CaseState(
        case.workflow_id, case.workflow_version, case.state, case.facts, timers,
        case.last_on, case.closed, case.withdrawn,
    )


def apply_withdrawal(case: CaseState | None, on: date) -> CaseState:
    """误录撤回: the case is closed as withdrawn on ``on`` (its state as it stood, every
    running period cancelled: nothing is owed on a case that should never have been opened)."""
    if case is None:
        raise InvalidInput.of(
            MSG_REPLAY_BAD_START_2,
        )
    timers = {n: close_timer(t, on, "cancelled") if is_active(t) else t
              for n, t in case.timers.items()}
    return CaseState(case.workflow_id, case.workflow_version, case.state, case.facts, timers,
                     on, True, True)
