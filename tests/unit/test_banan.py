"""Banan (巴南办法): the format proven on a second, different procedure.

2025-06-03 is a Tuesday; five working days after it end on 2025-06-10.
"""

from __future__ import annotations

from datetime import date

import pytest

from rongcuo.domain.case import CaseState
from rongcuo.domain.engine import Engine
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.testing.workflows import OPEN_DATA, banan_engine, cmd, run


@pytest.fixture(scope="module")
def eng() -> Engine:
    return banan_engine()


def _opened(eng: Engine) -> CaseState:
    return run(eng, [cmd("open", "2025-06-03", **OPEN_DATA)])[0]


def _applied(eng: Engine) -> CaseState:
    return run(
        eng, [cmd("apply", "2025-06-10", applicant="本人", evidence="材料一份")], _opened(eng)
    )[0]


def _refused(eng: Engine, case: CaseState, trigger: str, on: str, **data: object) -> Refused:
    with pytest.raises(Refused) as info:
        eng.decide(case, cmd(trigger, on, **data))
    return info.value


def test_identity_has_no_invented_in_force_date(eng: Engine) -> None:
    """自印发之日起施行 with no date in the source: left open, with a note (巴南办法第二十二条)."""
    d = eng.definition
    assert d.in_force == (None, None)
    assert d.case_number.format(year=2025, n=1) == "巴南生态容错〔2025〕1号"


def test_application_within_five_working_days_is_accepted(eng: Engine) -> None:
    """容错建议 within 5 working days of the accountability procedure (巴南办法第十六条)."""
    case = _applied(eng)
    assert case.state == "applied"
    assert case.timers["filing"].status == "met"


def test_application_after_five_working_days_is_refused(eng: Engine) -> None:
    """A day late is refused, citing art. 16 (巴南办法第十六条)."""
    err = _refused(eng, _opened(eng), "apply", "2025-06-11", applicant="本人", evidence="材料")
    assert err.code == "timer.window_closed" and err.article == "巴南办法第十六条"


def test_window_expiry_lapses_the_case(eng: Engine) -> None:
    """No proposal in time: the case lapses (巴南办法第十六条)."""
    assert eng.deadlines(_opened(eng))[0].due == date(2025, 6, 10)
    decision = eng.expire(_opened(eng), "filing", date(2025, 6, 11))
    assert decision is not None and decision.state.state == "lapsed"


def test_exemption_needs_all_three_conditions_of_article_13(eng: Engine) -> None:
    """免除责任 needs 13(1)–(3) together with an art. 12 situation (巴南办法第十三条)."""
    err = _refused(
        eng, _applied(eng), "determine", "2025-06-20", outcome="exempted", items="12.4,13.1,13.2"
    )
    assert err.code == "guard.conditions_not_met" and "13.3" in err.message_en
    d = eng.decide(
        _applied(eng),
        cmd("determine", "2025-06-20", outcome="exempted", items="12.4,13.1,13.2,13.3"),
    )
    assert d.state.state == "determined"


def test_exclusion_of_article_16_forbids_tolerance(eng: Engine) -> None:
    """Exclusions bar tolerance (巴南办法第十五条、第十六条)."""
    for item in ("16.2", "15.1"):
        err = _refused(
            eng,
            _applied(eng),
            "determine",
            "2025-06-20",
            outcome="lighter",
            items=f"12.1,14.1,{item}",
        )
        assert err.code == "guard.exclusion_forbids_tolerance"


def test_repeated_mistake_is_not_tolerated(eng: Engine) -> None:
    """重复犯错的 不得考虑容错 (巴南办法第十六条)."""
    prior = {"case_id": "b-1", "subject": "张三", "matter": "食品经营许可", "outcome": "lighter"}
    # Banan records no decision date: a prior case counts even if its last step came later
    for p in (prior, {**prior, "on": "2025-07-30", "workflow": "banan", "decided_on": None}):
        with pytest.raises(Refused) as info:
            eng.decide(
                _applied(eng),
                cmd("determine", "2025-06-20", outcome="mitigated", items="12.1,14.2"),
                {"prior_tolerances": [p]},
            )
        assert info.value.code == "guard.repeated_mistake"


def test_tolerance_is_recorded_in_personnel_and_integrity_files(eng: Engine) -> None:
    """存入干部人事档案和廉政档案, then correction (巴南办法第十七条、第十八条)."""
    case, events = run(
        eng,
        [
            cmd("determine", "2025-06-20", outcome="lighter", items="12.1,14.1"),
            cmd("record_files", "2025-06-21", personnel_file="RS-1", integrity_file="LZ-1"),
            cmd("start_correction", "2025-06-22"),
            cmd("complete_correction", "2025-07-01"),
            cmd("close", "2025-07-02"),
        ],
        _applied(eng),
    )
    assert [e.type for e in events][:2] == ["ToleranceDecided", "DecisionFiled"]
    assert events[1].article == "巴南办法第十七条"
    assert case.state == "closed" and case.closed


def test_not_tolerated_is_not_filed_as_a_tolerance(eng: Engine) -> None:
    """Only tolerance decisions go to the files (巴南办法第十七条)."""
    case = run(
        eng, [cmd("determine", "2025-06-20", outcome="not_tolerated", items="15.1")], _applied(eng)
    )[0]
    err = _refused(
        eng, case, "record_files", "2025-06-21", personnel_file="RS", integrity_file="LZ"
    )
    assert err.code == "guard.outcome"
    assert eng.decide(case, cmd("close", "2025-06-21")).state.state == "closed"


