"""Records inside a case (capability C4): the list facts whose members are structured
records, written by a fact ``add`` with a mapping value (``value: {report_id: $report_id,
kind: $kind}``), and the guards over them.

A report (信访举报) is such a record: a case may carry several, each with its number, its kind
(实名 / 匿名) and later its finding (历城办法第二十二条, 巴南办法第十九条).  Feedback on a report
names the report by its number: :func:`record_in` checks that the case has that report (and,
with ``where``, that it is of the right kind); with ``negate`` it checks a number is new.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rongcuo.domain.messages import message
from rongcuo.domain.rules.base import GuardCall, as_list, one_of, shown
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

NO_RECORD = message(
    "guard.record/missing",
    "本案没有 {key} 为 {value} 的{label}（已有：{known}）",
    "this case has no {label_en} whose {key} is {value} (known: {known})",
)
RECORD_EXISTS = message(
    "guard.record/exists",
    "本案已有 {key} 为 {value} 的{label}，编号不得重复",
    "this case already has a {label_en} whose {key} is {value}; numbers are not reused",
)
RECORD_WRONG_KIND = message(
    "guard.record/kind",
    "{label} {value} 的 {where} 为 {have}，此步骤只适用于 {wanted}",
    "{label_en} {value} has {where} {have}; this step is only for {wanted}",
)


@rule(
    "record_in",
    params={
        "fact": Param("fact", required=True, doc="the list fact holding the records"),
        "key": Param("text", required=True, doc="the record field identifying a record"),
        "data": Param("field", required=True, doc="the step's field naming the record"),
        "where": Param("text", doc="a record field the step depends on"),
        "values": Param("values", doc="what that record field must be"),
        "negate": Param("bool", default=False, doc="true: the record must not exist yet"),
        "label_zh": Param("text", default="记录", doc="what a record is called (Chinese)"),
        "label_en": Param("text", default="record", doc="what a record is called (English)"),
    },
    reads_data=True,
    refuses=("guard.record",),
)
def record_in(call: GuardCall) -> None:
    """案内记录 — the case holds a record of ``fact`` whose ``key`` is the step's ``data``
    (``negate``: holds none, the number is new); with ``where``/``values``, that record's
    field is one of ``values`` (历城办法第二十二条: feedback goes to a real-name reporter, an
    explanation within a scope to an anonymous one)."""
    key, fact = str(call.param("key")), str(call.param("fact"))
    value = call.data.get(call.param("data"))
    records = [r for r in call.facts.get(fact) or () if isinstance(r, Mapping)]
    found = next((r for r in records if one_of(r.get(key), [value])), None)
    names: dict[str, Any] = {"label": call.param("label_zh"), "label_en": call.param("label_en"),
                             "key": key, "value": shown(value)}
    if call.param("negate"):
        if found is not None:
            zh, en = RECORD_EXISTS.render(names)
            call.refuse(RECORD_EXISTS.code, zh, en, key=key, value=value)
        return
    if found is None:
        known = "、".join(shown(r.get(key)) for r in records) or "—"
        zh, en = NO_RECORD.render({**names, "known": known})
        call.refuse(NO_RECORD.code, zh, en, key=key, value=value)
    where = call.param("where")
    if where is not None:
        wanted = as_list(call.param("values"))
        if not one_of(found.get(str(where)), wanted):
            zh, en = RECORD_WRONG_KIND.render({
                **names, "where": where, "have": shown(found.get(str(where))),
                "wanted": "、".join(map(shown, wanted))})
            call.refuse(RECORD_WRONG_KIND.code, zh, en, key=key, value=value)
