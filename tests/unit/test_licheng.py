"""Licheng (历城办法) reference definition: one test per row of the issue's table.

Dates are business dates in CST, fed to the engine; the calendar is the shipped 2025/2026
State Council calendars.  2025-06-03 is a Tuesday.
"""

from __future__ import annotations

from datetime import date

import pytest

from rongcuo.domain.case import CaseState
from rongcuo.domain.engine import Engine
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.testing.workflows import (
    LICHENG_TO_DETERMINED,
    LICHENG_TO_FILED,
    LICHENG_TO_NOTIFIED,
    LICHENG_TO_VERIFYING,
    OPEN_DATA,
    cmd,
    licheng_engine,
    run,
)


@pytest.fixture(scope="module")
def eng() -> Engine:
    return licheng_engine()


def _deadline(eng: Engine, case: CaseState, timer: str) -> tuple[str, date | None]:
    d = {x.timer: x for x in eng.deadlines(case)}[timer]
    return d.status, d.due


def _refused(eng: Engine, case: CaseState, trigger: str, on: str, **data: object) -> Refused:
    with pytest.raises(Refused) as info:
        eng.decide(case, cmd(trigger, on, **data))
    return info.value


# -------------------------------------------------------------------- open / file / lapse
def test_open_starts_filing_period_of_five_working_days(eng: Engine) -> None:
    """open → received; starts `filing`, 5 working days (number from 巴南办法第十六条)."""
    case, events = run(eng, [cmd("open", "2025-06-03", **OPEN_DATA)])
    assert case.state == "received"
    assert events[0].type == "CaseOpened" and events[0].article == "历城办法第十三条"
    assert eng.definition.timers["filing"].article == "巴南办法第十六条"
    assert _deadline(eng, case, "filing") == ("running", date(2025, 6, 10))


def test_file_stops_filing_and_starts_thirty_day_investigation(eng: Engine) -> None:
    """file → filed; investigation ends 30 days after filing (历城办法第十七条)."""
    case, _ = run(eng, LICHENG_TO_FILED)
    assert case.state == "filed"
    assert _deadline(eng, case, "filing") == ("met", date(2025, 6, 10))
    # 2025-06-05 + 30 = 2025-07-05, a Saturday -> Monday 2025-07-07 (Civil Code art. 203)
    assert _deadline(eng, case, "investigation") == ("running", date(2025, 7, 7))


def test_filing_expiry_lapses_an_untimely_case(eng: Engine) -> None:
    """Expiry of `filing` fires lapse: received → lapsed, not considered (巴南办法第十六条)."""
    case, _ = run(eng, [cmd("open", "2025-06-03", **OPEN_DATA)])
    decision = eng.expire(case, "filing", date(2025, 6, 11))
    assert decision is not None
    assert decision.state.state == "lapsed" and decision.state.closed
    assert decision.events[0].actor == "system"
    assert decision.state.timers["filing"].status == "overdue"


def test_lapse_is_refused_before_the_filing_period_ends(eng: Engine) -> None:
    """The period runs to 24:00 of its last day; lapse on it is refused (巴南办法第十六条)."""
    case, _ = run(eng, [cmd("open", "2025-06-03", **OPEN_DATA)])
    err = _refused(eng, case, "lapse", "2025-06-10")
    assert err.code == "guard.timer_not_expired"
    assert err.article == "巴南办法第十六条"


# -------------------------------------------------------------------- transfer (art. 15)
def test_transfer_cancels_investigation_and_starts_handling_from_receipt(eng: Engine) -> None:
    """transfer → transferred; 30 days from the agency's receipt (历城办法第十五条)."""
    case, _ = run(eng, [*LICHENG_TO_FILED, cmd("transfer", "2025-06-09", received_on="2025-06-06")])
    assert case.state == "transferred"
    assert _deadline(eng, case, "investigation")[0] == "cancelled"
    # 2025-06-06 + 30 = 2025-07-06 (Sunday) -> 2025-07-07
    assert _deadline(eng, case, "transfer_handling") == ("running", date(2025, 7, 7))