def test_exemption_needs_an_article_12_situation_besides_the_conditions(eng: Engine) -> None:
    """巴南办法第十三条: "具有第十二条规定情形之一，同时符合下列条件的，可以免除…责任" — the three
    conditions of art. 13 alone do not exempt; an art. 12 situation must be cited too."""
    err = _refused(
        eng, _applied(eng), "determine", "2025-06-20", outcome="exempted", items="13.1,13.2,13.3"
    )
    assert err.code == "guard.conditions_not_met"
    assert "article 12" in err.message_en and "第12条" in err.message_zh
    assert err.article == "巴南办法第十三条"


def _opened_by(eng: Engine, started_by: str) -> CaseState:
    return run(eng, [cmd("open", "2025-06-03", **OPEN_DATA, started_by=started_by)])[0]


def test_a_procedure_the_party_group_started_is_decided_without_a_proposal(eng: Engine) -> None:
    """巴南办法第十六条: "追责问责程序由区生态环境局党组启动的，同步考虑容错情形" — no proposal is
    needed: the case is decided from `received`, no proposal window runs (version 3: it never
    starts), and it never lapses for want of a proposal."""
    case = _opened_by(eng, "局党组")
    assert "filing" not in case.timers
    d = eng.decide(case, cmd("determine", "2025-06-20", outcome="lighter", items="12.4,14.1"))
    assert d.state.state == "determined"
    assert "filing" not in d.state.timers
    # an ordinary case still needs its proposal first
    err = _refused(eng, _opened(eng), "determine", "2025-06-20", outcome="lighter",
                   items="12.4,14.1")
    assert err.code in ("guard.fact", "case.wrong_state")


def test_the_party_groups_case_does_not_lapse_when_the_window_closes(eng: Engine) -> None:
    party = _opened_by(eng, "局党组")
    assert eng.expire(party, "filing", date(2025, 6, 11)) is None  # no window to expire
    with pytest.raises(Refused) as err:  # nor can anyone record a lapse by hand
        eng.decide(party, cmd("lapse", "2025-06-11"))
    assert err.value.code in ("guard.fact", "guard.timer_not_expired")
    with pytest.raises(Refused) as err:  # nobody proposes: the 局党组 considers it itself
        eng.decide(party, cmd("apply", "2025-06-10", applicant="本人", evidence="材料"))
    assert err.value.code == "guard.fact" and err.value.article == "巴南办法第十六条"
    other = eng.expire(_opened_by(eng, "其他追责问责机关"), "filing", date(2025, 6, 11))
    assert other is not None and other.state.state == "lapsed"


def test_another_bodys_procedure_takes_the_proposal_from_the_party_organisation(
    eng: Engine,
) -> None:
    """巴南办法第十六条: "由其他追责问责机关启动的…由所在党组织提出容错建议"."""
    case = _opened_by(eng, "其他追责问责机关")
    err = _refused(eng, case, "apply", "2025-06-10", applicant="本人", evidence="材料")
    assert err.code == "guard.data_not_allowed" and "所在单位党组织" in err.message_zh
    ok = eng.decide(case, cmd("apply", "2025-06-10", applicant="所在单位党组织", evidence="材料"))
    assert ok.state.state == "applied"


def test_reports_feedback_and_explanation_follow_art_19(eng: Engine) -> None:
    """巴南办法第十九条: several reports per case; a real-name reporter gets feedback, an
    anonymous report an explanation within a scope; 容错免责 only for an exempted case.  (The
    service fills ``reporter_ref``; the engine sees only the reference.)"""
    case = run(eng, [
        cmd("record_report", "2025-06-04", report_id="BN-1", kind="实名", allegation="a",
            reporter_ref="rpt-1"),
        cmd("record_report", "2025-06-04", report_id="BN-2", kind="匿名", allegation="b"),
    ], _opened(eng))[0]
    assert [r["kind"] for r in case.facts["reports"]] == ["实名", "匿名"]
    with pytest.raises(InvalidInput) as missing:
        eng.decide(case, cmd("record_report", "2025-06-05", report_id="BN-3", kind="实名",
                             allegation="c"))
    assert (missing.value.code, missing.value.article) == ("input.required_when",
                                                           "巴南办法第十九条")
    case = run(eng, [cmd("apply", "2025-06-10", applicant="本人", evidence="材料一份")], case)[0]
    err = _refused(eng, case, "feedback_reporter", "2025-06-11", report_id="BN-1",
                   finding="容错免责", method="书面")
    assert (err.code, err.article) == ("guard.fact_required_when", "巴南办法第十九条")
    err = _refused(eng, case, "feedback_reporter", "2025-06-11", report_id="BN-2",
                   finding="不属实", method="书面")
    assert (err.code, err.article) == ("guard.record", "巴南办法第十九条")
    case = run(eng, [
        cmd("determine", "2025-06-20", outcome="exempted", items="12.4,13.1,13.2,13.3"),
        cmd("feedback_reporter", "2025-06-21", report_id="BN-1", finding="容错免责",
            method="书面"),
        cmd("explain_report_in_scope", "2025-06-21", report_id="BN-2", finding="查无实据",
            scope="局机关"),
    ], case)[0]
    assert [f["report_id"] for f in case.facts["report_findings"]] == ["BN-1", "BN-2"]
