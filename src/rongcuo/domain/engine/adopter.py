"""C2 — a number the source leaves blank, supplied by the adopting body.

The generic procedure's art. 14 reads "容错决定作出后，应当于日内告知" — the number of days is
blank.  The definition declares it ``basis: blank_in_source, required_from: adopter`` with no
value; the adopting body sets it (the service reads its settings and hands them to
:meth:`Engine.open` as ``context["adopter_parameters"]``).  Until it is set no case opens; the
value a case opened with is written into its opening event (``data["parameters"]``) and kept in
its facts, so a later change of the setting never alters a case already open, and replay needs
nothing but the events.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rongcuo.domain.errors import Refused
from rongcuo.domain.messages import message
from rongcuo.domain.workflow.build_timers import MAX_PERIOD_DAYS
from rongcuo.domain.workflow.model import TimerSpec, WorkflowDefinition

__all__ = ["CONTEXT_KEY", "FACT", "adopter_values", "case_days"]

CONTEXT_KEY = "adopter_parameters"
FACT = "parameters"  # the fact (and opening-event key) holding the values a case opened with

UNSET = message(
    "definition.parameter_unset",
    "{title}的参数 {name}（{article}）来源留空，须由采用单位设定后方可开案",
    "parameter '{name}' of {workflow} ({article}) is blank in the source: the adopting body "
    "must set it before a case can be opened",
)
INVALID = message(
    "definition.parameter_invalid",
    "{title}的参数 {name}（{article}）须为 1 至 {most} 的整数天数，所设为 {value}",
    "parameter '{name}' of {workflow} ({article}) must be a whole number of days from 1 to "
    "{most}; it is set to {value}",
)


def valid_days(value: Any) -> bool:
    """A period length an adopter may set: a whole number of days, 1 … MAX_PERIOD_DAYS."""
    return isinstance(value, int) and not isinstance(value, bool) \
        and 1 <= value <= MAX_PERIOD_DAYS


def adopter_values(
    definition: WorkflowDefinition, context: Mapping[str, Any]
) -> dict[str, int]:
    """The adopter's value of each blank parameter, or :class:`Refused` naming the one unset."""
    given = context.get(CONTEXT_KEY) or {}
    out: dict[str, int] = {}
    for p in definition.adopter_parameters:
        value = given.get(p.name)
        fields = {"title": definition.title, "workflow": definition.id, "name": p.name,
                  "article": p.article or "", "most": MAX_PERIOD_DAYS, "value": value}
        msg = UNSET if value is None else INVALID
        if value is None or not valid_days(value):
            zh, en = msg.render(fields)
            raise Refused(zh, en, code=msg.code, article=p.article,
                          details={"workflow": definition.id, "parameter": p.name,
                                   "value": value})
        out[p.name] = value
    return out


def case_days(facts: Mapping[str, Any], spec: TimerSpec) -> int | None:
    """A timer's per-case length: from its start step's data (``timer_days``) or from the
    adopter parameter the case opened with; None for a fixed length."""
    if spec.days_from_data:
        got = (facts.get("timer_days") or {}).get(spec.name)
        return None if got is None else int(got)
    if spec.days_from_param:
        got = (facts.get(FACT) or {}).get(spec.days_from_param)
        return None if got is None else int(got)
    return None