def test_agency_handled_starts_seven_day_report(eng: Engine) -> None:
    """agency_handled → transfer_handled; report for the record within 7 days (历城办法第十五条)."""
    case, _ = run(
        eng, [*LICHENG_TO_FILED, cmd("transfer", "2025-06-09"), cmd("agency_handled", "2025-06-30")]
    )
    assert case.state == "transfer_handled"
    assert _deadline(eng, case, "transfer_handling")[0] == "met"
    assert _deadline(eng, case, "transfer_report") == ("running", date(2025, 7, 7))


def test_agency_reported_archives_the_transferred_case(eng: Engine) -> None:
    """agency_reported → archived: the result is filed for the record (历城办法第十五条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_FILED,
            cmd("transfer", "2025-06-09"),
            cmd("agency_handled", "2025-06-30"),
            cmd("agency_reported", "2025-07-02"),
        ],
    )
    assert case.state == "archived" and case.closed
    assert _deadline(eng, case, "transfer_report")[0] == "met"


# -------------------------------------------------------------------- investigators (art. 16)
def test_assign_and_recuse_investigators(eng: Engine) -> None:
    """assign_investigator / recuse record who investigates (历城办法第十六条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_FILED,
            cmd("assign_investigator", "2025-06-05", investigator="李四"),
            cmd("recuse", "2025-06-06", investigator="李四", reason="利害关系"),
        ],
    )
    assert case.state == "filed"
    assert case.facts["investigators"] == [] and case.facts["recused"] == ["李四"]


def test_recused_investigator_cannot_be_assigned_again(eng: Engine) -> None:
    """A recused investigator may not investigate the case (历城办法第十六条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_FILED,
            cmd("assign_investigator", "2025-06-05", investigator="李四"),
            cmd("recuse", "2025-06-06", investigator="李四"),
        ],
    )
    err = _refused(eng, case, "assign_investigator", "2025-06-06", investigator="李四")
    assert err.code == "guard.investigator_recused" and err.article == "历城办法第十六条"


def test_start_verification_refused_with_one_investigator(eng: Engine) -> None:
    """Verification needs at least two investigators (历城办法第十六条 调查人员不得少于两人)."""
    case, _ = run(
        eng, [*LICHENG_TO_FILED, cmd("assign_investigator", "2025-06-05", investigator="李四")]
    )
    err = _refused(eng, case, "start_verification", "2025-06-06")
    assert err.code == "guard.min_investigators"
    assert err.article == "历城办法第十六条"
    assert "start_verification" in err.allowed and "assign_investigator" in err.allowed
    assert err.details["rule"] == "min_investigators"


def test_start_verification_refused_when_one_of_two_is_recused(eng: Engine) -> None:
    """A recused investigator does not count toward the two (历城办法第十六条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_FILED,
            cmd("assign_investigator", "2025-06-05", investigator="李四"),
            cmd("assign_investigator", "2025-06-05", investigator="王五"),
            cmd("recuse", "2025-06-05", investigator="王五"),
        ],
    )
    assert _refused(eng, case, "start_verification", "2025-06-06").code == "guard.min_investigators"


def test_start_verification_with_two_investigators(eng: Engine) -> None:
    """filed → verifying once two investigators are assigned (历城办法第十六条)."""
    case, events = run(eng, LICHENG_TO_VERIFYING)
    assert case.state == "verifying"
    assert events[-1].type == "VerificationStarted"


# -------------------------------------------------------------------- clock (art. 16, 17)
def test_pause_clock_stops_the_investigation_period(eng: Engine) -> None:
    """Appraisal time is not counted: while paused the due date is None (历城办法第十六条)."""
    case, _ = run(eng, [*LICHENG_TO_VERIFYING, cmd("pause_clock", "2025-06-10", kind="鉴定")])
    assert _deadline(eng, case, "investigation") == ("paused", None)


def test_resume_clock_moves_the_due_date_by_the_pause(eng: Engine) -> None:
    """pause on 06-10, resume on 06-20: pause [06-10, 06-19], 10 days added (历城办法第十六条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_VERIFYING,
            cmd("pause_clock", "2025-06-10"),
            cmd("resume_clock", "2025-06-20"),
        ],
    )
    timer = case.timers["investigation"]
    assert [(p.start, p.end) for p in timer.pauses] == [(date(2025, 6, 10), date(2025, 6, 19))]
    # 2025-07-05 + 10 = 2025-07-15 (Tuesday)
    assert _deadline(eng, case, "investigation") == ("running", date(2025, 7, 15))


def test_resume_on_the_pause_day_is_no_pause(eng: Engine) -> None:
    """R == P: the clock never stopped (历城办法第十六条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_VERIFYING,
            cmd("pause_clock", "2025-06-10"),
            cmd("resume_clock", "2025-06-10"),
        ],
    )
    assert case.timers["investigation"].pauses == ()
    assert _deadline(eng, case, "investigation") == ("running", date(2025, 7, 7))


