"""人数 — a member count with the procedure's own words (C11).

``min_investigators`` speaks of 调查人员 and subtracts the recused (历城办法第十六条); a procedure
that counts other members — an investigation team (调查组, 贵安办法第八条第（二）项), evaluators
(评查人, 蒲县评查制度第七条) — names its list fact and the label its message uses.  以上 includes
the number (Civil Code art. 1259): ``min: 2`` is met by two.
"""

from __future__ import annotations

from rongcuo.domain.messages import message
from rongcuo.domain.rules.base import GuardCall
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

TOO_FEW = message(
    "guard.min_count",
    "{label_zh}不得少于{need}人（现有 {have} 人）",
    "at least {need} {label_en} are required (now {have})",
)


@rule(
    "min_count",
    params={"fact": Param("fact", required=True, doc="the list fact of the members"),
            "min": Param("int", required=True, doc="the fewest members (included)"),
            "label_zh": Param("text", required=True, doc="what the members are, in Chinese"),
            "label_en": Param("text", required=True, doc="what they are, in English"),
            "minus_fact": Param("fact", doc="a list fact of members who do not count "
                                            "(e.g. the recused)")},
    reads_data=False,
    refuses=("guard.min_count",),
)
def min_count(call: GuardCall) -> None:
    """人数 — at least ``min`` distinct members in the list fact ``fact`` (less those in
    ``minus_fact``), the message naming them ``label_zh``/``label_en`` (贵安办法第八条第（二）项
    调查组; 蒲县评查制度第七条 "二名以上评查人")."""
    out = set(map(str, call.facts.get(str(call.param("minus_fact") or ""), ()) or ()))
    members = sorted({str(m) for m in call.facts.get(str(call.param("fact")), ()) or ()} - out)
    need = int(call.param("min"))
    call.seen["min_count"] = {"fact": call.param("fact"), "members": members}
    if len(members) < need:
        zh, en = TOO_FEW.render({"label_zh": call.param("label_zh"),
                                 "label_en": call.param("label_en"),
                                 "need": need, "have": len(members)})
        call.refuse(TOO_FEW.code, zh, en, members=members, need=need)
