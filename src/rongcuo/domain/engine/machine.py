"""The state machine: one ``transitions`` machine per definition version, and routing.

* :func:`compiled_machine` compiles each definition version once (cache keyed by
  ``(id, version)``) with ``auto_transitions=False`` (no ``to_<state>()`` back doors) and no
  model; every case of that version shares it.
* :func:`fire` runs one trigger on a transient :class:`_Step` model that is released when the
  call returns.  The step receives what guards may read (``allowed``, and ``due_for``: a
  case's running due dates), never the engine.
* **Routing.**  A trigger's transitions are tried in the order the definition lists them;
  among those whose ``from`` holds the case's state, the first whose conditions all hold is
  taken.  A condition is a guard of the trigger, then a guard of the transition, then (for a
  trigger that pauses, resumes or extends a timer) the built-in timer rules.  A condition
  that refuses records its :class:`~rongcuo.domain.errors.Refused` on the step and returns
  ``False``, so ``transitions`` tries the next transition; ``InvalidInput`` (bad step data,
  e.g. ``one_of_data``) is not a route and propagates at once.  When no transition is taken,
  :func:`fire` raises: the one candidate's own refusal, or, with several candidates, the
  first one's refusal listing every candidate's in ``details["branches"]`` and in the
  message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from transitions import EventData, Machine, MachineError

from rongcuo.domain.case import CaseState, Command
from rongcuo.domain.engine.common import NEW, DueFor
from rongcuo.domain.engine.timer_rules import check_timer_ops, timer_operations
from rongcuo.domain.errors import Refused
from rongcuo.domain.rules import RULES as GUARD_RULES
from rongcuo.domain.rules import GuardCall
from rongcuo.domain.workflow.model import GuardSpec, TriggerSpec, WorkflowDefinition

__all__ = ["compiled_machine", "fire"]

_Condition = Callable[[EventData], bool]


@dataclass(slots=True, weakref_slot=True)  # weakref: a test proves it is released
class _Step:
    """The transient model one decision runs the shared machine on."""

    state: str
    definition: WorkflowDefinition
    case: CaseState | None
    command: Command
    data: Mapping[str, Any]
    context: Mapping[str, Any]
    allowed: tuple[str, ...]
    due_for: Callable[[CaseState | None], DueFor]
    seen: dict[str, Any] = field(default_factory=dict)
    call: GuardCall | None = None
    due: DueFor | None = None  # due_for(case), built on first use: most steps need none
    # (destination, refusal) of each transition tried and not taken, in the order tried
    refusals: list[tuple[str, Refused]] | None = None

    def running_due(self) -> DueFor:
        """The running due date of each timer of the case."""
        due = self.due
        if due is None:
            due = self.due = self.due_for(self.case)
        return due

    def guard_call(self, guard: GuardSpec) -> GuardCall:
        """One GuardCall per decision, re-pointed at each guard in turn."""
        call = self.call
        if call is None:
            call = self.call = GuardCall(
                spec=guard,
                definition=self.definition,
                case=self.case,
                command=self.command,
                data=self.data,
                context=self.context,
                due=self.running_due(),
                allowed=self.allowed,
                seen=self.seen,
            )
        else:
            call.spec = guard
        return call

    def refused(self, event_data: EventData, refusal: Refused) -> bool:
        """Note the refusal that stops this transition; ``False`` lets the next be tried."""
        dest = event_data.transition.dest if event_data.transition else None
        if self.refusals is None:
            self.refusals = []
        self.refusals.append((dest or self.state, refusal))
        return False


def _guard(guard: GuardSpec) -> _Condition:
    rule = GUARD_RULES[guard.rule]

    def condition(event_data: EventData) -> bool:
        step = cast("_Step", event_data.model)  # the model fire() ran the machine on
        try:
            rule.check(step.guard_call(guard))  # writes what it saw into step.seen
        except Refused as refusal:
            return step.refused(event_data, refusal)
        return True

    condition.__name__ = f"guard_{guard.rule}"
    return condition


def _timer_rules(trigger: str) -> _Condition:
    """The timer rules every definition gets: pause/resume order and extension limits."""

    def condition(event_data: EventData) -> bool:
        step = cast("_Step", event_data.model)
        try:
            check_timer_ops(
                step.definition, step.case, trigger, step.command, step.data, step.allowed,
                step.running_due(),
            )
        except Refused as refusal:
            return step.refused(event_data, refusal)
        return True

    condition.__name__ = "timer_rules"
    return condition


def _compile(definition: WorkflowDefinition) -> Machine:
    transitions: list[dict[str, Any]] = []
    timer_ops = timer_operations(definition)
    for t in definition.triggers.values():
        for tr in t.transitions:  # in definition order: the order routing tries them
            conditions = [_guard(g) for g in (*t.guards, *tr.guards)]
            if t.name in timer_ops:
                conditions.append(_timer_rules(t.name))
            sources = [NEW] if t.opens else list(tr.sources)
            transitions.append(
                {"trigger": t.name, "source": sources, "dest": tr.dest, "conditions": conditions}
            )
    return Machine(
        model=None,
        states=[NEW, *definition.states],
        transitions=transitions,
        initial=NEW,
        auto_transitions=False,
        send_event=True,
    )


_MACHINES: dict[tuple[str, str], tuple[WorkflowDefinition, Machine]] = {}


def compiled_machine(definition: WorkflowDefinition) -> Machine:
    """The one machine of a definition version (compiled once, shared by all cases)."""
    hit = _MACHINES.get(definition.key)
    if hit is not None and (hit[0] is definition or hit[0] == definition):
        return hit[1]
    machine = _compile(definition)
    _MACHINES[definition.key] = (definition, machine)
    return machine


def fire(
    machine: Machine,
    definition: WorkflowDefinition,
    spec: TriggerSpec,
    state: str,
    case: CaseState | None,
    command: Command,
    data: Mapping[str, Any],
    context: Mapping[str, Any],
    *,
    allowed: tuple[str, ...],
    due_for: Callable[[CaseState | None], DueFor],
) -> tuple[str, dict[str, Any]]:
    """Run ``spec`` from ``state``; return the destination taken and what the guards saw.

    ``seen`` holds what every guard evaluated wrote, including those of a transition passed
    over: they decided the route, so a re-decision from the event alone takes the same one.
    """
    step = _Step(state, definition, case, command, data, context, allowed, due_for)
    try:
        taken = machine.events[spec.name].trigger(step)
    except MachineError as exc:  # pragma: no cover - the engine checks sources first
        raise _wrong_state(str(exc), spec, allowed) from None
    if not taken:
        raise _no_route(definition, spec, step.refusals or [], allowed)
    return step.state, step.seen


def _wrong_state(message: str, spec: TriggerSpec, allowed: tuple[str, ...]) -> Refused:
    return Refused(message, message, code="case.wrong_state", article=spec.article,
                   allowed=allowed)


def _no_route(
    definition: WorkflowDefinition,
    spec: TriggerSpec,
    refusals: list[tuple[str, Refused]],
    allowed: tuple[str, ...],
) -> Refused:
    """The refusal of a trigger none of whose candidate transitions could be taken."""
    if not refusals:  # pragma: no cover - a condition returns False only after recording
        return _wrong_state(f"no transition of '{spec.name}' was taken", spec, allowed)
    if len(refusals) == 1:
        return refusals[0][1]  # exactly what a one-route trigger has always raised
    first = refusals[0][1]
    n = len(refusals)
    numbered = list(enumerate(refusals, 1))

    def label(state: str) -> str:
        s = definition.states.get(state)
        return s.label_zh if s else state

    zh = "；".join(f"（{i}）转入“{label(d)}”：{r.message_zh}" for i, (d, r) in numbered)
    en = "; ".join(f"({i}) to '{d}': {r.message_en}" for i, (d, r) in numbered)
    branches = [
        {
            "to_state": d,
            "code": r.code,
            "article": r.article,
            "message_zh": r.message_zh,
            "message_en": r.message_en,
        }
        for d, r in refusals
    ]
    return Refused(
        f"“{spec.label_zh}”的 {n} 条路线均不能进行：{zh}",
        f"none of the {n} routes of '{spec.name}' is open: {en}",
        code=first.code,
        article=first.article,
        allowed=first.allowed,
        details={**first.details, "branches": branches},
    )