def test_resume_without_pause_is_refused(eng: Engine) -> None:
    """Only a paused clock can be resumed (历城办法第十六条)."""
    case, _ = run(eng, LICHENG_TO_VERIFYING)
    err = _refused(eng, case, "resume_clock", "2025-06-10")
    assert err.code == "timer.not_paused" and err.article == "历城办法第十六条"


def test_extend_investigation_once_by_at_most_thirty_days(eng: Engine) -> None:
    """The head may extend the investigation once, by at most 30 days (历城办法第十七条)."""
    case, events = run(
        eng,
        [
            *LICHENG_TO_VERIFYING,
            cmd("extend_investigation", "2025-06-25", days="30", approved_by="赵局"),
        ],
    )
    assert events[-1].data["approved_by"] == "赵局" and events[-1].data["days"] == 30
    # 2025-07-05 + 30 = 2025-08-04 (Monday)
    assert _deadline(eng, case, "investigation") == ("running", date(2025, 8, 4))


def test_second_investigation_extension_is_refused(eng: Engine) -> None:
    """Only one extension (历城办法第十七条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_VERIFYING,
            cmd("extend_investigation", "2025-06-25", days=10, approved_by="赵局"),
        ],
    )
    err = _refused(eng, case, "extend_investigation", "2025-06-26", days=5, approved_by="赵局")
    assert err.code == "timer.extension_limit" and err.article == "历城办法第十七条"


def test_extension_over_thirty_days_is_refused(eng: Engine) -> None:
    """延长期限不得超过30日 (历城办法第十七条)."""
    case, _ = run(eng, LICHENG_TO_VERIFYING)
    err = _refused(eng, case, "extend_investigation", "2025-06-25", days=31, approved_by="赵局")
    assert err.code == "timer.extension_limit"


def test_extension_without_approver_is_invalid(eng: Engine) -> None:
    """An extension needs the head's approval (经负责人批准, 历城办法第十七条)."""
    case, _ = run(eng, LICHENG_TO_VERIFYING)
    with pytest.raises(InvalidInput) as info:
        eng.decide(case, cmd("extend_investigation", "2025-06-25", days=10))
    assert info.value.details["key"] == "approved_by"


# -------------------------------------------------------------------- statement / hearing
def test_determination_before_statement_is_refused(eng: Engine) -> None:
    """应当充分听取被调查人的陈述申辩 before determining (历城办法第十六条)."""
    case, _ = run(eng, LICHENG_TO_VERIFYING)
    err = _refused(eng, case, "determine", "2025-06-20", outcome="duty_fulfilled", items="9.1")
    assert err.code == "guard.statement_before_determination"
    assert err.article == "历城办法第十六条"
    assert "hear_statement" in err.allowed


def test_hear_statement_records_the_statement(eng: Engine) -> None:
    """hear_statement sets the fact the determination guard reads (历城办法第十六条)."""
    case, _ = run(eng, [*LICHENG_TO_VERIFYING, cmd("hear_statement", "2025-06-10")])
    assert case.facts["statement_heard"] is True and case.state == "verifying"


def test_hold_hearing_is_recorded_with_its_host(eng: Engine) -> None:
    """Major, complex cases may hold a hearing; its host is recorded (历城办法第十四条)."""
    case, events = run(
        eng, [*LICHENG_TO_VERIFYING, cmd("hold_hearing", "2025-06-12", host="孙法官")]
    )
    assert case.facts["hearing_held"] is True
    assert events[-1].data["host"] == "孙法官" and events[-1].article == "历城办法第十四条"


