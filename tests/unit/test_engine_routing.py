"""Conditional routing: a trigger's transitions are tried in definition order, and the first
whose guards hold is taken; when none is, every candidate's refusal is reported.

The procedures here are small test definitions (a party-committee approval step, as in the
architecture review's probe), built through the same parser as the shipped ones.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rongcuo.definitions import parse_definition
from rongcuo.domain.calendar import WorkCalendar
from rongcuo.domain.case import CaseState, Event
from rongcuo.domain.engine import Engine
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.domain.workflow.model import WorkflowDefinition
from rongcuo.testing.workflows import cmd

_HEAD = """\
format: rongcuo.workflow/1
id: routing_NAME
version: "1"
title: 路由测试流程
jurisdiction: 测试
source: {document: 路由测试办法, articles: ["第一条", "第二条"]}
in_force: {from: null, to: null, note: 测试用流程}
case_number: "测试〔{year}〕{n}号"
states:
  received: {label_zh: 已受理, article: 测试办法第一条}
  committee: {label_zh: 党委审议中, article: 测试办法第二条}
  decided: {label_zh: 已决定, article: 测试办法第二条, final: true}
triggers:
  open:
    label_zh: 受理
    article: 测试办法第一条
    event: CaseOpened
    opens: true
    to: received
    data:
      route: {type: enum, required: true, values: [committee, direct, other]}
      committee_by: {type: str}
    facts: [{set: route, to: $route}]
  resolve:
    label_zh: 审议完毕
    article: 测试办法第二条
    event: CommitteeResolved
    from: [committee]
    to: decided
  decide:
    label_zh: 作出决定
    article: 测试办法第二条
    event: CaseDecided
    transitions:
