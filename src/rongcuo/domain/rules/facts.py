"""Facts and data — steps only for some cases, data allowed only in some cases.

Values are compared by type: a true/false fact matches ``values: [true]`` (never the text
``"True"``), a number matches a number, text matches text.
"""

from __future__ import annotations

from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.rules.base import GuardCall, as_list, one_of, shown
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

MSG_INPUT_ONE_OF = message(
    "input.one_of",
    "须且只须给出 {value} 之一（现有：{value2}）",
    "give exactly one of {value3} (given: {value4})",
)


@rule(
    "fact_in",
    params={
        "fact": Param("fact", required=True, doc="the fact of the case"),
        "values": Param("values", required=True, of="fact", doc="the values the step is for"),
        "negate": Param("bool", default=False, doc="true: the step is for none of them"),
    },
    reads_data=False,
    refuses=("guard.fact",),
)
def fact_in(call: GuardCall) -> None:
    """案件情形 — the step is only for cases whose ``fact`` is one of ``values`` (``negate``:
    is none of them), e.g. 巴南办法第十六条: a procedure the bureau's party group (局党组)
    started considers tolerance itself, so its case is decided without a proposal and never
    lapses for want of one."""
    fact = str(call.param("fact"))
    values = as_list(call.param("values"))
    negate = bool(call.param("negate"))
    value = call.facts.get(fact)
    if one_of(value, values) == negate:
        listed_zh, listed_en = "、".join(map(shown, values)), ", ".join(map(shown, values))
        wanted_zh = ("不是 " if negate else "为 ") + listed_zh
        wanted_en = ("is none of " if negate else "is one of ") + listed_en
        call.refuse(
            "guard.fact",
            f"此步骤只适用于 {fact} {wanted_zh} 的案件（本案：{shown(value, '未记录')}）",
            f"this step is only for cases whose {fact} {wanted_en} (this case: "
            f"{shown(value, 'not recorded')})",
            fact=fact, value=value,
        )


@rule(
    "data_in_when",
    params={
        "fact": Param("fact", required=True, doc="the fact of the case"),
        "when": Param("values", required=True, of="fact", doc="the fact's values concerned"),
        "data": Param("field", required=True, doc="the step's data field"),
        "allowed": Param("values", required=True, of="data", doc="what that field may be"),
    },
    reads_data=True,
    refuses=("guard.data_not_allowed",),
)
def data_in_when(call: GuardCall) -> None:
    """提出人 — when the case's ``fact`` is one of ``when``, the step's ``data`` field must be
    one of ``allowed``, e.g. 巴南办法第十六条: a procedure another accountability body started
    gets its tolerance proposal from the officer's party organisation ("由所在党组织提出")."""
    fact, key = str(call.param("fact")), str(call.param("data"))
    value = call.facts.get(fact)
    if not one_of(value, as_list(call.param("when"))):
        return
    allowed = as_list(call.param("allowed"))
    given = call.data.get(key)
    if not one_of(given, allowed):
        call.refuse(
            "guard.data_not_allowed",
            f"{fact} 为 {shown(value)} 时，{key} 只能是 {'、'.join(map(shown, allowed))}"
            f"（收到 {shown(given)}）",
            f"when {fact} is {shown(value)}, {key} must be one of "
            f"{', '.join(map(shown, allowed))} (got {shown(given)})",
            key=key, given=given,
        )


@rule(
    "one_of_data",
    params={"keys": Param("fields", required=True, doc="the data fields, exactly one given")},
    reads_data=True,
    refuses=("input.one_of",),
)
def one_of_data(call: GuardCall) -> None:
    """二者择一 — exactly one of the data fields ``keys`` is given (历城办法第二十条: a correction
    deadline is a date or a number of days)."""
    keys = [str(k) for k in as_list(call.param("keys"))]
    given = [k for k in keys if call.data.get(k) is not None]
    if len(given) != 1:
        raise InvalidInput.of(
            MSG_INPUT_ONE_OF,
            value=' 或 '.join(keys),
            value2=', '.join(given) or '无',
            value3=', '.join(keys),
            value4=', '.join(given) or 'none',
            article=call.spec.article,
            details={"keys": keys, "rule": call.spec.rule},
        )


@rule(
    "no_correction_owed",
    params={"correction_fact": Param("fact", default="correction_required",
                                     doc="the true/false fact: a correction is owed")},
    reads_data=False,
    refuses=("guard.correction_owed",),
)
def no_correction_owed(call: GuardCall) -> None:
    """纠错 — a case whose determination owes a correction is not closed before it is ordered
    and completed (历城办法第二十条 "责成限期纠正")."""
    if call.facts.get(call.param("correction_fact"), False):
        call.refuse(
            "guard.correction_owed",
            "本案认定结果需要纠错，须先责成限期纠正并完成整改",
            "this determination owes a correction: order it and complete it first",
        )
