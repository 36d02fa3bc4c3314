"""The :class:`Engine` facade: open a case, decide a step, record a notice, expire a timer.

Each decision is done once: the triggers open in the case's state are computed once and
handed to every refusal; the step data is coerced once (:mod:`.coerce`); the machine chooses
the destination (:mod:`.machine`) and the fold applies the event to the state with that
destination (:mod:`.fold`); the deadlines are projected from the new state
(:mod:`.projection`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from rongcuo.domain import corrections as cx
from rongcuo.domain.calendar import WorkCalendar
from rongcuo.domain.case import CaseState, Command, Deadline, Decision, Event
from rongcuo.domain.engine import corrected
from rongcuo.domain.engine.adopter import FACT as ADOPTED
from rongcuo.domain.engine.adopter import adopter_values
from rongcuo.domain.engine.coerce import coerce
from rongcuo.domain.engine.common import (
    ACCESS_TRIGGER,
    ACCESS_TYPE,
    NEW,
    NOTICE_TRIGGER,
    NOTICE_TYPES,
    jsonable,
)
from rongcuo.domain.engine.fold import Fold
from rongcuo.domain.engine.machine import compiled_machine, fire
from rongcuo.domain.engine.projection import Projection
from rongcuo.domain.engine.refusals import (  # the messages this module raises
    MSG_CASE_CLOSED,
    MSG_CASE_CLOSED_ENGINE,
    MSG_CASE_DATE_BEFORE_PREVIOUS_STEP,
    MSG_CASE_DATE_BEFORE_PREVIOUS_STEP_ENGINE,
    MSG_CASE_OUTSIDE_IN_FORCE,
    MSG_CASE_UNKNOWN_TRIGGER,
    MSG_CASE_WRONG_STATE,
    MSG_CASE_WRONG_STATE_ENGINE,
    MSG_CASE_WRONG_VERSION,
    MSG_NOTICE_DUPLICATE,
    MSG_NOTICE_TIMER_NOT_RUNNING,
    MSG_NOTICE_UNKNOWN,
    MSG_NOTICE_UNKNOWN_TIMER,
)
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.domain.workflow.model import TimerSpec, TriggerSpec, WorkflowDefinition

# a policy, not an article of the sources (历城办法第二十二条 requires the feedback only)
ACCESS_BASIS = "举报人身份保密（政策，非来源条文）"

__all__ = ["Engine"]


class Engine:
    """Decides commands for every case of one definition version."""

    def __init__(self, definition: WorkflowDefinition, calendar: WorkCalendar) -> None:
        self.definition = definition
        self.calendar = calendar
        self._machine = compiled_machine(definition)
        self._opener = definition.open_trigger
        # What may be fired in each state (per definition, shared by every case).
        self._sources = {n: frozenset(t.sources) for n, t in definition.triggers.items()}
        self._allowed: dict[str, tuple[str, ...]] = {
            s: tuple(
                n for n, t in definition.triggers.items() if not t.opens and s in self._sources[n]
            )
            for s in definition.states
        }
        self.projection = Projection(definition, calendar)
        self._due_for = self.projection.due_for  # bound once, not per decision
        self._fold = Fold(definition)

    # ---------------------------------------------------------------- deciding
    def open(self, command: Command, context: Mapping[str, Any] | None = None) -> Decision:
        """Open a new case with the definition's opening trigger (``open``)."""
        d = self.definition
        if command.trigger != self._opener.name:
            raise Refused.of(
                MSG_CASE_WRONG_STATE,
                name=self._opener.name,
                article=self._opener.article,
                allowed=(self._opener.name,),
            )
        frm, to = d.in_force
        if (frm and command.on < frm) or (to and command.on > to):
            span = f"{frm.isoformat() if frm else '…'} 至 {to.isoformat() if to else '…'}"
            raise Refused.of(
                MSG_CASE_OUTSIDE_IN_FORCE,
                title=d.title,
                span=span,
                on=command.on.isoformat(),
                id=d.id,
                version=d.version,
                replace=span.replace('至', 'to'),
                article=d.in_force_article,
            )
        used = adopter_values(d, context or {}) if d.adopter_parameters else None
        return self._run(None, NEW, self._opener, command, context or {}, (), used)

    def decide(
        self, case: CaseState, command: Command, context: Mapping[str, Any] | None = None
    ) -> Decision:
        """Refuse (``Refused`` / ``InvalidInput``) or return the events of ``command``."""
        self._check_version(case)
        allowed = () if case.closed else self._allowed.get(case.state, ())
        if case.withdrawn:
            raise Refused.of(cx.WITHDRAWN, on=case.last_on.isoformat() if case.last_on else "")
        if case.closed:
            raise Refused.of(
                MSG_CASE_CLOSED,
                state_label=self._state_label(case.state),
                trigger=command.trigger,
                state=case.state,
                article=self.definition.states[case.state].article,
            )
        spec = self.definition.triggers.get(command.trigger)
        if spec is None or spec.opens:
            raise Refused.of(
                MSG_CASE_UNKNOWN_TRIGGER,
                trigger=command.trigger,
                id=self.definition.id,
                allowed=allowed,
            )
        if case.last_on is not None and command.on < case.last_on:
            raise Refused.of(
                MSG_CASE_DATE_BEFORE_PREVIOUS_STEP,
                on=command.on.isoformat(),
                last_on=case.last_on.isoformat(),
                article=spec.article,
                allowed=allowed,
            )
        if case.state not in self._sources[spec.name]:
            where = "、".join(self._state_label(s) for s in spec.sources)
            raise Refused.of(
                MSG_CASE_WRONG_STATE_ENGINE,
                state_label=self._state_label(case.state),
                label_zh=spec.label_zh,
                where=where,
                trigger=command.trigger,
                state=case.state,
                value=', '.join(spec.sources),
                article=spec.article,
                allowed=allowed,
            )
        return self._run(case, case.state, spec, command, context or {}, allowed)

    def _run(
        self,
        case: CaseState | None,
        state: str,
        spec: TriggerSpec,
        command: Command,
        context: Mapping[str, Any],
        allowed: tuple[str, ...],
        parameters: Mapping[str, Any] | None = None,
    ) -> Decision:
        data = coerce(self.definition, case, spec, command)
        dest, seen = fire(
            self._machine, self.definition, spec, state, case, command, data, context,
            allowed=allowed, due_for=self._due_for,
        )
        event_data: dict[str, Any] = {k: jsonable(v) for k, v in data.items()}
        event_data.update(seen)
        event_data["from_state"] = None if state == NEW else state
        event_data["to_state"] = dest  # the route taken; the fold follows it
        if spec.opens:
            event_data["workflow"] = {"id": self.definition.id, "version": self.definition.version}
            if parameters:  # C2: the adopter's values this case opened with
                event_data[ADOPTED] = dict(parameters)
        event = Event(
            trigger=spec.name,
            type=spec.event,
            on=command.on,
            actor=command.actor,
            article=spec.article,
            data=event_data,
        )
        new = self._fold.apply(case, event)
        return Decision(events=(event,), state=new, deadlines=self.projection.deadlines(new))

    def allowed_triggers(self, case: CaseState | None) -> list[str]:
        """The triggers open in the case's state (guards not evaluated)."""
        if case is None:
            return [self._opener.name]
        if case.closed:
            return []
        return list(self._allowed.get(case.state, ()))

    def available_triggers(self, case: CaseState, on: date) -> list[str]:
        """:meth:`allowed_triggers` less those whose guards would refuse on ``on`` (those
        that read the step's data or the record are judged when the step is fired)."""
        return [n for n, why in self.availability(case, on) if why is None]

    def availability(self, case: CaseState, on: date) -> tuple[tuple[str, Refused | None], ...]:
        """Each trigger open in the case's state, with why it would be refused on ``on``."""
        from rongcuo.domain.engine.available import availability

        open_now = tuple(self.allowed_triggers(case))
        return availability(self.definition, case, on, open_now, self._due_for)

    # ---------------------------------------------------------------- folding
    def apply(self, case: CaseState | None, event: Event) -> CaseState:
        """Fold one event into the case (pure; what replay does)."""
        return self._fold.apply(case, event)

    def apply_fields(
        self, case: CaseState | None, trigger: str, on: date, data: Mapping[str, Any]
    ) -> CaseState:
        """:meth:`apply` given the event's trigger, business date and data (see
        :meth:`.fold.Fold.apply_fields`)."""
        return self._fold.apply_fields(case, trigger, on, data)

    def replay(self, events: Iterable[Event]) -> CaseState:
        """Rebuild a case from its events alone (its corrections applied: see
        :mod:`rongcuo.domain.corrections`)."""
        events = list(events)
        if cx.has_corrections(events):
            return corrected.replay(self, events)
        return self._fold.replay(events)

    # ---------------------------------------------------------------- corrections
    def amend(self, events: Sequence[Event], seq: int, *, on: date | None,
              sets: Mapping[str, Any], actor: str, reason: str, approved_by: str | None,
              today: date) -> Decision:
        """更正 step ``seq`` (see :func:`.corrected.amend`); ``events``: the case's log."""
        return corrected.amend(self, events, seq, on=on, sets=sets, actor=actor,
                               reason=reason, approved_by=approved_by, today=today)

    def void(self, events: Sequence[Event], seq: int, *, actor: str, reason: str,
             approved_by: str | None, today: date) -> Decision:
        """撤销 step ``seq`` (see :func:`.corrected.void`)."""
        return corrected.void(self, events, seq, actor=actor, reason=reason,
                              approved_by=approved_by, today=today)

    def untrue_notices(self, events: Sequence[Event]) -> list[int]:
        """The notices a correction made untrue (see :func:`.corrected.untrue_notices`)."""
        return corrected.untrue_notices(self, events)

    def withdraw(self, events: Sequence[Event], *, on: date, actor: str, reason: str,
                 approved_by: str | None) -> Decision:
        """误录撤回 the case (see :func:`.corrected.withdraw`)."""
        return corrected.withdraw(self, events, on=on, actor=actor, reason=reason,
                                  approved_by=approved_by)

    # ---------------------------------------------------------------- projection
    def deadlines(self, case: CaseState) -> tuple[Deadline, ...]:
        """Every timer of the case projected for storage, with the next notice owed."""
        return self.projection.deadlines(case)

    def notice_at(self, spec: TimerSpec, key: str, due: date) -> datetime:
        """When a notice falls due (aware, CST); see :meth:`.projection.Projection.notice_at`."""
        return self.projection.notice_at(spec, key, due)

    def notice_schedule(self, spec: TimerSpec, due: date) -> list[tuple[str, datetime]]:
        """Every notice of a timer with the instant it falls due (CST), in time order."""
        return self.projection.notice_schedule(spec, due)

    def record_access(self, case: CaseState, on: date, actor: str,
                      data: Mapping[str, Any]) -> Decision:
        """Record that confidential data kept outside the events was read (a reporter's
        identity revealed): an event of its own, on an open or a closed case, that changes
        nothing of the case.  ``data`` holds references only, never what was read."""
        self._check_version(case)
        event = Event(ACCESS_TRIGGER, ACCESS_TYPE, on, actor, ACCESS_BASIS,
                      {k: jsonable(v) for k, v in data.items()})
        return Decision(events=(event,), state=case, deadlines=self.projection.deadlines(case))

    # ---------------------------------------------------------------- scheduler API
    def record_notice(
        self,
        case: CaseState,
        timer: str,
        notice: str,
        on: date,
        actor: str = "system",
        data: Mapping[str, Any] | None = None,
    ) -> Decision:
        """Record a reminder / overdue mark / escalation rung (once each)."""
        self._check_version(case)
        spec = self.definition.timers.get(timer)
        t = case.timers.get(timer)
        if spec is None or t is None:
            raise InvalidInput.of(
                MSG_NOTICE_UNKNOWN_TIMER,
                timer=timer,
            )
        if notice not in spec.notice_keys():
            raise InvalidInput.of(
                MSG_NOTICE_UNKNOWN,
                timer=timer,
                notice=notice,
                value=', '.join(spec.notice_keys()),
            )
        if case.closed:
            raise Refused.of(
                MSG_CASE_CLOSED_ENGINE,
            )
        if notice in t.notices:
            raise Refused.of(
                MSG_NOTICE_DUPLICATE,
                label_zh=spec.label_zh,
                notice=notice,
                timer=timer,
                article=spec.article,
            )
        if t.status not in ("running", "overdue") or t.stopped_on is not None:
            raise Refused.of(
                MSG_NOTICE_TIMER_NOT_RUNNING,
                label_zh=spec.label_zh,
                status=t.status,
                timer=timer,
                article=spec.article,
            )
        if case.last_on is not None and on < case.last_on:
            raise Refused.of(
                MSG_CASE_DATE_BEFORE_PREVIOUS_STEP_ENGINE,
                on=on.isoformat(),
                last_on=case.last_on.isoformat(),
            )
        kind, article, payload = _notice_payload(spec, timer, notice)
        payload.update({k: jsonable(v) for k, v in (data or {}).items()})
        event = Event(NOTICE_TRIGGER, NOTICE_TYPES[kind], on, actor, article, payload)
        new = self._fold.apply(case, event)
        return Decision(events=(event,), state=new, deadlines=self.projection.deadlines(new))

    def expire(self, case: CaseState, timer: str, on: date) -> Decision | None:
        """Fire the timer's on-expiry trigger (through the same guards), if it has one."""
        spec = self.definition.timers.get(timer)
        t = case.timers.get(timer)
        if spec is None or t is None or spec.on_expiry is None or case.closed:
            return None
        if t.status not in ("running", "overdue") or t.stopped_on is not None:
            return None
        return self.decide(case, Command(spec.on_expiry, on, "system", {}))

    # ---------------------------------------------------------------- misc
    def _check_version(self, case: CaseState) -> None:
        if (case.workflow_id, case.workflow_version) != self.definition.key:
            raise InvalidInput.of(
                MSG_CASE_WRONG_VERSION,
                workflow_id=case.workflow_id,
                workflow_version=case.workflow_version,
                id=self.definition.id,
                version=self.definition.version,
            )

    def _state_label(self, state: str) -> str:
        s = self.definition.states.get(state)
        return s.label_zh if s else state


def _notice_payload(spec: TimerSpec, timer: str, notice: str) -> tuple[str, str, dict[str, Any]]:
    """The kind, cited article and event data of one notice of ``spec``."""
    kind, _, rest = notice.partition(":")
    article = spec.article
    payload: dict[str, Any] = {"timer": timer, "notice": notice}
    if kind == "escalation":
        rung = spec.escalation[int(rest) - 1]
        payload.update({"to": rung.to, "to_en": rung.to_en, "basis": "policy"})
        article = rung.article or article
    elif kind == "reminder":
        payload["basis"] = "policy"
    return kind, article, payload
