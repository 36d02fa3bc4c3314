"""Conditional guards (capability C10): a requirement that holds only *when* something else
does.  (Branch ``proc-a`` has the general form, ``rules/conditions.py``: ``require_data``,
``require_fact`` and ``any_of`` over a ``condition`` parameter; these two add the match of a
list value by membership — "the items cited include 9.2" — and can become that form's
``{data: items, contains: …}`` at merge.)

* :func:`require_data_when` — 审计局办法第九条第（二）项: citing the emergency situation needs the
  dates the decision was reported to the party organisation and ratified ("事后及时向党组织报告并按
  程序予以追认"); 贵安办法: none.
* :func:`require_fact_when` — 贵安办法第八条第（三）项 "属于免责的，应当在一定范围内公开": a case
  determined exempted is closed only once published; 第八条第（四）项: a 免责、减责 conclusion is
  closed only once the organisation (personnel) departments are notified.

"When" is a fact of the case (``when_fact``) or a data field of the step (``when_data``),
exactly one of them; its value matches ``when`` if it equals one of them or, for a list
value (catalogue items), contains one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rongcuo.domain.messages import message
from rongcuo.domain.rules.base import GuardCall, as_list, one_of, shown
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

DATA_REQUIRED_WHEN = message(
    "guard.required_when/data",
    "{when_name} 为 {when_value} 时，须填写 {keys}",
    "when {when_name} is {when_value}, {keys} must be given",
)
FACT_REQUIRED_WHEN = message(
    "guard.required_when/fact",
    "{when_name} 为 {when_value} 时，须先使 {fact} 为 {values}（本案：{have}）",
    "when {when_name} is {when_value}, {fact} must first be one of {values} (this case: {have})",
)

_WHEN = {
    "when_fact": Param("fact", doc="the case's fact the requirement depends on"),
    "when_data": Param("field", doc="or the step's data field it depends on"),
    "when": Param("values", required=True, doc="the values (or list members) concerned"),
}


def _one_condition(params: Mapping[str, Any]) -> list[tuple[str, tuple[str, str]]]:
    """Exactly one of ``when_fact`` and ``when_data`` (checked when the definition loads)."""
    given = [k for k in ("when_fact", "when_data") if params.get(k) is not None]
    if len(given) == 1:
        return []
    return [("when_fact", ("须且只须给出 when_fact 或 when_data 之一",
                           "give exactly one of 'when_fact' and 'when_data'"))]


def _matches(value: Any, when: list[Any]) -> bool:
    if isinstance(value, list | tuple):
        return any(one_of(v, when) for v in value)
    return one_of(value, when)


def _condition(call: GuardCall, data: Mapping[str, Any]) -> tuple[bool, str, Any]:
    """(the condition holds, its name, the value seen); ``data`` is the step's data."""
    fact, field = call.param("when_fact"), call.param("when_data")
    if (fact is None) == (field is None):  # the validator refuses such a guard
        raise ValueError(f"guard {call.spec.rule}: give exactly one of when_fact, when_data")
    name = str(fact if fact is not None else field)
    value = call.facts.get(name) if fact is not None else data.get(name)
    when = as_list(call.param("when"))
    return _matches(value, when), name, value


def _refuse(call: GuardCall, msg: Any, **params: Any) -> None:
    zh, en = msg.render(params)
    call.refuse(msg.code, zh, en, **{k: v for k, v in params.items() if k != "have"})


@rule(
    "require_data_when",
    params={"keys": Param("fields", required=True, doc="the data fields then required"),
            **_WHEN},
    reads_data=True,
    refuses=("guard.required_when",),
    together=_one_condition,
)
def require_data_when(call: GuardCall) -> None:
    """条件必填 — the data fields ``keys`` are required when the fact ``when_fact`` (or the
    step's field ``when_data``) is, or contains, one of ``when`` (审计局办法第九条第（二）项:
    citing item 9.2 needs the report to the party organisation and its ratification)."""
    holds, name, _value = _condition(call, call.data)
    if not holds:
        return
    keys = [str(k) for k in as_list(call.param("keys"))]
    missing = [k for k in keys if call.data.get(k) in (None, "", ())]
    if missing:
        _refuse(call, DATA_REQUIRED_WHEN, when_name=name,
                when_value="、".join(map(shown, as_list(call.param("when")))),
                keys="、".join(missing))


@rule(
    "require_fact_when",
    params={"fact": Param("fact", required=True, doc="the fact then required"),
            "values": Param("values", required=True, of="fact",
                            doc="what that fact must then be"),
            **_WHEN},
    reads_data=True,
    refuses=("guard.required_when",),
    together=_one_condition,
)
def require_fact_when(call: GuardCall) -> None:
    """条件前置 — the fact ``fact`` must be one of ``values`` when ``when_fact`` (or the step's
    field ``when_data``) is, or contains, one of ``when`` (贵安办法第八条第（三）项 "属于免责的，
    应当在一定范围内公开": an exempted case is closed only once published)."""
    holds, name, value = _condition(call, call.data)
    if not holds:
        return
    fact = str(call.param("fact"))
    values = as_list(call.param("values"))
    have = call.facts.get(fact)
    if not one_of(have, values):
        _refuse(call, FACT_REQUIRED_WHEN, when_name=name, when_value=shown(value),
                fact=fact, values="、".join(map(shown, values)),
                have=shown(have, "未记录"))