# -------------------------------------------------------------------- determine (arts. 9–12, 17)
def test_determine_stops_investigation_and_starts_seven_day_notice(eng: Engine) -> None:
    """determine → determined; notice within 7 days (历城办法第十七条)."""
    case, events = run(eng, LICHENG_TO_DETERMINED)
    assert case.state == "determined"
    assert case.facts["outcome"] == "exempted" and case.facts["items"] == ["10.2"]
    assert _deadline(eng, case, "investigation")[0] == "met"
    assert _deadline(eng, case, "notice") == ("running", date(2025, 6, 27))
    assert events[-1].data["correction_required"] is True  # exempted owes a correction


def test_exempted_with_an_exclusion_item_is_refused(eng: Engine) -> None:
    """An art. 12 item (不予容错) forbids exempted / lighter / mitigated (历城办法第十二条)."""
    case, _ = run(eng, [*LICHENG_TO_VERIFYING, cmd("hear_statement", "2025-06-10")])
    for outcome in ("exempted", "lighter", "mitigated"):
        err = _refused(eng, case, "determine", "2025-06-20", outcome=outcome, items="10.2,12.6")
        assert err.code == "guard.exclusion_forbids_tolerance"
        assert err.article == "历城办法第十二条"


def test_not_tolerated_with_an_exclusion_item_is_accepted(eng: Engine) -> None:
    """Not tolerated rests on art. 12 items (历城办法第十二条、第十八条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_VERIFYING,
            cmd("hear_statement", "2025-06-10"),
            cmd("determine", "2025-06-20", outcome="not_tolerated", items="12.6"),
        ],
    )
    assert case.facts["outcome"] == "not_tolerated"


def test_repeated_mistake_after_earlier_tolerance_is_refused(eng: Engine) -> None:
    """Same subject and matter tolerated before: not again (历城办法第十二条第（五）项)."""
    case, _ = run(eng, [*LICHENG_TO_VERIFYING, cmd("hear_statement", "2025-06-10")])
    prior = {
        "case_id": "c-1",
        "number": "历城容错〔2024〕3号",
        "subject": "张三",
        "matter": "食品经营许可",
        "outcome": "exempted",
        "on": "2024-05-01",
    }
    with pytest.raises(Refused) as info:
        eng.decide(
            case,
            cmd("determine", "2025-06-20", outcome="lighter", items="11.1"),
            {"prior_tolerances": [prior]},
        )
    assert info.value.code == "guard.repeated_mistake"
    assert "历城容错〔2024〕3号" in info.value.message_zh


def test_repeated_mistake_rule_records_what_it_saw(eng: Engine) -> None:
    """A different matter does not count; the event records what was checked (历城办法第十二条)."""
    case, _ = run(eng, [*LICHENG_TO_VERIFYING, cmd("hear_statement", "2025-06-10")])
    prior = {"case_id": "c-1", "subject": "张三", "matter": "另一事项", "outcome": "exempted"}
    d = eng.decide(
        case,
        cmd("determine", "2025-06-20", outcome="lighter", items="11.1"),
        {"prior_tolerances": [prior]},
    )
    seen = d.events[0].data["repeated_mistake"]
    assert seen["prior_tolerances_checked"] == 1 and seen["matches"] == []


def test_items_must_support_the_outcome(eng: Engine) -> None:
    """Duty fulfilled rests on art. 9 items, not art. 10 (历城办法第九条)."""
    case, _ = run(eng, [*LICHENG_TO_VERIFYING, cmd("hear_statement", "2025-06-10")])
    err = _refused(eng, case, "determine", "2025-06-20", outcome="duty_fulfilled", items="10.1")
    assert err.code == "guard.items_match_outcome"


def test_unknown_catalogue_item_is_invalid_input(eng: Engine) -> None:
    """Items are article.item of the catalogue (art. 9 has nine items, 历城办法第九条)."""
    case, _ = run(eng, [*LICHENG_TO_VERIFYING, cmd("hear_statement", "2025-06-10")])
    with pytest.raises(InvalidInput) as info:
        eng.decide(case, cmd("determine", "2025-06-20", outcome="duty_fulfilled", items="9.10"))
    assert info.value.details["key"] == "items"


# -------------------------------------------------------------------- notify / review (art. 17, 19)
def test_notify_starts_fifteen_day_review_window_from_receipt(eng: Engine) -> None:
    """notify → notified; review within 15 days of receipt (历城办法第十九条)."""
    case, _ = run(eng, LICHENG_TO_NOTIFIED)
    assert case.state == "notified"
    assert _deadline(eng, case, "notice")[0] == "met"
    assert _deadline(eng, case, "review_window") == ("running", date(2025, 7, 8))


def test_request_review_on_the_last_day_is_accepted(eng: Engine) -> None:
    """The window ends at 24:00 of its last day; decision in 30 days (历城办法第十九条)."""
    case, _ = run(eng, [*LICHENG_TO_NOTIFIED, cmd("request_review", "2025-07-08")])
    assert case.state == "under_review"
    assert _deadline(eng, case, "review_window")[0] == "met"
    # 2025-07-08 + 30 = 2025-08-07 (Thursday)
    assert _deadline(eng, case, "review_decision") == ("running", date(2025, 8, 7))


def test_request_review_after_the_window_is_refused(eng: Engine) -> None:
    """收到认定决定之日起15日内 — a day late is refused (历城办法第十九条)."""
    case, _ = run(eng, LICHENG_TO_NOTIFIED)
    err = _refused(eng, case, "request_review", "2025-07-09")
    assert err.code == "timer.window_closed" and err.article == "历城办法第十九条"
    assert "2025-07-08" in err.message_zh


def test_decide_review_stops_the_review_decision_period(eng: Engine) -> None:
    """decide_review → reviewed (历城办法第十九条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_NOTIFIED,
            cmd("request_review", "2025-07-01"),
            cmd("decide_review", "2025-07-20", result="upheld"),
        ],
    )
    assert case.state == "reviewed" and case.facts["review_result"] == "upheld"
    assert _deadline(eng, case, "review_decision")[0] == "met"


