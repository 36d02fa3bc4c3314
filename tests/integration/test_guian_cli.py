"""贵安新区容错纠错实施办法（试行） (seeds/002, second document) through the CLI, on SQLite and
PostgreSQL: application during the investigation (art. 8(1)), the team and its report
(8(2)), the conclusion with a preliminary opinion that takes effect only once the same-level
committee approves (8(3)), feedback and publication of exemptions (8(3)), notice to the
organisation (personnel) departments (8(4)), all six conditions of art. 7 for any tolerance,
tolerance once for the same work and problem (art. 12, by the normalised matter key),
correction and return visits (art. 13).  No period anywhere: no deadline (GUI-09).  Dates
around the 2026 Spring Festival (02-15..02-23 off) and Labour Day (05-01..05-05 off) — nothing
is counted, so they only prove that no date is moved."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.procedure_cli import Worker

ALL_7 = "7.1,7.2,7.3,7.4,7.5,7.6"
FACTORS = ("preliminary_opinion=建议免责", "nature=工作失误", "timing=政策调整前",
           "motive=推进招商", "cause=容缺受理", "consequence=损失较小", "procedure=经集体研究",
           "policy_basis=符合新区部署")
APPROVAL = ("approving_body=党工委", "minutes_ref=党工委会议纪要〔2026〕5号")


@pytest.fixture
def w(db_url: str) -> Worker:
    worker = Worker(db_url, "guian", by="新区纪工委")
    worker.run("db", "upgrade")
    return worker


def _open(w: Worker, on: str = "2026-02-10", subject: str = "王某",
          key: str = "招商引资 （A区）项目容缺受理") -> str:
    case: str = w.open(on, subject, "新区纪工委", "subject_kind=个人",
                       "matter=招商引资A区项目容缺受理失误", f"matter_key={key}")
    return case


def _reported(w: Worker, case: str, on: tuple[str, str, str] = ("2026-02-12", "2026-02-13",
                                                                 "2026-02-24")) -> None:
    w.fire(case, "apply", on[0], "applicant=王某", "received_by=纪检监察机关",
           "claimed_items=6.4")
    w.fire(case, "assign_team_member", on[0], "member=张组长", "role=组长")
    w.fire(case, "collect_opinions", on[1], "sources=项目单位、投资方")
    w.fire(case, "hear_applicant", on[1], "record_ref=谈话笔录1号")
    w.fire(case, "submit_report", on[2], "report_ref=调查报告〔2026〕1号",
           "findings=符合6.4及第七条")


def _approved(w: Worker, outcome: str = "exempted", conclude_on: str = "2026-02-26",
              approve_on: str = "2026-03-02", **kw: Any) -> str:
    case = _open(w, **kw)
    _reported(w, case)
    w.fire(case, "conclude", conclude_on, f"outcome={outcome}", f"items=6.4,{ALL_7}", *FACTORS)
    w.fire(case, "approve", approve_on, f"outcome={outcome}", f"items=6.4,{ALL_7}", *APPROVAL)
    return case


def test_gui01_walk_exempted_from_open_to_closed_with_no_deadline_at_any_step(w: Worker) -> None:
    """GUI-01 and GUI-09: open → apply → team of one → opinions → hear → report → conclude
    exempted (6.2, 7.1–7.6) → approve → feed back → publish → notify departments → decide
    correction 责令改正 → return visit → complete → publish the correction → close."""
    case = _open(w)
    steps: list[tuple[str, str, tuple[str, ...]]] = [
        ("apply", "2026-02-12",
         ("applicant=王某", "received_by=纪检监察机关", "claimed_items=6.2")),
        ("assign_team_member", "2026-02-12", ("member=张组长", "role=组长")),
        ("collect_opinions", "2026-02-13", ("sources=项目单位",)),
        ("hear_applicant", "2026-02-14", ("record_ref=笔录",)),  # 02-14: a worked Saturday
        ("submit_report", "2026-02-24", ("report_ref=调查报告", "findings=符合")),
        ("conclude", "2026-02-26", ("outcome=exempted", f"items=6.2,{ALL_7}", *FACTORS)),
        ("approve", "2026-03-02", ("outcome=exempted", f"items=6.2,{ALL_7}", *APPROVAL)),
        ("feed_back", "2026-03-03", ("fed_back_to=王某本人",)),
        ("publish", "2026-03-04", ("scope=新区机关内部", "medium=内网")),
        ("notify_departments", "2026-03-04", ("organisation_department=新区政治部",)),
        ("decide_correction", "2026-03-05", ("deciding_body=纪检监察机关", "measure=责令改正",
                                             "requirements=完善容缺受理台账")),
        ("return_visit", "2026-04-30", ("findings=台账已建立",)),
        ("complete_correction", "2026-05-06", ("completion=整改完成",)),
        ("publish_correction", "2026-05-07", ("scope=新区机关内部",)),
        ("close", "2026-05-08", ()),
    ]
    assert w.deadlines(case) == {}
    for trigger, on, sets in steps:
        w.fire(case, trigger, on, *sets)
        assert w.deadlines(case) == {}, f"after {trigger}"
    shown = w.show(case)
    assert (shown["state"], shown["closed"]) == ("closed", True)
    assert [e["trigger"] for e in shown["events"]] == ["open", *(s[0] for s in steps)]
    facts = shown["facts"]
    assert (facts["outcome"], facts["determined_on"]) == ("exempted", "2026-03-02")
    assert facts["team"] == [{"member": "张组长", "role": "组长", "assigned_on": "2026-02-12"}]
    assert facts["matter_key"] == "招商引资a区项目容缺受理"


def test_gui02_every_tolerance_needs_all_six_conditions_of_art_7(w: Worker) -> None:
    case = _open(w)
    _reported(w, case)
    for outcome in ("lighter", "mitigated", "exempted"):
        err = w.refused(case, "conclude", "2026-02-26", f"outcome={outcome}",
                        "items=6.4,7.1,7.2,7.3,7.4,7.5", *FACTORS)
        assert (err["code"], err["article"]) == ("guard.conditions_not_met",
                                                 "贵安办法第六条、第七条")
        assert err["details"]["missing"] == ["7.6"]


def test_gui03_the_application_is_made_during_the_investigation(w: Worker) -> None:
    case = _open(w)
    w.fire(case, "end_without_application", "2026-02-12", "reason=调查期间未申请")
    err = w.refused(case, "apply", "2026-02-13", "applicant=王某", "received_by=纪检监察机关")
    assert err["code"] == "case.closed"
    other = _open(w)
    _reported(w, other)
    err = w.refused(other, "apply", "2026-02-25", "applicant=王某", "received_by=纪检监察机关")
    assert err["code"] == "case.wrong_state"


def test_gui04_the_report_needs_the_opinions_and_the_applicant_heard(w: Worker) -> None:
    case = _open(w)
    w.fire(case, "apply", "2026-02-12", "applicant=王某", "received_by=组织人事部门")
    err = w.refused(case, "submit_report", "2026-02-13", "report_ref=r", "findings=f")
    assert (err["code"], err["article"]) == ("guard.min_investigators", "贵安办法第八条第（二）项")
    w.fire(case, "assign_team_member", "2026-02-12", "member=张组长")
    err = w.refused(case, "submit_report", "2026-02-13", "report_ref=r", "findings=f")
    assert (err["code"], err["article"]) == ("guard.fact", "贵安办法第八条第（二）项")
    w.fire(case, "collect_opinions", "2026-02-13", "sources=s")
    err = w.refused(case, "submit_report", "2026-02-13", "report_ref=r", "findings=f")
    assert (err["code"], err["article"]) == ("guard.statement_before_determination",
                                             "贵安办法第八条第（二）项")
    w.fire(case, "hear_applicant", "2026-02-13")
    w.fire(case, "submit_report", "2026-02-13", "report_ref=r", "findings=f")


def test_an_exemption_takes_effect_only_once_the_committee_approves(w: Worker) -> None:
    """8(3) "报同级党委（党工委）研究批准": the conclusion is a proposal; nothing reads it as a
    tolerance — not the outcome fact, not publication, not a later case's art. 12 check."""
    case = _open(w)
    _reported(w, case)
    w.fire(case, "conclude", "2026-02-26", "outcome=exempted", f"items=6.4,{ALL_7}", *FACTORS)
    facts = w.show(case)["facts"]
    assert "outcome" not in facts and facts["proposed_outcome"] == "exempted"
    err = w.refused(case, "publish", "2026-02-27", "scope=s")
    assert err["code"] == "case.wrong_state"
    err = w.refused(case, "feed_back", "2026-02-27", "fed_back_to=王某")
    assert err["code"] == "case.wrong_state"
    # a second case on the same work and problem is not blocked by an unapproved proposal
    later = _open(w, on="2026-04-01")
    _reported(w, later, ("2026-04-02", "2026-04-03", "2026-04-07"))
    w.fire(later, "conclude", "2026-04-08", "outcome=exempted", f"items=6.4,{ALL_7}", *FACTORS)