"""
_TO_COMMITTEE = (
    "      - {from: [received], to: committee, guards: [{rule: fact_in, fact: route, "
    "values: [committee], article: 测试办法第二条第一款}]}\n"
)
_TO_DECIDED_GUARDED = (
    "      - {from: [received], to: decided, guards: [{rule: fact_in, fact: route, "
    "values: [direct], article: 测试办法第二条第二款}]}\n"
)
_TO_DECIDED = "      - {from: [received], to: decided}\n"


def _engine(name: str, *branches: str, head: str = _HEAD) -> Engine:
    text = head.replace("NAME", name) + "".join(branches)
    definition: WorkflowDefinition = parse_definition(text, f"routing_{name}.yaml")
    return Engine(definition, WorkCalendar())


def _opened(eng: Engine, route: str) -> CaseState:
    return eng.open(cmd("open", "2025-06-03", route=route)).state


@pytest.fixture(scope="module")
def fallback() -> Engine:
    """A guarded branch first, then an unguarded fallback from the same state."""
    return _engine("fallback", _TO_COMMITTEE, _TO_DECIDED)


@pytest.fixture(scope="module")
def two_guarded() -> Engine:
    """Two guarded branches from the same state, each for a different kind of case."""
    return _engine("two_guarded", _TO_COMMITTEE, _TO_DECIDED_GUARDED)


def test_guarded_branch_is_taken_when_its_guard_holds(fallback: Engine) -> None:
    """The first transition listed whose guards hold is taken: a case needing the committee
    goes to it, and the event records the destination taken."""
    d = fallback.decide(_opened(fallback, "committee"), cmd("decide", "2025-06-04"))
    assert d.state.state == "committee"
    assert d.events[0].data["to_state"] == "committee"
    assert d.events[0].data["from_state"] == "received"


def test_unguarded_fallback_is_taken_when_the_guard_refuses(fallback: Engine) -> None:
    """A refused guard does not stop the search: the next transition (the unguarded
    fallback) is tried and taken, so the second branch is reachable."""
    d = fallback.decide(_opened(fallback, "direct"), cmd("decide", "2025-06-04"))
    assert d.state.state == "decided"
    assert d.state.closed is True
    assert d.events[0].data["to_state"] == "decided"


def test_two_guarded_branches_route_each_case_its_own_way(two_guarded: Engine) -> None:
    """With two guarded branches each case takes the one whose guard holds."""
    step = cmd("decide", "2025-06-04")
    to_committee = two_guarded.decide(_opened(two_guarded, "committee"), step)
    direct = two_guarded.decide(_opened(two_guarded, "direct"), step)
    assert (to_committee.state.state, direct.state.state) == ("committee", "decided")


def test_every_branch_refused_reports_every_refusal(two_guarded: Engine) -> None:
    """When no branch can be taken the step is refused with the first branch's code and
    article, and each branch's refusal is listed in details["branches"] and named in the
    message, Chinese first."""
    case = _opened(two_guarded, "other")
    with pytest.raises(Refused) as info:
        two_guarded.decide(case, cmd("decide", "2025-06-04"))
    err = info.value
    assert err.code == "guard.fact"
    assert err.article == "测试办法第二条第一款"
    branches = err.details["branches"]
    assert [b["to_state"] for b in branches] == ["committee", "decided"]
    assert [b["code"] for b in branches] == ["guard.fact", "guard.fact"]
    assert [b["article"] for b in branches] == ["测试办法第二条第一款", "测试办法第二条第二款"]
    assert all(b["message_zh"] and b["message_en"] for b in branches)
    assert err.message_zh.startswith("“作出决定”的 2 条路线均不能进行：（1）转入“党委审议中”")
    assert "（2）转入“已决定”" in err.message_zh
    assert err.message_en.startswith("none of the 2 routes of 'decide' is open: (1) to 'committee'")
    for b in branches:
        assert b["message_zh"] in err.message_zh
        assert b["message_en"] in err.message_en
    assert err.details["rule"] == "fact_in"  # the first refusal's own details are kept
    assert err.allowed == ("decide",)


def test_a_single_candidate_refuses_exactly_as_before(fallback: Engine) -> None:
    """A state with one candidate transition raises that transition's own refusal, with no
    branch list (existing refusals and CLI output do not change)."""
    only = _engine("single", _TO_COMMITTEE)  # committee only; 'direct' cases cannot decide
    with pytest.raises(Refused) as info:
        only.decide(_opened(only, "direct"), cmd("decide", "2025-06-04"))
    assert info.value.code == "guard.fact"
    assert "branches" not in info.value.details
    assert info.value.message_zh.startswith("不允许“decide”：")


def test_invalid_data_on_a_branch_is_refused_at_once() -> None:
    """Bad step data (InvalidInput from a guard such as one_of_data) is not a route: it is
    refused even though a later branch would have been taken."""
    one_of = (
        "      - {from: [received], to: committee, guards: [{rule: one_of_data, "
        "keys: [reason, basis], article: 测试办法第二条第一款}]}\n"
    )
    head = _HEAD.replace(
        "    event: CaseDecided\n",
        "    event: CaseDecided\n    data:\n      reason: {type: str}\n      basis: {type: str}\n",
    )
    eng = _engine("one_of", one_of, _TO_DECIDED, head=head)
    with pytest.raises(InvalidInput) as info:
        eng.decide(_opened(eng, "direct"), cmd("decide", "2025-06-04"))
    assert info.value.code == "input.one_of"


def test_replay_follows_the_recorded_route(fallback: Engine) -> None:
    """Replaying a history rebuilds the branch that was taken, not the first one listed."""
    opened = fallback.open(cmd("open", "2025-06-03", route="direct"))
    decided = fallback.decide(opened.state, cmd("decide", "2025-06-04"))
    assert fallback.replay([*opened.events, *decided.events]) == decided.state


def test_event_without_a_reachable_recorded_route_takes_the_first_transition(
    fallback: Engine,
) -> None:
    """An event recorded before routing (no to_state), or naming a state this trigger cannot
    reach from the case's state, folds to the first transition from that state, as every
    event did before; a reachable recorded state is followed."""
    opened = fallback.open(cmd("open", "2025-06-03", route="direct")).state
    base = Event("decide", "CaseDecided", date(2025, 6, 4), "tester", "测试办法第二条", {})

    def folded(**data: str) -> str:
        return fallback.apply(opened, replace(base, data=data)).state

    assert folded() == "committee"
    assert folded(to_state="received") == "committee"  # not a destination of 'decide'
    assert folded(to_state="nowhere") == "committee"
    assert folded(to_state="decided") == "decided"


def test_what_a_passed_over_guard_saw_is_recorded() -> None:
    """A branch not taken was still decided by its guards, so the event keeps what they saw:
    a repeated mistake (历城办法第十二条第（五）项 wording) sends the case to the committee
    instead, and the priors that barred the direct decision are in the event."""
    head = _HEAD.replace(
        "      committee_by: {type: str}\n",
        "      subject: {type: str}\n      matter: {type: str}\n",
    ).replace(
        "    facts: [{set: route, to: $route}]\n",
        "    facts: [{set: route, to: $route}, {set: subject, to: $subject}, "
        "{set: matter, to: $matter}]\n",
    ).replace(
        "    event: CaseDecided\n",
        "    event: CaseDecided\n    data:\n      outcome: {type: enum, values: [exempted]}\n",
    )
    repeated = (
        "      - {from: [received], to: decided, guards: [{rule: repeated_mistake, "
        "forbidden: [exempted], tolerated: [exempted], date_fact: null, "
        "note: 本测试办法不记录认定日期, article: 测试办法第二条第三款}]}\n"
    )
    catalogue = (
        "catalogue:\n"
        "  outcomes: {exempted: {label_zh: 容错免责, articles: ['1'], correction: false, "
        "article: 测试办法第一条}}\n"
        "  articles: {'1': {title: 情形, article: 测试办法第一条, items: {'1': 情形一}}}\n"
    )
    eng = _engine(
        "repeated", repeated, "      - {from: [received], to: committee}\n", catalogue, head=head
    )
    case = eng.open(cmd("open", "2025-06-03", route="direct", subject="张三", matter="许可")).state
    prior = {"subject": "张三", "matter": "许可", "outcome": "exempted", "number": "测〔2024〕1号"}
    d = eng.decide(
        case, cmd("decide", "2025-06-04", outcome="exempted"), {"prior_tolerances": [prior]}
    )
    assert d.state.state == "committee"
    seen = d.events[0].data["repeated_mistake"]
    assert seen["context_given"] is True
    assert [m["number"] for m in seen["matches"]] == ["测〔2024〕1号"]
    without = eng.decide(case, cmd("decide", "2025-06-04", outcome="exempted"), {})
    assert without.state.state == "decided"