# -------------------------------------------------------------------- correction (art. 20)
def test_order_correction_with_days(eng: Engine) -> None:
    """责成限期纠正: days=N from the order (历城办法第二十条)."""
    case, _ = run(eng, [*LICHENG_TO_NOTIFIED, cmd("order_correction", "2025-07-10", days=20)])
    assert case.state == "correcting"
    assert _deadline(eng, case, "correction") == ("running", date(2025, 7, 30))


def test_order_correction_waits_for_the_review_window(eng: Engine) -> None:
    """Ordering correction straight after notice may not cut short the party's 15 days to
    request a review (历城办法第十九条): on the window's last day it is refused."""
    case, _ = run(eng, LICHENG_TO_NOTIFIED)
    err = _refused(eng, case, "order_correction", "2025-07-08", days=20)
    assert err.code == "guard.window_open"
    assert err.article == "历城办法第十九条"
    assert "request_review" in err.allowed


def test_order_correction_inside_the_window_with_a_written_waiver(eng: Engine) -> None:
    """The party may waive review in writing; the waiver is recorded
    (历城办法第十九条、第二十条)."""
    case, events = run(
        eng,
        [
            *LICHENG_TO_NOTIFIED,
            cmd("order_correction", "2025-07-01", days=20, review_waived="true"),
        ],
    )
    assert case.state == "correcting"
    assert _deadline(eng, case, "correction") == ("running", date(2025, 7, 21))
    assert events[-1].data["review_waived"] is True


def test_order_correction_after_review_needs_no_waiting(eng: Engine) -> None:
    """After the review decision the window is spent (历城办法第十九条、第二十条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_NOTIFIED,
            cmd("request_review", "2025-06-30"),
            cmd("decide_review", "2025-07-03", result="upheld"),
            cmd("order_correction", "2025-07-04", days=10),
        ],
    )
    assert case.state == "correcting"


def test_order_correction_with_a_due_date(eng: Engine) -> None:
    """due=DATE sets the deadline explicitly (历城办法第二十条)."""
    case, _ = run(
        eng, [*LICHENG_TO_NOTIFIED, cmd("order_correction", "2025-07-10", due="2025-08-15")]
    )
    assert _deadline(eng, case, "correction") == ("running", date(2025, 8, 15))


def test_order_correction_needs_exactly_one_of_due_or_days(eng: Engine) -> None:
    """A deadline must be set, once (历城办法第二十条)."""
    case, _ = run(eng, LICHENG_TO_NOTIFIED)
    with pytest.raises(InvalidInput) as info:
        eng.decide(case, cmd("order_correction", "2025-07-10"))
    assert info.value.code == "input.one_of"


def test_extend_correction_moves_the_due_date(eng: Engine) -> None:
    """The subject may apply to extend the correction period (历城办法第二十条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_NOTIFIED,
            cmd("order_correction", "2025-07-10", days=20),
            cmd("extend_correction", "2025-07-25", days=10, approved_by="赵局"),
        ],
    )
    assert _deadline(eng, case, "correction") == ("running", date(2025, 8, 11))


