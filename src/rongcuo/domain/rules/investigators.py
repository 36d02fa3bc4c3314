"""调查人员与回避 — investigators and recusal (历城办法第十六条).

"调查人员不得少于两人"; "调查人员与所调查案件有利害关系的，应当回避".  The investigators and
the recused are facts the definition's steps record (Licheng: ``assign_investigator`` adds to
``investigators``, ``recuse`` moves a name to ``recused``); a procedure that says 承办人 names
its own facts and data field through the parameters.
"""

from __future__ import annotations

from rongcuo.domain.rules.base import GuardCall
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

_INVESTIGATORS = Param("fact", default="investigators", doc="the fact listing the investigators")
_RECUSED = Param(
    "fact", default="recused", written=False,
    doc="the fact listing the recused (a procedure with no recusal step recuses nobody)",
)
_INVESTIGATOR = Param("field", default="investigator", doc="the step's data field naming one")


def _active(call: GuardCall) -> list[str]:
    recused = set(call.facts.get(call.param("recused_fact"), ()))
    return [i for i in call.facts.get(call.param("investigators_fact"), ()) if i not in recused]


@rule(
    "min_investigators",
    params={"min": Param("int", required=True, doc="the fewest investigators"),
            "investigators_fact": _INVESTIGATORS, "recused_fact": _RECUSED},
    reads_data=False,
    refuses=("guard.min_investigators",),
)
def min_investigators(call: GuardCall) -> None:
    """调查人员不得少于 ``min`` 人 — at least ``min`` investigators who are not recused
    (历城办法第十六条 "调查人员不得少于两人")."""
    need = int(call.param("min"))
    active = _active(call)
    if len(active) < need:
        call.refuse(
            "guard.min_investigators",
            f"调查人员不得少于{need}人（现有未回避的调查人员 {len(active)} 人）",
            f"at least {need} investigators who are not recused are required (now {len(active)})",
            investigators=active,
        )


@rule(
    "investigator_not_recused",
    params={"investigator_field": _INVESTIGATOR, "recused_fact": _RECUSED},
    reads_data=True,
    refuses=("guard.investigator_recused",),
)
def investigator_not_recused(call: GuardCall) -> None:
    """回避 — an investigator recused for a conflict of interest may not investigate the
    case again (历城办法第十六条)."""
    who = call.data[call.param("investigator_field")]
    if who in call.facts.get(call.param("recused_fact"), ()):
        call.refuse(
            "guard.investigator_recused",
            f"{who} 已因利害关系回避，不得再参与本案调查",
            f"{who} was recused for a conflict of interest and may not investigate this case",
        )


@rule(
    "investigator_not_assigned",
    params={"investigator_field": _INVESTIGATOR, "investigators_fact": _INVESTIGATORS},
    reads_data=True,
    refuses=("guard.investigator_already_assigned",),
)
def investigator_not_assigned(call: GuardCall) -> None:
    """指派调查人员 — a person is assigned to a case once (历城办法第十六条)."""
    who = call.data[call.param("investigator_field")]
    if who in call.facts.get(call.param("investigators_fact"), ()):
        call.refuse(
            "guard.investigator_already_assigned",
            f"{who} 已是本案调查人员",
            f"{who} is already assigned to this case",
        )


@rule(
    "investigator_assigned",
    params={"investigator_field": _INVESTIGATOR, "investigators_fact": _INVESTIGATORS},
    reads_data=True,
    refuses=("guard.investigator_not_assigned",),
)
def investigator_assigned(call: GuardCall) -> None:
    """回避 — only an investigator of the case can be recused from it (历城办法第十六条)."""
    who = call.data[call.param("investigator_field")]
    if who not in call.facts.get(call.param("investigators_fact"), ()):
        call.refuse(
            "guard.investigator_not_assigned",
            f"{who} 不是本案调查人员",
            f"{who} is not an investigator of this case",
        )
