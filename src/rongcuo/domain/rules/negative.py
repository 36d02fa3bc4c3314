"""Negative findings (capability C15): a refusal of tolerance says why.

A "不予容错" conclusion rests on something recorded: an item of an exclusion article, the
conditions that were **not** met (``unmet_conditions``, catalogue items of the conditions
article, e.g. 贵安办法第七条 "容错事项必须同时具备以下条件", 审计局办法第八条), a recorded
finding that no situation applies (``no_situation``, e.g. 审计局办法第十条 "对于认定不符合容错
情形的"), or an item named as a reason of its own (审计局办法第七条第（四）项, a reading).
The unmet conditions are the negative half of the determination: they may not also be cited
as met, and a tolerant outcome may not carry any.
"""

from __future__ import annotations

from typing import Any

from rongcuo.domain.messages import message
from rongcuo.domain.rules.base import GuardCall, as_texts
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

NO_REASON = message(
    "guard.not_tolerated_without_reason",
    "认定不予容错须写明理由：{reasons}，至少其一",
    "a not-tolerated conclusion needs a recorded reason: at least one of {reasons_en}",
)
UNMET_ALSO_MET = message(
    "guard.not_tolerated_without_reason/both",
    "{items} 不能既列为已具备又列为未具备的条件",
    "{items} cannot be cited both as met and as not met",
)
UNMET_NOT_CONDITION = message(
    "guard.not_tolerated_without_reason/article",
    "未具备的条件 {items} 不属于第{article}条（应写作 {article}.项）",
    "the unmet conditions {items} are not conditions of article {article} "
    "(write {article}.<item>)",
)
UNMET_WITH_TOLERANCE = message(
    "guard.not_tolerated_without_reason/tolerance",
    "认定为 {outcome} 时不得有未具备的条件（{items}）：容错须同时具备第{article}条全部条件",
    "'{outcome}' cannot be given with conditions not met ({items}): tolerance needs every "
    "condition of article {article}",
)


def _refuse(call: GuardCall, msg: Any, **params: Any) -> None:
    zh, en = msg.render(params)
    call.refuse(msg.code, zh, en, **params)


@rule(
    "not_tolerated_has_reason",
    params={
        "outcome": Param("outcome", default="not_tolerated", doc="the refusing outcome"),
        "conditions_article": Param("article", required=True,
                                    doc="the article of the conditions that must all hold"),
        "exclusion_article": Param("articles", doc="exclusion article(s) whose items are a reason"),
        "reason_items": Param("texts", default=[],
                              doc="other items that are a reason of their own"),
        "unmet_field": Param("field", default="unmet_conditions", field_type="items",
                             doc="the step's items field of the conditions not met"),
        "no_situation_field": Param("field", default="no_situation",
                                    doc="the step's field recording that no situation applies"),
        "outcome_field": Param("field", default="outcome", doc="the step's outcome field"),
        "items_field": Param("field", default="items", doc="the step's cited items"),
    },
    reads_data=True,
    refuses=("guard.not_tolerated_without_reason",),
)
def not_tolerated_has_reason(call: GuardCall) -> None:
    """不予容错的理由 — a not-tolerated conclusion rests on an exclusion item, on at least one
    condition of ``conditions_article`` recorded as not met, on a recorded finding that no
    situation applies, or on one of ``reason_items``; no condition is both met and unmet, and
    a tolerant outcome has none unmet (贵安办法第七条、第八条第（二）项 "调查核实是否符合容错情形及
    容错必备条件"; 审计局办法第八条、第十条)."""
    art = str(call.param("conditions_article"))
    outcome = call.data.get(call.param("outcome_field"))
    items = [str(i) for i in call.data.get(call.param("items_field")) or ()]
    unmet = [str(i) for i in call.data.get(call.param("unmet_field")) or ()]
    call.seen["negative_findings"] = {"unmet_conditions": unmet}
    wrong = [i for i in unmet if i.partition(".")[0] != art]
    if wrong:
        _refuse(call, UNMET_NOT_CONDITION, items="、".join(wrong), article=art)
    both = sorted(set(unmet) & set(items))
    if both:
        _refuse(call, UNMET_ALSO_MET, items="、".join(both))
    if outcome != call.param("outcome"):
        if unmet:
            _refuse(call, UNMET_WITH_TOLERANCE, outcome=outcome, items="、".join(unmet),
                    article=art)
        return
    exclusions = set(as_texts(call.param("exclusion_article") or []))
    reasons = set(as_texts(call.param("reason_items")))
    no_situation = call.data.get(call.param("no_situation_field"))
    if unmet or no_situation or any(i.partition(".")[0] in exclusions or i in reasons
                                    for i in items):
        return
    zh = [f"未具备的第{art}条条件", "不属于任何容错情形的认定"]
    en = [f"a condition of article {art} not met", "a finding that no situation applies"]
    if exclusions:
        zh.insert(0, f"第{'、'.join(sorted(exclusions))}条的不予容错情形")
        en.insert(0, f"an item of article(s) {', '.join(sorted(exclusions))}")
    if reasons:
        zh.append("、".join(sorted(reasons)))
        en.append(", ".join(sorted(reasons)))
    _refuse(call, NO_REASON, reasons="、".join(zh), reasons_en="; ".join(en))
