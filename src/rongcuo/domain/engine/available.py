"""What may be done now: the triggers open in a case's state whose guards would hold.

"Allowed now" must not offer a step its guards would refuse (a Banan case the 局党组 started
is never offered ``apply`` or ``lapse``, 巴南办法第十六条).  A dry run without step data
evaluates every guard that reads neither the step's data nor the record
(``Rule.reads_data``, ``Rule.needs``); those that do are decided only when the step is
fired.  A trigger is open when one of its transitions from the case's state has every such
guard holding; otherwise the refusal of its first candidate says why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rongcuo.domain.case import CaseState, Command
from rongcuo.domain.engine.common import DueFor
from rongcuo.domain.errors import Refused
from rongcuo.domain.rules import RULES, GuardCall
from rongcuo.domain.workflow.model import GuardSpec, TriggerSpec, WorkflowDefinition

__all__ = ["availability"]


def _dry(guard: GuardSpec) -> bool:
    r = RULES.get(guard.rule)
    return r is not None and not r.reads_data and r.needs is None


def _first_refusal(
    definition: WorkflowDefinition, spec: TriggerSpec, case: CaseState, on: date,
    due: DueFor, allowed: tuple[str, ...],
) -> Refused | None:
    """None when some transition from the case's state has every dry guard holding."""
    first: Refused | None = None
    command = Command(trigger=spec.name, on=on, actor="", data={})
    for tr in spec.transitions:
        if case.state not in tr.sources:
            continue
        refusal: Refused | None = None
        for guard in (*spec.guards, *tr.guards):
            if not _dry(guard):
                continue
            call = GuardCall(spec=guard, definition=definition, case=case, command=command,
                             data={}, context={}, due=due, allowed=allowed)
            try:
                RULES[guard.rule].check(call)
            except Refused as exc:
                refusal = exc
                break
        if refusal is None:
            return None
        first = first or refusal
    return first


def availability(
    definition: WorkflowDefinition, case: CaseState, on: date, open_now: tuple[str, ...],
    due_for: Callable[[CaseState | None], DueFor],
) -> tuple[tuple[str, Refused | None], ...]:
    """Each trigger open in the case's state with the refusal that closes it now (None:
    its guards that can be judged without data hold on ``on``)."""
    due = due_for(case)
    return tuple(
        (name, _first_refusal(definition, definition.triggers[name], case, on, due, open_now))
        for name in open_now
    )
