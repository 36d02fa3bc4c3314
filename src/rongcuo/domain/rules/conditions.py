"""条件 — conditional guards (C10): a fact or data field required *when* another holds, and
a choice among several ways of meeting one requirement (any of).

A condition names a fact of the case (``{fact: outcome, in: [exempted]}``) or a data field of
the step (``{data: source, in: [个人申请]}``) and tests it for one of ``in`` (compared by type,
as everywhere), for ``includes`` (a list value — the catalogue items cited — has one of them as
a member: ``{data: items, includes: ["9.2"]}``, "the items cited include 9.2") or for being
``given`` (true: recorded / filled in; false: not).  Family T needs them where one transition
cannot say it (procedures-spec K1): 白音他拉制度第十三条 "个人也可以直接向单位提出容错认定申请" (the
applicant is named when the case opens on an application), "告知相关单位及当事人" (the units'
notice date when units are listed), "一般应在一定范围内公开" (a tolerance decision is published,
or not with a reason, before the case is closed); 贵安办法第八条第（三）、（四）项 (an exempted
case closes once published, a 免责/减责 one once the departments are notified); 审计局办法第九条
第（二）项 (citing item 9.2 needs the report to the party organisation and its ratification);
历城办法第二十二条 and its kin (a real-name report names its reporter; feedback that a report
ended in 容错免责 only for an exempted case).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.rules.base import GuardCall, as_list, one_of, shown
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

REQUIRED_WHEN = message(
    "input.required_when",
    "{when_zh}时，须填写 {keys}",
    "{keys} must be given when {when_en}",
)
FACT_REQUIRED_WHEN = message(
    "guard.fact_required_when",
    "{when_zh}时，{fact} 须为 {values_zh}（本案：{value_zh}）",
    "when {when_en}, {fact} must be one of {values_en} (this case: {value_en})",
)
NONE_OF = message(
    "guard.any_of",
    "须满足下列条件之一：{what_zh}（均不满足：{tests_zh}）",
    "one of these must hold: {what_en} (none does: {tests_en})",
)


def _value(data: Mapping[str, Any], facts: Mapping[str, Any], cond: Mapping[str, Any]) -> Any:
    return data.get(cond["data"]) if "data" in cond else facts.get(cond["fact"])


def _given(value: Any) -> bool:
    return value is not None and value != "" and value != () and value != []


def holds(data: Mapping[str, Any], facts: Mapping[str, Any], cond: Mapping[str, Any]) -> bool:
    """Whether the condition holds for a step's ``data`` on a case's ``facts``."""
    value = _value(data, facts, cond)
    if "given" in cond:
        return _given(value) == bool(cond["given"])
    if "includes" in cond:
        members = value if isinstance(value, list | tuple) else () if value is None else [value]
        wanted = as_list(cond["includes"])
        return any(one_of(m, wanted) for m in members)
    return one_of(value, as_list(cond["in"]))


def describe(cond: Mapping[str, Any]) -> tuple[str, str]:
    """The condition in a case worker's words (zh, en)."""
    name = cond.get("data") or cond.get("fact")
    if "given" in cond:
        if cond["given"]:
            return f"已填写 {name}", f"{name} is given"
        return f"未填写 {name}", f"{name} is not given"
    if "includes" in cond:
        values = as_list(cond["includes"])
        return (f"{name} 含 {'或'.join(map(shown, values))}",
                f"{name} includes {' or '.join(map(shown, values))}")
    values = as_list(cond["in"])
    return (f"{name} 为 {'、'.join(map(shown, values))}",
            f"{name} is {' or '.join(map(shown, values))}")


_WHEN = Param("condition", required=True, doc="the condition under which it is required")


@rule(
    "require_data",
    params={"keys": Param("fields", required=True, doc="the data fields required"),
            "when": _WHEN},
    reads_data=True,
    refuses=("input.required_when",),
)
def require_data(call: GuardCall) -> None:
    """须填写 — the data fields ``keys`` are required when the condition ``when`` holds, e.g.
    白音他拉制度第十三条 "个人也可以直接向单位提出容错认定申请": a case opened on an application
    names its applicant; "告知相关单位及当事人": the units listed have a notice date;
    审计局办法第九条第（二）项: items that include 9.2 need the report to the party
    organisation and its ratification."""
    cond = call.param("when")
    if not holds(call.data, call.facts, cond):
        return
    keys = [str(k) for k in as_list(call.param("keys"))]
    missing = [k for k in keys if not _given(call.data.get(k))]
    if missing:
        zh, en = REQUIRED_WHEN.render({"keys": "、".join(missing),
                                        "when_zh": describe(cond)[0],
                                        "when_en": describe(cond)[1]})
        raise InvalidInput(
            f"“{call.command.trigger}”：{zh}", f"'{call.command.trigger}': {en}",
            code=REQUIRED_WHEN.code, article=call.spec.article,
            details={"key": missing[0], "keys": missing, "rule": call.spec.rule,
                     "trigger": call.command.trigger},
        )


@rule(
    "require_fact",
    params={"fact": Param("fact", required=True, doc="the fact required"),
            "values": Param("values", required=True, of="fact",
                            doc="the values it must have"),
            "when": _WHEN},
    reads_data=True,
    refuses=("guard.fact_required_when",),
)
def require_fact(call: GuardCall) -> None:
    """须已记录 — the case's ``fact`` must be one of ``values`` when the condition ``when``
    holds, e.g. 白音他拉制度第十三条 "一般应在一定范围内公开": a tolerance decision is published
    (or not, with a reason) before the case closes; 第十八条: feedback that a report ended in
    容错免责 only for a case so decided; 贵安办法第八条第（三）项 "属于免责的，应当在一定范围
    内公开"."""
    cond = call.param("when")
    if not holds(call.data, call.facts, cond):
        return
    fact = str(call.param("fact"))
    values = as_list(call.param("values"))
    value = call.facts.get(fact)
    if not one_of(value, values):
        when_zh, when_en = describe(cond)
        zh, en = FACT_REQUIRED_WHEN.render({
            "when_zh": when_zh, "when_en": when_en, "fact": fact,
            "values_zh": "、".join(map(shown, values)), "values_en": ", ".join(map(shown, values)),
            "value_zh": shown(value, "未记录"), "value_en": shown(value, "not recorded"),
        })
        call.refuse(FACT_REQUIRED_WHEN.code, zh, en, fact=fact, value=value)


@rule(
    "any_of",
    params={"conditions": Param("conditions", required=True,
                                doc="the conditions, at least one of which must hold"),
            "label_zh": Param("text", required=True, doc="what is required, in Chinese"),
            "label_en": Param("text", required=True, doc="what is required, in English")},
    reads_data=True,
    refuses=("guard.any_of",),
)
def any_of(call: GuardCall) -> None:
    """任一 — at least one of ``conditions`` holds (a requirement met in one of several ways,
    named by ``label_zh``/``label_en``), e.g. 白音他拉制度第十三条 "告知相关单位及当事人": the
    related units were notified, or the step records that there is none."""
    conds = list(call.param("conditions"))
    if any(holds(call.data, call.facts, c) for c in conds):
        return
    described = [describe(c) for c in conds]
    zh, en = NONE_OF.render({
        "what_zh": call.param("label_zh"), "what_en": call.param("label_en"),
        "tests_zh": "；".join(d[0] for d in described),
        "tests_en": "; ".join(d[1] for d in described),
    })
    call.refuse(NONE_OF.code, zh, en)
