"""C10 (conditional guards: require_data, require_fact, any_of) and C11 (min_count, a member
count with its own label): the validator checks what a condition names, and the rules refuse
with their own codes.  Shown on Baiyintala (白音他拉制度第十三条) and a small team definition."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from rongcuo.definitions import check_definition, check_mapping
from rongcuo.domain.engine import Engine
from rongcuo.domain.errors import Refused
from rongcuo.domain.rules import RULES
from rongcuo.domain.rules.conditions import describe, holds
from rongcuo.testing.workflows import cmd, shipped_calendar

BYT = (Path(__file__).resolve().parents[2] / "workflows" / "baiyintala.yaml").read_text("utf-8")
WHEN = "when: {data: source, in: [个人申请]}"


@pytest.mark.parametrize(("old", "new", "needle"), [
    (WHEN, "when: {data: sourse, in: [个人申请]}", "undeclared data field 'sourse'"),
    (WHEN, "when: {data: source, in: [自己申请]}", "can never hold"),
    (WHEN, "when: {fact: nobody_sets_it, in: [x]}", "no step records the fact"),
    (WHEN, "when: {data: source}", "must be a condition"),
    (WHEN, "when: {data: source, in: [个人申请], given: true}", "must be a condition"),
])
def test_a_condition_naming_nothing_is_refused_by_the_validator(
        old: str, new: str, needle: str) -> None:
    """A condition is checked like any guard parameter: a field the step does not declare, a
    value the field can never hold, a fact no step writes, a malformed condition."""
    assert old in BYT
    definition, problems = check_definition(BYT.replace(old, new, 1), "baiyintala.yaml")
    assert definition is None
    assert any(needle in str(p) for p in problems), [str(p) for p in problems]


TEAM: dict[str, Any] = {
    "format": "rongcuo.workflow/1", "id": "team", "version": "0", "title": "调查组（测试）",
    "jurisdiction": "测试", "source": {"document": "测试", "articles": ["第八条"]},
    "in_force": {"from": None, "to": None, "note": "测试用"},
    "case_number": "测〔{year}〕{n}号",
    "states": {"open": {"label_zh": "调查中", "article": "测试第八条"},
               "reported": {"label_zh": "已报告", "article": "测试第八条", "final": True}},
    "triggers": {
        "open": {"label_zh": "开始", "article": "测试第八条", "event": "Opened", "opens": True,
                 "to": "open", "data": {"subject": {"type": "str", "required": True},
                                        "agency": {"type": "str", "required": True}}},
        "join": {"label_zh": "加入调查组", "article": "测试第八条", "event": "Joined",
                 "from": ["open"], "data": {"member": {"type": "str", "required": True}},
                 "facts": [{"add": "team", "value": "$member"}]},
        "report": {"label_zh": "调查报告", "article": "测试第八条", "event": "Reported",
                   "from": ["open"], "to": "reported",
                   "guards": [{"rule": "min_count", "fact": "team", "min": 2,
                               "label_zh": "调查组成员", "label_en": "team members",
                               "article": "测试第八条"}]},
    },
}


def test_min_count_counts_distinct_members_and_speaks_the_procedures_words() -> None:
    """C11: at least ``min`` distinct members (以上 includes the number), the message naming
    them with the definition's label, not 调查人员."""
    definition, problems = check_mapping(yaml.safe_load(yaml.safe_dump(TEAM)), "team.yaml")
    assert definition is not None, problems
    eng = Engine(definition, shipped_calendar())
    case = eng.open(cmd("open", "2026-03-02", subject="张某", agency="a")).state
    case = eng.decide(case, cmd("join", "2026-03-02", member="李四")).state
    case = eng.decide(case, cmd("join", "2026-03-02", member="李四")).state
    with pytest.raises(Refused) as info:
        eng.decide(case, cmd("report", "2026-03-03"))
    assert info.value.code == "guard.min_count" and info.value.article == "测试第八条"
    assert "调查组成员不得少于2人（现有 1 人）" in info.value.message_zh
    case = eng.decide(case, cmd("join", "2026-03-03", member="王五")).state
    done = eng.decide(case, cmd("report", "2026-03-03"))
    assert done.state.state == "reported" and done.state.last_on == date(2026, 3, 3)
    assert done.events[0].data["min_count"]["members"] == ["李四", "王五"]


@pytest.mark.parametrize(("value", "includes", "expected"), [
    (["9.1", "9.2", "8.1"], ["9.2"], True),  # the items cited include 9.2
    (("9.2",), ["9.2", "9.3"], True),
    (["9.1", "8.1"], ["9.2"], False),
    ([], ["9.2"], False),
    (None, ["9.2"], False),
    ("9.2", ["9.2"], True),  # a single value is a list of one
    (["9.20"], ["9.2"], False),  # members compare whole, never as text containing text
])
def test_includes_is_list_membership(value: Any, includes: list[str], expected: bool) -> None:
    """C10's list membership (审计局办法第九条第（二）项: citing item 9.2 needs the report to the
    party organisation and its ratification): ``includes`` holds when the value has one of
    them as a member; ``in`` still compares the value itself."""
    cond = {"data": "items", "includes": includes}
    assert holds({"items": value}, {}, cond) is expected
    assert holds({"items": value}, {}, {"data": "items", "in": includes}) is (value == "9.2")
    assert describe(cond) == (f"items 含 {'或'.join(includes)}",
                              f"items includes {' or '.join(includes)}")


AUD = (Path(__file__).resolve().parents[2] / "workflows" / "audit_bureau.yaml").read_text("utf-8")
AUD_WHEN = 'when: {data: items, includes: ["9.2"]}'


@pytest.mark.parametrize(("new", "needle"), [
    ("when: {data: items, includes: []}", "must be a condition"),
    ('when: {data: items, includes: ["9.2"], in: ["9.2"]}', "must be a condition"),
    ('when: {data: itmes, includes: ["9.2"]}', "undeclared data field 'itmes'"),
    ('when: {data: items, includes: ["9.9"]}', "the catalogue has no item 9.9"),
    ('when: {data: items, in: ["9.2"]}', "use 'includes'"),
])
def test_a_malformed_membership_condition_is_refused_by_the_validator(new: str,
                                                                      needle: str) -> None:
    """A membership condition is checked too: its shape, its field, that the items it names
    are in the catalogue, and that a list field is not compared by value (``in`` never
    matches a list)."""
    assert AUD_WHEN in AUD
    definition, problems = check_definition(AUD.replace(AUD_WHEN, new, 1), "audit_bureau.yaml")
    assert definition is None
    assert any(needle in str(p) for p in problems), [str(p) for p in problems]


def test_the_folded_rules_are_gone_from_the_registry_and_the_definitions() -> None:
    """One C10 rule set: the earlier ``require_data_when``/``require_fact_when`` (with
    ``when_fact``/``when_data``) no longer exist; a definition naming one is refused, and no
    shipped definition does."""
    assert not {"require_data_when", "require_fact_when", "any_fact"} & set(RULES)
    old = ('{rule: require_data_when, keys: [report_to_party, ratification], when_data: items, '
           'when: ["9.2"],')
    new = AUD.replace('{rule: require_data, keys: [report_to_party, ratification], '
                      f'{AUD_WHEN},', old, 1)
    assert new != AUD
    definition, problems = check_definition(new, "audit_bureau.yaml")
    assert definition is None and any("require_data_when" in str(p) for p in problems)
    shipped = Path(__file__).resolve().parents[2] / "workflows"
    for f in shipped.rglob("*.yaml"):
        text = f.read_text("utf-8")
        assert "when_fact" not in text and "when_data" not in text, f
