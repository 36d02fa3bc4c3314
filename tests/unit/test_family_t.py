"""The tolerance family (procedures-spec §3): Baiyintala (白音他拉制度, seeds/000) and Pu
County (蒲县容错制度, seeds/001) and the generic procedure (通用办法, seeds/002 third document, its
blank notice period set to 7 by the test as its adopter) on the engine: the spec's tests
BYT-01…14 (and PUT-15), run for each with its own article numbers.

Dates counted by hand on the 2026 notice (国办发明电 2025): 春节 02-15..02-23 off (02-14 Sat and
02-28 Sat worked), 清明 04-04..04-06, 端午 06-19..06-21, 国庆 10-01..10-07 (10-10 Sat worked).
A period's start day is not counted; a last day on a rest day rolls to the next working day
(Civil Code arts. 201, 203).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from rongcuo.domain.case import CaseState
from rongcuo.domain.engine import Engine
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.testing.workflows import cmd, run, shipped_calendar, shipped_definition

SIX = {
    "subjective": "出于公心", "objective": "情况紧急", "procedure_method": "程序基本合规",
    "nature_degree": "情节轻微", "consequence": "未造成重大损失", "loss_recovered": "已挽回",
}


@dataclass(frozen=True)
class Profile:
    """One procedure of the family, with its own numbers (000 / 001 / 002c)."""

    workflow: str
    short: str
    started: str  # source value of an ex-officio start
    decider: str
    situation: str  # an item of art. 10 ¶1 / 11 ¶1
    cond: str  # the second-paragraph article key (C1)
    exclusion: str
    duty: str
    lighter: str  # an item of art. 11 / 12
    det_article: str  # 第十三条 / 第十四条
    corr_article: str
    report_article: str
    notice_days: int = 7


BYT = Profile("baiyintala", "白音他拉制度", "党委启动", "苏木党委", "10.4", "10-2", "12.1", "9.1",
              "11.1", "第十三条", "第十六条", "第十八条")
PU = Profile("pu_tolerance", "蒲县容错制度", "党组启动", "所在单位党组", "11.1", "11-2", "13.1",
             "10.1", "12.1", "第十四条", "第十七条", "第十九条")
# the generic procedure with the adopter's value 7 runs the same set (test_generic.py runs it
# with 5 and 10, to show the number really is the adopter's)
GEN = Profile("generic", "通用办法", "党组启动", "所在单位党组", "11.1", "11-2", "13.1",
              "10.1", "12.1", "第十四条", "第十七条", "第十九条")
PROFILES = [BYT, PU, GEN]
ADOPTED = {"adopter_parameters": {"notice_days": 7}}  # only the generic procedure reads it


def engine_of(p: Profile) -> Engine:
    return Engine(shipped_definition(p.workflow), shipped_calendar())


@pytest.fixture(params=PROFILES, ids=lambda p: p.workflow)
def fam(request: pytest.FixtureRequest) -> tuple[Profile, Engine]:
    p: Profile = request.param
    return p, engine_of(p)


def opened(p: Profile, eng: Engine, on: str = "2026-02-02", **extra: Any) -> CaseState:
    data = {"subject": "张某", "agency": "综合行政执法队", "matter": "占道经营处罚",
            "source": p.started, **extra}
    steps = [cmd("open", on, **data), cmd("start_verification", on, verified_by="执法队")]
    return run(eng, steps, context=ADOPTED)[0]


def determine(p: Profile, eng: Engine, case: CaseState, on: str, outcome: str, items: str | None,
              **extra: Any) -> CaseState:
    data: dict[str, Any] = {"outcome": outcome, "decided_by": p.decider, **SIX, **extra}
    if items is not None:
        data["items"] = items
    return eng.decide(case, cmd("determine", on, **data)).state


def exempt_items(p: Profile) -> str:
    return ",".join([p.situation, f"{p.cond}.1", f"{p.cond}.2", f"{p.cond}.3"])


def refused(eng: Engine, case: CaseState, trigger: str, on: str, **data: Any) -> Refused:
    with pytest.raises(Refused) as info:
        eng.decide(case, cmd(trigger, on, **data))
    return info.value


def invalid(eng: Engine, case: CaseState, trigger: str, on: str, **data: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        eng.decide(case, cmd(trigger, on, **data))
    return info.value


def due(eng: Engine, case: CaseState, timer: str) -> tuple[date | None, str]:
    d = next(x for x in eng.deadlines(case) if x.timer == timer)
    return d.due, d.status


def test_byt_01_happy_path_notice_rolls_over_spring_festival(fam: tuple[Profile, Engine]) -> None:
    """BYT-01: determine 2026-02-10 exempted (situation + all three conditions of ¶2): the
    7-day notice's day 7 is 02-17, inside 春节 02-15..02-23 → due 02-24 (art. 13 / 14).  A
    30-day correction ordered the same day: 02-10 + 30 = 03-12 (Thu) (art. 16 / 17)."""
    p, eng = fam
    case = determine(p, eng, opened(p, eng), "2026-02-10", "exempted", exempt_items(p))
    assert due(eng, case, "notice") == (date(2026, 2, 24), "running")
    case = eng.decide(case, cmd("order_correction", "2026-02-10", reasons="程序瑕疵",
                                correction_items="补正文书", requirements="限期补正",
                                days=30)).state
    assert due(eng, case, "correction") == (date(2026, 3, 12), "running")
    case = eng.decide(case, cmd("notify", "2026-02-24", party_notified_on="2026-02-24",
                                no_related_unit="无相关单位")).state
    assert due(eng, case, "notice") == (date(2026, 2, 24), "met")
    case = eng.decide(case, cmd("publish", "2026-02-25", scope="执法队内部")).state
    case = eng.decide(case, cmd("complete_correction", "2026-03-10", completion="已补正")).state
    case = eng.decide(case, cmd("close", "2026-03-10")).state
    assert (case.state, case.closed) == ("closed", True)


def test_byt_02_exemption_without_the_third_condition_is_refused(
        fam: tuple[Profile, Engine]) -> None:
    """BYT-02: exempted without ¶2(3) → guard.conditions_not_met naming it (第十条第二款 /
    第十一条第二款)."""
    p, eng = fam
    with pytest.raises(Refused) as info:
        determine(p, eng, opened(p, eng), "2026-02-10", "exempted",
                  f"{p.situation},{p.cond}.1,{p.cond}.2")
    assert info.value.code == "guard.conditions_not_met"
    assert f"{p.cond}.3" in info.value.message_en
    assert info.value.article.endswith("条第二款")


def test_byt_03_exemption_with_conditions_but_no_situation_is_refused(
        fam: tuple[Profile, Engine]) -> None:
    """BYT-03: the three conditions alone, no situation of ¶1 → guard.conditions_not_met."""
    p, eng = fam
    with pytest.raises(Refused) as info:
        determine(p, eng, opened(p, eng), "2026-02-10", "exempted",
                  f"{p.cond}.1,{p.cond}.2,{p.cond}.3")
    assert info.value.code == "guard.conditions_not_met"
    assert info.value.details["missing"] == [f"{p.situation.split('.')[0]}.*"]


@pytest.mark.parametrize("outcome", ["exempted", "lighter", "mitigated"])
def test_byt_04_the_exclusion_forbids_every_tolerant_outcome(
        fam: tuple[Profile, Engine], outcome: str) -> None:
    """BYT-04: the exclusion article ("……的，不予容错", 第十二条 / 第十三条) forbids exempted,
    lighter and mitigated (recommended reading)."""
    p, eng = fam
    items = exempt_items(p) if outcome == "exempted" else p.situation
    with pytest.raises(Refused) as info:
        determine(p, eng, opened(p, eng), "2026-02-10", outcome, f"{items},{p.exclusion}")
    assert info.value.code == "guard.exclusion_forbids_tolerance"


def test_byt_04_not_tolerated_rests_on_the_exclusion_or_on_a_no_situation_finding(
        fam: tuple[Profile, Engine]) -> None:
    """BYT-04: not_tolerated citing the exclusion item is accepted; with no item but a
    recorded finding that no situation applies, accepted; with neither, refused
    (input.required_when); the finding supports nothing but not_tolerated (guard.any_of)."""
    p, eng = fam
    assert determine(p, eng, opened(p, eng), "2026-02-10", "not_tolerated",
                     p.exclusion).state == "determined"
    case = determine(p, eng, opened(p, eng), "2026-02-10", "not_tolerated", None,
                     no_situation="经查不符合任何情形")
    assert case.facts["no_situation"] == "经查不符合任何情形"
    with pytest.raises(InvalidInput) as missing:
        determine(p, eng, opened(p, eng), "2026-02-10", "not_tolerated", None)
    assert missing.value.code == "input.required_when" and missing.value.details["key"] == "items"
    with pytest.raises(Refused) as wrong:
        determine(p, eng, opened(p, eng), "2026-02-10", "lighter", p.lighter,
                  no_situation="经查不符合任何情形")
    assert wrong.value.code == "guard.any_of"


def test_byt_05_duty_fulfilled_citing_a_tolerance_situation_is_refused(
        fam: tuple[Profile, Engine]) -> None:
    """BYT-05: duty_fulfilled citing an item of the tolerance article → items_match_outcome."""
    p, eng = fam
    with pytest.raises(Refused) as info:
        determine(p, eng, opened(p, eng), "2026-02-10", "duty_fulfilled", p.situation)
    assert info.value.code == "guard.items_match_outcome"
    ok = determine(p, eng, opened(p, eng), "2026-02-10", "duty_fulfilled", p.duty)
    assert ok.facts["correction_required"] is True  # [reading A4]: 第十六条 / 第十七条


def test_byt_06_a_late_notice_is_recorded_met_late(fam: tuple[Profile, Engine]) -> None:
    """BYT-06: determined 2026-03-02 → notice due 03-09 (Mon); notified 03-10: met, late."""
    from rongcuo.domain.case import met_late_on

    p, eng = fam
    case = determine(p, eng, opened(p, eng, "2026-03-02"), "2026-03-02", "duty_fulfilled", p.duty)
    assert due(eng, case, "notice") == (date(2026, 3, 9), "running")
    case = eng.decide(case, cmd("notify", "2026-03-10", party_notified_on="2026-03-10",
                                units="县司法局", units_notified_on="2026-03-10")).state
    d = next(x for x in eng.deadlines(case) if x.timer == "notice")
    assert met_late_on(d, case) == date(2026, 3, 10)


def test_byt_07_closing_needs_the_notice_and_the_publication_decision(
        fam: tuple[Profile, Engine]) -> None:
    """BYT-07: close before notify → guard.fact (art. 13 / 14); an exempted case with neither
    publish nor waive → guard.fact_required_when; a waiver without a reason →
    input.missing_field; a not_tolerated case closes without publication."""
    p, eng = fam
    case = determine(p, eng, opened(p, eng), "2026-02-10", "exempted", exempt_items(p),
                     correction_required="false")
    err = refused(eng, case, "close", "2026-02-11")
    assert err.code == "guard.fact" and err.article == f"{p.short}{p.det_article}"
    case = eng.decide(case, cmd("notify", "2026-02-11", party_notified_on="2026-02-11",
                                no_related_unit="无")).state
    err = refused(eng, case, "close", "2026-02-11")
    assert err.code == "guard.fact_required_when" and err.article == f"{p.short}{p.det_article}"
    assert invalid(eng, case, "waive_publication", "2026-02-11").code == "input.missing_field"
    case = eng.decide(case, cmd("waive_publication", "2026-02-11", reason="涉及个人隐私")).state
    assert eng.decide(case, cmd("close", "2026-02-12")).state.closed
    nt = determine(p, eng, opened(p, eng), "2026-02-10", "not_tolerated", p.exclusion)
    nt = eng.decide(nt, cmd("notify", "2026-02-11", party_notified_on="2026-02-11",
                            no_related_unit="无")).state
    assert refused(eng, nt, "publish", "2026-02-11", scope="内部").code == "guard.outcome"
    assert eng.decide(nt, cmd("close", "2026-02-12")).state.closed


def test_byt_08_extensions_have_no_cap_and_end_with_the_period(
        fam: tuple[Profile, Engine]) -> None:
    """BYT-08: correction 02-10 + 30 = 03-12; extended by 15 → 03-27 (Fri); by another 10
    (25 in all) → 04-06, 清明 → 04-07.  No cap; on 04-08 the period has ended
    (timer.already_ended); without a reason, input.missing_field (art. 16 / 17)."""
    p, eng = fam
    case = determine(p, eng, opened(p, eng), "2026-02-10", "lighter", p.situation)
    case = eng.decide(case, cmd("order_correction", "2026-02-10", reasons="r",
                                correction_items="i", requirements="q", days=30)).state
    ext = {"approved_by": "队长", "reason": "特殊情况"}
    case = eng.decide(case, cmd("extend_correction", "2026-03-01", days=15, **ext)).state
    assert due(eng, case, "correction") == (date(2026, 3, 27), "running")
    case = eng.decide(case, cmd("extend_correction", "2026-03-20", days=10, **ext)).state
    assert due(eng, case, "correction") == (date(2026, 4, 7), "running")
    err = refused(eng, case, "extend_correction", "2026-04-08", days=5, **ext)
    assert err.code == "timer.already_ended" and err.article == f"{p.short}{p.corr_article}"
    assert invalid(eng, case, "extend_correction", "2026-04-01", days=5,
                   approved_by="队长").code == "input.missing_field"


def test_byt_09_an_application_names_its_applicant(fam: tuple[Profile, Engine]) -> None:
    """BYT-09: "个人也可以直接向单位提出容错认定申请" (art. 13 / 14): source 个人申请 without an
    applicant → input.required_when; with one, accepted."""
    p, eng = fam
    data = {"subject": "张某", "agency": "执法队", "matter": "m", "source": "个人申请"}
    with pytest.raises(InvalidInput) as info:
        eng.open(cmd("open", "2026-02-02", **data), ADOPTED)
    assert info.value.code == "input.required_when" and info.value.details["key"] == "applicant"
    assert info.value.article == f"{p.short}{p.det_article}"
    case = eng.open(cmd("open", "2026-02-02", applicant="张某", **data), ADOPTED).state
    assert case.facts["applicant"] == "张某"


def reported(eng: Engine, case: CaseState, on: str = "2026-02-03") -> CaseState:
    """Two reports recorded on the case (C4): R1 real-name (its identity by reference only:
    the service fills ``reporter_ref``, the identity is in the vault), R2 anonymous."""
    case = eng.decide(case, cmd("record_report", on, report_id="R1", kind="实名",
                                allegation="拖延办案", reporter_ref="rpt-1")).state
    return eng.decide(case, cmd("record_report", on, report_id="R2", kind="匿名",
                                allegation="同一问题")).state


def test_byt_10_feedback_only_to_a_real_name_report_explanation_only_to_an_anonymous_one(
        fam: tuple[Profile, Engine]) -> None:
    """BYT-10: "属实名举报的，按规定向举报人反馈结果；属匿名举报的，在一定范围内说明情况" (art. 18 /
    19): feedback for the anonymous report and an explanation for the real-name one are
    refused, as is a report the case does not have and a number recorded twice, each citing
    the definition's article; a real-name report needs its reporter's reference."""
    p, eng = fam
    art = f"{p.short}{p.report_article}"
    case = determine(p, eng, reported(eng, opened(p, eng)), "2026-02-10", "exempted",
                     exempt_items(p))
    err = refused(eng, case, "feedback_reporter", "2026-02-11", report_id="R2", finding="不属实")
    assert (err.code, err.article, err.details["value"]) == ("guard.record", art, "R2")
    assert "匿名" in err.message_zh and "实名" in err.message_zh
    err = refused(eng, case, "explain_in_scope", "2026-02-11", report_id="R1", finding="不属实",
                  scope="执法队内部")
    assert (err.code, err.article) == ("guard.record", art)
    assert "实名" in err.message_zh and "匿名" in err.message_zh
    err = refused(eng, case, "feedback_reporter", "2026-02-11", report_id="R9", finding="不属实")
    assert (err.code, err.article) == ("guard.record", art) and "R9" in err.message_zh
    err = refused(eng, case, "record_report", "2026-02-11", report_id="R1", kind="匿名",
                  allegation="a")
    assert (err.code, err.article) == ("guard.record", art)
    missing = invalid(eng, case, "record_report", "2026-02-11", report_id="R3", kind="实名",
                      allegation="a")
    assert (missing.code, missing.article) == ("input.required_when", art)
    assert missing.details["key"] == "reporter_ref"
    case = eng.decide(case, cmd("feedback_reporter", "2026-02-11", report_id="R1",
                                finding="容错免责", method="书面答复")).state
    case = eng.decide(case, cmd("explain_in_scope", "2026-02-11", report_id="R2",
                                finding="查无实据", scope="执法队内部")).state
    assert [(r["report_id"], r["kind"]) for r in case.facts["reports"]] == [("R1", "实名"),
                                                                            ("R2", "匿名")]
    assert [(f["report_id"], f["finding"]) for f in case.facts["report_findings"]] == [
        ("R1", "容错免责"), ("R2", "查无实据")]
    case = eng.decide(case, cmd("clear_name", "2026-02-12", finding="诬告陷害", method="会议说明",
                                scope="全队", report_id="R1")).state
    assert case.state == "determined"


def test_byt_10_feedback_that_a_report_ended_in_exemption_needs_an_exemption(
        fam: tuple[Profile, Engine]) -> None:
    """BYT-10 (the finding part): feedback or an explanation with the finding 容错免责 is
    refused unless the outcome is exempted (art. 18 / 19 "经认定予以容错免责的情形")."""
    p, eng = fam
    case = determine(p, eng, reported(eng, opened(p, eng)), "2026-02-10", "lighter", p.situation)
    err = refused(eng, case, "feedback_reporter", "2026-02-11", report_id="R1", finding="容错免责")
    assert err.code == "guard.fact_required_when"
    assert err.article == f"{p.short}{p.report_article}"
    err = refused(eng, case, "explain_in_scope", "2026-02-11", report_id="R2",
                  finding="容错免责", scope="执法队内部")
    assert err.code == "guard.fact_required_when"
    eng.decide(case, cmd("feedback_reporter", "2026-02-11", report_id="R1", finding="查无实据"))
    ex = determine(p, eng, reported(eng, opened(p, eng)), "2026-02-10", "exempted",
                   exempt_items(p))
    ex = eng.decide(ex, cmd("feedback_reporter", "2026-02-11", report_id="R1",
                            finding="容错免责")).state
    ex = eng.decide(ex, cmd("clear_name", "2026-02-12", finding="诬告陷害", method="会议说明",
                            scope="全队")).state
    assert ex.state == "determined"


def test_byt_11_no_hearing_and_no_minimum_investigators(fam: tuple[Profile, Engine]) -> None:
    """BYT-11: the source has no statement/defence rule and no minimum of investigators: a
    determination right after the verification starts succeeds; no such rule is attached."""
    p, eng = fam
    assert determine(p, eng, opened(p, eng), "2026-02-02", "duty_fulfilled",
                     p.duty).state == "determined"
    rules = {g.rule for t in eng.definition.triggers.values()
             for g in (*t.guards, *(g for tr in t.transitions for g in tr.guards))}
    assert not rules & {"statement_heard", "min_investigators", "min_count", "repeated_mistake",
                        "timer_closed", "within_timer"}
    assert set(eng.definition.timers) == {"notice", "correction"}  # no review window


def test_byt_12_no_repeated_mistake_rule(fam: tuple[Profile, Engine]) -> None:
    """BYT-12: a prior exemption of the same subject and matter does not block a second:
    the step needs no prior decisions at all."""
    from rongcuo.domain.rules import needs_for

    p, eng = fam
    assert needs_for(eng.definition, "determine") == ()
    prior = {"prior_tolerances": [{"case": "earlier", "outcome": "exempted"}]}
    case = opened(p, eng)
    d = eng.decide(case, cmd("determine", "2026-02-10", outcome="exempted",
                             items=exempt_items(p), decided_by=p.decider, **SIX), prior)
    assert d.state.state == "determined"


@pytest.mark.parametrize(("on", "expected", "provisional"), [
    ("2026-06-12", date(2026, 6, 22), False),  # day 7 = 06-19 端午 → 06-22 (Mon)
    ("2026-09-30", date(2026, 10, 8), False),  # day 7 = 10-07 国庆 → 10-08 (Thu)
    ("2026-12-28", date(2027, 1, 4), True),  # 2027 not loaded: the statutory rule, 暂定
])
def test_byt_13_other_notice_dates(fam: tuple[Profile, Engine], on: str, expected: date,
                                   provisional: bool) -> None:
    """BYT-13: the 7-day notice around 端午, 国庆 and into 2027 (provisional)."""
    p, eng = fam
    case = determine(p, eng, opened(p, eng, on), on, "duty_fulfilled", p.duty)
    d = next(x for x in eng.deadlines(case) if x.timer == "notice")
    assert (d.due, d.provisional) == (expected, provisional)


def test_byt_14_in_force_dates(fam: tuple[Profile, Engine]) -> None:
    """BYT-14: Baiyintala's in_force is open (art. 19, no issue date): a case opens on any
    date.  PUT-15: Pu County's is 2022-11-29 (印发 = 发布, [reading A7]): 2022-11-28 is
    refused with case.outside_in_force."""
    p, eng = fam
    data = {"subject": "张某", "agency": "a", "matter": "m", "source": p.started}
    if p is not PU:
        assert eng.definition.in_force == (None, None)
        assert eng.open(cmd("open", "2000-01-03", **data), ADOPTED).state.state == "received"
        return
    assert eng.definition.in_force == (date(2022, 11, 29), None)
    with pytest.raises(Refused) as info:
        eng.open(cmd("open", "2022-11-28", **data))
    assert info.value.code == "case.outside_in_force"
    assert info.value.article == "蒲县容错制度第二十条"


def test_paragraph_items_are_cited_by_their_paragraph(fam: tuple[Profile, Engine]) -> None:
    """C1: the second paragraph is its own catalogue key (第十条第二款 cited 10-2.1), never a
    pseudo-article; an unknown paragraph item is refused as input."""
    from rongcuo.documents.text import item_ref

    p, eng = fam
    art = eng.definition.catalogue[p.cond]
    assert art.article.endswith("条第二款") and set(art.items) == {"1", "2", "3"}
    assert item_ref(f"{p.cond}.3").endswith("款第（三）项")
    with pytest.raises(InvalidInput) as info:
        determine(p, eng, opened(p, eng), "2026-02-10", "exempted",
                  f"{p.situation},{p.cond}.4")
    assert info.value.code == "input.invalid_field"