def test_gui05_the_committee_changes_the_proposal_and_the_steps_follow_it(w: Worker) -> None:
    """[reading G3] the committee does not approve the exemption proposed: its decision
    (lighter) is the outcome; publication is then refused (8(3) is for exemptions), the
    departments' notice is still required before closing (8(4) 减责)."""
    case = _open(w)
    _reported(w, case)
    w.fire(case, "conclude", "2026-02-26", "outcome=exempted", f"items=6.4,{ALL_7}", *FACTORS)
    w.fire(case, "approve", "2026-03-02", "outcome=lighter", f"items=6.4,{ALL_7}", *APPROVAL,
           "changed=true")
    facts = w.show(case)["facts"]
    assert (facts["outcome"], facts["proposed_outcome"], facts["changed"]) == (
        "lighter", "exempted", True)
    w.fire(case, "feed_back", "2026-03-03", "fed_back_to=王某")
    err = w.refused(case, "publish", "2026-03-04", "scope=s")
    assert (err["code"], err["article"]) == ("guard.outcome", "贵安办法第八条第（三）项")
    err = w.refused(case, "close", "2026-03-04")
    assert (err["code"], err["article"]) == ("guard.fact_required_when", "贵安办法第八条第（四）项")
    w.fire(case, "notify_departments", "2026-03-04", "organisation_department=新区政治部")
    w.fire(case, "close", "2026-03-05")


