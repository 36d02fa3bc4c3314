"""一案一评 / 一年一报 — a case that may exist only once per key (C7, across cases).

蒲县评查制度第十条 "行政执法案卷评查应当一案一评": a file is evaluated once in a round, so a second
evaluation case of the same file and round is refused; 蒲县统计制度第二条第三款 "公开上年度行政执法
统计年报": one annual report per body and year.  The rule sees the other standing cases with the
same key values, gathered by the service before the case is opened (need
:class:`~rongcuo.domain.rules.needs.SameCases`), and records what it saw.  A check made before
the insert, not a database constraint: two openings of the same key at the same instant could
both pass (declared in docs/supervision.md).
"""

from __future__ import annotations

from rongcuo.domain.messages import message
from rongcuo.domain.rules.base import GuardCall, as_texts
from rongcuo.domain.rules.needs import SameCases
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

DUPLICATE = message(
    "guard.duplicate_case",
    "已有同一{label_zh}的案件：{numbers}",
    "a case for the same {label_en} already exists: {numbers}",
)


@rule(
    "unique_case",
    params={"keys": Param("fields", required=True,
                          doc="the opening step's fields that together identify the case"),
            "label_zh": Param("text", required=True, doc="what the key is, in Chinese"),
            "label_en": Param("text", required=True, doc="what it is, in English")},
    needs=SameCases.from_params,
    reads_data=False,
    refuses=("guard.duplicate_case",),
)
def unique_case(call: GuardCall) -> None:
    """一案一评 — no other standing case of this procedure has the same values of ``keys``
    (蒲县评查制度第十条 "一案一评": one evaluation of a file per round; 蒲县统计制度第二条第三款:
    one annual report per body and year)."""
    same = [dict(c) for c in call.context.get("same_cases") or ()]
    call.seen["same_cases"] = {"keys": as_texts(call.param("keys")), "found": same}
    if same:
        numbers = "、".join(str(c.get("number")) for c in same)
        zh, en = DUPLICATE.render({"label_zh": call.param("label_zh"),
                                   "label_en": call.param("label_en"), "numbers": numbers})
        call.refuse(DUPLICATE.code, zh, en, cases=same)