def test_an_extension_is_explained_with_its_own_periods_article(eng: Engine) -> None:
    """A correction extension is 历城办法第二十条 ("可以申请延长整改期限"), an investigation
    extension 第十七条: each due date's explanation and basis cite its own (the legal clock used
    to cite art. 17 for both), and a period that cannot be paused cites no pause article (it
    used to cite art. 16 by default)."""
    from rongcuo.domain.periods import DueDate

    case, _ = run(eng, [
        *LICHENG_TO_NOTIFIED,
        cmd("order_correction", "2025-07-10", days=20),
        cmd("extend_correction", "2025-07-25", days=10, approved_by="赵局"),
    ])
    (corr,) = [d for d in eng.deadlines(case) if d.timer == "correction"]
    assert corr.due is not None
    text = DueDate(due=corr.due, provisional=False, basis=corr.basis).explain("zh")
    assert "延长 10 个自然日（历城办法第二十条）" in text and "第十七条" not in text
    assert "(历城办法第二十条)" in DueDate(due=corr.due, provisional=False,
                                        basis=corr.basis).explain("en")
    assert corr.basis["cites"] == {"extension": "历城办法第二十条", "pause": None}
    assert corr.basis["extensions"]["article"] == "历城办法第二十条"
    assert corr.basis["articles"]["pause"] is None
    verifying, _ = run(eng, [*LICHENG_TO_VERIFYING,
                             cmd("extend_investigation", "2025-06-20", days=10,
                                 approved_by="局长")])
    (inv,) = [d for d in eng.deadlines(verifying) if d.timer == "investigation"]
    assert inv.due is not None
    assert "（历城办法第十七条）" in DueDate(due=inv.due, provisional=False,
                                         basis=inv.basis).explain("zh")


def test_complete_correction_stops_the_correction_period(eng: Engine) -> None:
    """complete_correction → corrected (历城办法第二十条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_NOTIFIED,
            cmd("order_correction", "2025-07-10", days=20),
            cmd("complete_correction", "2025-07-28"),
        ],
    )
    assert case.state == "corrected"
    assert _deadline(eng, case, "correction")[0] == "met"


# -------------------------------------------------------------------- archive (art. 14)
def test_archive_after_correction(eng: Engine) -> None:
    """归档 closes the case (历城办法第十四条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_NOTIFIED,
            cmd("order_correction", "2025-07-10", days=20),
            cmd("complete_correction", "2025-07-28"),
            cmd("archive", "2025-07-29"),
        ],
    )
    assert case.state == "archived" and case.closed
    assert eng.allowed_triggers(case) == []


def _duty_fulfilled_notified(eng: Engine) -> CaseState:
    case, _ = run(
        eng,
        [
            *LICHENG_TO_VERIFYING,
            cmd("hear_statement", "2025-06-10"),
            cmd("determine", "2025-06-20", outcome="duty_fulfilled", items="9.1"),
            cmd("notify", "2025-06-24", received_on="2025-06-23"),
        ],
    )
    return case


def test_archive_from_notified_after_the_review_window(eng: Engine) -> None:
    """No correction owed and the review window closed: archive (历城办法第十四条、第十九条)."""
    case = _duty_fulfilled_notified(eng)
    d = eng.decide(case, cmd("archive", "2025-07-09"))
    assert d.state.state == "archived"


def test_archive_while_the_review_window_is_open_is_refused(eng: Engine) -> None:
    """The party keeps 15 days to request a review (历城办法第十九条)."""
    err = _refused(eng, _duty_fulfilled_notified(eng), "archive", "2025-07-08")
    assert err.code == "guard.window_open" and err.article == "历城办法第十九条"


def test_archive_when_a_correction_is_owed_is_refused(eng: Engine) -> None:
    """An exempted outcome still owes a correction (历城办法第二十条)."""
    case, _ = run(eng, LICHENG_TO_NOTIFIED)
    err = _refused(eng, case, "archive", "2025-07-20")
    assert err.code == "guard.correction_owed" and err.article == "历城办法第二十条"