def test_a_refused_approval_is_checked_again_on_the_outcome_approved(w: Worker) -> None:
    """The committee's outcome passes the same guards: a not-tolerated decision needs its
    reason (C15), recorded as the conditions not met."""
    case = _open(w)
    _reported(w, case)
    w.fire(case, "conclude", "2026-02-26", "outcome=exempted", f"items=6.4,{ALL_7}", *FACTORS)
    err = w.refused(case, "approve", "2026-03-02", "outcome=not_tolerated", *APPROVAL)
    assert (err["code"], err["article"]) == ("guard.not_tolerated_without_reason",
                                             "贵安办法第七条、第八条第（二）项")
    w.fire(case, "approve", "2026-03-02", "outcome=not_tolerated", "items=6.4,7.1,7.2",
           "unmet_conditions=7.5", *APPROVAL, "changed=true")
    w.fire(case, "feed_back", "2026-03-03", "fed_back_to=王某")
    # GUI-07 (second half): a not-tolerated case closes without the departments' notice
    w.fire(case, "close", "2026-03-04")
    assert w.show(case)["state"] == "closed"


def test_gui06_tolerance_once_for_the_same_work_and_problem(w: Worker) -> None:
    """Art. 12 "只适用一次容错免责" [reading G1]: a second exemption of the same subject for the
    same matter key is refused citing art. 12; a lighter outcome is not; the key is compared
    normalised (spaces, brackets and case do not make another matter); a prior exemption
    approved after this decision does not count."""
    _approved(w, approve_on="2026-03-02")
    case = _open(w, on="2026-04-20", key="招商引资(a区)项目 容缺受理")
    _reported(w, case, ("2026-04-21", "2026-04-22", "2026-04-27"))
    err = w.refused(case, "conclude", "2026-04-28", "outcome=exempted", f"items=6.4,{ALL_7}",
                    *FACTORS)
    assert (err["code"], err["article"]) == ("guard.repeated_mistake", "贵安办法第十二条")
    w.fire(case, "conclude", "2026-04-28", "outcome=lighter", f"items=6.4,{ALL_7}", *FACTORS)
    err = w.refused(case, "approve", "2026-05-06", "outcome=exempted", f"items=6.4,{ALL_7}",
                    *APPROVAL)
    assert (err["code"], err["article"]) == ("guard.repeated_mistake", "贵安办法第十二条")
    w.fire(case, "approve", "2026-05-06", "outcome=lighter", f"items=6.4,{ALL_7}", *APPROVAL)
    # another subject, or another matter key, is another matter
    other = _approved(w, subject="赵某", conclude_on="2026-02-26", approve_on="2026-03-02")
    assert w.show(other)["facts"]["outcome"] == "exempted"


