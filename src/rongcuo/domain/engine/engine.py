"""The :class:`Engine` facade: open a case, decide a step, record a notice, expire a timer.

Each decision is done once: the triggers open in the case's state are computed once and
handed to every refusal; the step data is coerced once (:mod:`.coerce`); the machine chooses
the destination (:mod:`.machine`) and the fold applies the event to the state with that
destination (:mod:`.fold`); the deadlines are projected from the new state
(:mod:`.projection`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from rongcuo.domain.calendar import WorkCalendar
from rongcuo.domain.case import CaseState, Command, Deadline, Decision, Event
from rongcuo.domain.engine.adopter import FACT as ADOPTED
from rongcuo.domain.engine.adopter import adopter_values
from rongcuo.domain.engine.coerce import coerce
from rongcuo.domain.engine.common import NEW, NOTICE_TRIGGER, NOTICE_TYPES, jsonable
from rongcuo.domain.engine.fold import Fold
from rongcuo.domain.engine.machine import compiled_machine, fire
from rongcuo.domain.engine.projection import Projection
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.domain.workflow.model import TimerSpec, TriggerSpec, WorkflowDefinition

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
            raise Refused(
                f"新案件只能以“{self._opener.name}”启动",
                f"a new case can only be opened with '{self._opener.name}'",
                code="case.wrong_state",
                article=self._opener.article,
                allowed=(self._opener.name,),
            )
        frm, to = d.in_force
        if (frm and command.on < frm) or (to and command.on > to):
            span = f"{frm.isoformat() if frm else '…'} 至 {to.isoformat() if to else '…'}"
            raise Refused(
                f"{d.title} 的施行期间为 {span}，{command.on.isoformat()} 不在其内",
                f"{d.id} {d.version} is in force {span.replace('至', 'to')}; "
                f"{command.on.isoformat()} is outside it",
                code="case.outside_in_force",
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
        if case.closed:
            raise Refused(
                f"案件已办结（{self._state_label(case.state)}），不能再进行“{command.trigger}”",
                f"the case is closed ({case.state}); '{command.trigger}' is not possible",
                code="case.closed",
                article=self.definition.states[case.state].article,
            )
        spec = self.definition.triggers.get(command.trigger)
        if spec is None or spec.opens:
            raise Refused(
                f"本流程没有操作“{command.trigger}”",
                f"'{command.trigger}' is not a step of {self.definition.id}",
                code="case.unknown_trigger",
                allowed=allowed,
            )
        if case.last_on is not None and command.on < case.last_on:
            raise Refused(
                f"日期 {command.on.isoformat()} 早于上一步骤的日期 {case.last_on.isoformat()}",
                f"{command.on.isoformat()} is before the previous step "
                f"({case.last_on.isoformat()}); steps are recorded in order",
                code="case.date_before_previous_step",
                article=spec.article,
                allowed=allowed,
            )
        if case.state not in self._sources[spec.name]:
            where = "、".join(self._state_label(s) for s in spec.sources)
            raise Refused(
                f"当前状态为“{self._state_label(case.state)}”，不能进行“{spec.label_zh}”"
                f"（只能在 {where} 状态进行）",
                f"'{command.trigger}' is not allowed in state '{case.state}' "
                f"(only from {', '.join(spec.sources)})",
                code="case.wrong_state",
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
        """Rebuild a case from its events alone."""
        return self._fold.replay(events)

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
            raise InvalidInput(
                f"本案没有计时器 {timer}",
                f"the case has no timer '{timer}'",
                code="notice.unknown_timer",
            )
        if notice not in spec.notice_keys():
            raise InvalidInput(
                f"计时器 {timer} 没有提醒 {notice}（可用：{', '.join(spec.notice_keys())}）",
                f"timer '{timer}' has no notice '{notice}' "
                f"(declared: {', '.join(spec.notice_keys())})",
                code="notice.unknown",
            )
        if case.closed:
            raise Refused("案件已办结", "the case is closed", code="case.closed")
        if notice in t.notices:
            raise Refused(
                f"{spec.label_zh}的 {notice} 已记录过",
                f"notice '{notice}' of '{timer}' was already recorded",
                code="notice.duplicate",
                article=spec.article,
            )
        if t.status not in ("running", "overdue") or t.stopped_on is not None:
            raise Refused(
                f"{spec.label_zh}当前为 {t.status}，不再发出提醒",
                f"the {timer} timer is {t.status}; no notice is owed",
                code="notice.timer_not_running",
                article=spec.article,
            )
        if case.last_on is not None and on < case.last_on:
            raise Refused(
                f"日期 {on.isoformat()} 早于上一步骤的日期 {case.last_on.isoformat()}",
                f"{on.isoformat()} is before the previous step ({case.last_on.isoformat()})",
                code="case.date_before_previous_step",
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
            raise InvalidInput(
                f"案件属于 {case.workflow_id} {case.workflow_version}，不能用 "
                f"{self.definition.id} {self.definition.version} 处理",
                f"the case is pinned to {case.workflow_id} {case.workflow_version}, not "
                f"{self.definition.id} {self.definition.version}",
                code="case.wrong_version",
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