def test_correction_not_required_may_be_declared_at_determination(eng: Engine) -> None:
    """correction_required=false lets a reviewed case be archived (历城办法第十九条、第二十条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_VERIFYING,
            cmd("hear_statement", "2025-06-10"),
            cmd(
                "determine",
                "2025-06-20",
                outcome="lighter",
                items="11.1",
                correction_required="false",
            ),
            cmd("notify", "2025-06-24", received_on="2025-06-23"),
            cmd("request_review", "2025-06-30"),
            cmd("decide_review", "2025-07-10", result="upheld"),
            cmd("archive", "2025-07-11"),
        ],
    )
    assert case.state == "archived"


# -------------------------------------------------------------------- wrong state
def test_step_in_the_wrong_state_is_refused_with_allowed_steps(eng: Engine) -> None:
    """Licheng's sequence 立案→核实→认定 (历城办法第十四条): no determination from filed."""
    case, _ = run(eng, LICHENG_TO_FILED)
    err = _refused(eng, case, "determine", "2025-06-06", outcome="exempted", items="10.1")
    assert err.code == "case.wrong_state"
    assert err.article == "历城办法第十七条"
    # 历城办法第二十二条: a report may be recorded in any open state
    assert set(err.allowed) == {"transfer", "assign_investigator", "recuse", "start_verification",
                                "record_report"}
    assert "verifying" in err.message_en


def test_a_period_that_ran_out_can_be_neither_paused_nor_extended(eng: Engine) -> None:
    """Licheng art. 16 (appraisal time not counted — within the period) and art. 17
    (extension of a running investigation, head's approval): filed 2025-06-05, the
    investigation ends 2025-07-07 (30 days → Sat 07-05, rolled to Mon 07-07, Civil Code art.
    203).  On 07-07 itself both are allowed; from 07-08 both are refused with
    `timer.already_ended`, and nothing changes."""
    case, _ = run(eng, LICHENG_TO_VERIFYING)
    (inv,) = [d for d in eng.deadlines(case) if d.timer == "investigation"]
    assert inv.due == date(2025, 7, 7)
    for trigger, data in (("pause_clock", {"kind": "鉴定"}),
                          ("extend_investigation", {"days": "30", "approved_by": "局长"})):
        assert eng.decide(case, cmd(trigger, "2025-07-07", **data)).events
        with pytest.raises(Refused) as err:
            eng.decide(case, cmd(trigger, "2025-07-08", **data))
        assert err.value.code == "timer.already_ended"
        assert "2025-07-07 24:00 届满" in err.value.message_zh
        assert err.value.article == (
            "历城办法第十六条" if trigger == "pause_clock" else "历城办法第十七条")


def test_repeated_mistake_counts_only_an_earlier_exemption_under_this_procedure(
    eng: Engine,
) -> None:
    """历城办法第十二条第（五）项: "给予容错免责处理后再次出现同样失误" — an exemption (容错免责)
    already given, under this procedure.  A later decision, a lighter outcome, or another
    jurisdiction's decision for the same name and matter does not bar tolerance."""
    case, _ = run(eng, LICHENG_TO_VERIFYING)
    case = eng.decide(case, cmd("hear_statement", "2025-06-10")).state
    prior = {"subject": OPEN_DATA["subject"], "matter": OPEN_DATA["matter"], "case_id": "p",
             "number": "历城容错〔2025〕9号", "workflow": "licheng"}
    determine = cmd("determine", "2025-06-20", outcome="exempted", items="10.1")

    def decide(*priors: dict[str, str]) -> object:
        return eng.decide(case, determine, {"prior_tolerances": list(priors)})

    with pytest.raises(Refused) as err:
        decide({**prior, "outcome": "exempted", "decided_on": "2025-06-01"})
    assert err.value.code == "guard.repeated_mistake"
    assert decide({**prior, "outcome": "exempted", "decided_on": "2025-06-21"})  # later
    assert decide({**prior, "outcome": "lighter", "decided_on": "2025-06-01"})  # not 免责
    assert decide({**prior, "outcome": "exempted", "decided_on": "2025-06-01",
                   "workflow": "banan"})  # another procedure