def test_gui06_a_prior_exemption_approved_later_does_not_count(w: Worker) -> None:
    _approved(w, approve_on="2026-06-01")
    case = _open(w, on="2026-04-20")
    _reported(w, case, ("2026-04-21", "2026-04-22", "2026-04-27"))
    w.fire(case, "conclude", "2026-04-28", "outcome=exempted", f"items=6.4,{ALL_7}", *FACTORS)
    w.fire(case, "approve", "2026-05-06", "outcome=exempted", f"items=6.4,{ALL_7}", *APPROVAL)
    assert w.show(case)["facts"]["outcome"] == "exempted"


def test_gui07_an_exempted_case_is_closed_only_once_published(w: Worker) -> None:
    case = _approved(w)
    w.fire(case, "feed_back", "2026-03-03", "fed_back_to=王某")
    w.fire(case, "notify_departments", "2026-03-04", "organisation_department=新区政治部")
    err = w.refused(case, "close", "2026-03-04")
    assert (err["code"], err["article"]) == ("guard.fact_required_when", "贵安办法第八条第（三）项")
    w.fire(case, "publish", "2026-03-05", "scope=新区机关")
    w.fire(case, "close", "2026-03-05")


def test_a_formal_correction_is_closed_after_the_return_visit_and_its_publication(
    w: Worker,
) -> None:
    """Art. 13 ¶2: the body that decided the correction visits and publishes the result."""
    case = _approved(w, outcome="mitigated")
    w.fire(case, "feed_back", "2026-03-03", "fed_back_to=王某")
    w.fire(case, "notify_departments", "2026-03-04", "organisation_department=新区政治部")
    w.fire(case, "decide_correction", "2026-03-05", "deciding_body=党工委", "measure=诫勉纠错",
           "requirements=建立制度")
    err = w.refused(case, "complete_correction", "2026-03-06", "completion=c")
    assert (err["code"], err["article"]) == ("guard.fact", "贵安办法第十三条")
    w.fire(case, "return_visit", "2026-03-06", "findings=已整改")
    w.fire(case, "complete_correction", "2026-03-06", "completion=c")
    err = w.refused(case, "close", "2026-03-07")
    assert (err["code"], err["article"]) == ("guard.fact", "贵安办法第十三条")
    w.fire(case, "publish_correction", "2026-03-07", "scope=新区机关")
    w.fire(case, "close", "2026-03-07")


def test_the_matter_key_is_refused_when_nothing_is_left_of_it(w: Worker) -> None:
    res = w.open("2026-02-10", "王某", "新区纪工委", "subject_kind=个人", "matter=m",
                 "matter_key= ·、（） ", ok=False)
    assert res.exit_code != 0 and "matter_key" in res.stderr
