"""The audit bureau's procedure (审计局办法, seeds/002, first document) through the CLI, on
SQLite and PostgreSQL: 审计局党组 decides (art. 6) after the seven looks (art. 7(2)); every
tolerance needs the six conditions of art. 8 and a situation of art. 9; a case not tolerated
gets an explanation and reply (art. 10).  The source gives no period anywhere: no deadline is
ever shown (AUD-06).  Dates around the 2026 Spring Festival (02-15..02-23 off, 02-14 and
02-28 worked) — they change nothing here, since nothing is counted."""

from __future__ import annotations

import pytest

from tests.support.procedure_cli import Worker

LOOKS = (
    "motive=出以公心", "motive_reason=为保障审计现场用电采购发电机",
    "timing=明令禁止前实施", "timing_reason=采购时无禁止性规定",
    "direction=符合决策部署", "direction_reason=执行局党组应急部署",
    "procedure=履行程序", "procedure_reason=事后补办采购审批",
    "cause=无心过失", "cause_reason=紧急情况下临机决断",
    "consequence=轻微负面影响", "consequence_reason=多支出1.2万元",
    "handling=积极主动消除影响挽回损失", "handling_reason=已追回差价",
)
ALL_8 = "8.1,8.2,8.3,8.4,8.5,8.6"


@pytest.fixture
def w(db_url: str) -> Worker:
    worker = Worker(db_url, "audit_bureau", by="审计局党组")
    worker.run("db", "upgrade")
    return worker


def _deliberating(w: Worker) -> str:
    case: str = w.open("2026-02-12", "李某", "某县审计局", "matter=应急采购未按程序审批",
                       "subject_kind=个人", "source=内部巡查发现")
    assert w.deadlines(case) == {}
    w.fire(case, "start_deliberation", "2026-02-24", "meeting_on=2026-02-24")
    return case


def test_walk_exempted_from_open_to_closed_with_no_deadline_at_any_step(w: Worker) -> None:
    """AUD-06 and the walk: open → deliberate → seven looks → determine exempted (9.1 + all of
    8) → close; ``deadlines`` is empty after every step (no timer is invented)."""
    case = _deliberating(w)
    assert w.deadlines(case) == {}
    w.fire(case, "assess_seven_looks", "2026-02-26", *LOOKS)
    assert w.deadlines(case) == {}
    w.fire(case, "determine", "2026-03-02", "outcome=exempted", f"items=9.1,{ALL_8}",
           "minutes_ref=党组会议纪要〔2026〕3号")
    assert w.deadlines(case) == {}
    # an exempted case gets no explanation (art. 10 is for cases not tolerated)
    err = w.refused(case, "explain", "2026-03-03", "explanation=x", "explained_to=李某",
                    "liability_ref=x")
    assert (err["code"], err["article"]) == ("guard.outcome", "审计局办法第十条")
    w.fire(case, "close", "2026-03-03")
    shown = w.show(case)
    assert (shown["state"], shown["closed"], shown["deadlines"]) == ("closed", True, [])
    assert [e["trigger"] for e in shown["events"]] == [
        "open", "start_deliberation", "assess_seven_looks", "determine", "close"]
    looks = shown["facts"]["seven_looks"]
    assert [x["look"] for x in looks] == ["初衷", "节点", "方向", "程序", "缘由", "后果", "处置"]
    assert looks[0] == {"look": "初衷", "finding": "出以公心",
                        "reason": "为保障审计现场用电采购发电机"}


def test_aud01_determine_before_the_seven_looks_is_refused(w: Worker) -> None:
    case = _deliberating(w)
    err = w.refused(case, "determine", "2026-03-02", "outcome=exempted", f"items=9.1,{ALL_8}",
                    "minutes_ref=纪要")
    assert (err["code"], err["article"]) == ("guard.fact", "审计局办法第七条第（二）项")


def test_aud02_exempted_needs_every_condition_of_art_8(w: Worker) -> None:
    case = _deliberating(w)
    w.fire(case, "assess_seven_looks", "2026-02-26", *LOOKS)
    err = w.refused(case, "determine", "2026-03-02", "outcome=exempted",
                    "items=9.1,8.1,8.3,8.4,8.5,8.6", "minutes_ref=纪要")
    assert (err["code"], err["article"]) == ("guard.conditions_not_met", "审计局办法第八条、第九条")
    assert err["details"]["missing"] == ["8.2"]
    # the same for mitigated and lighter: the six conditions bind every tolerance (art. 8)
    for outcome, article in (("mitigated", "审计局办法第八条、第九条"),
                             ("lighter", "审计局办法第二条、第八条、第九条")):
        err = w.refused(case, "determine", "2026-03-02", f"outcome={outcome}",
                        "items=9.1,8.1,8.3,8.4,8.5,8.6", "minutes_ref=纪要")
        assert (err["code"], err["article"]) == ("guard.conditions_not_met", article)
    # and a situation of art. 9 is needed besides
    err = w.refused(case, "determine", "2026-03-02", "outcome=exempted", f"items={ALL_8}",
                    "minutes_ref=纪要")
    assert err["code"] == "guard.conditions_not_met" and err["details"]["missing"] == ["9.*"]
    w.fire(case, "determine", "2026-03-02", "outcome=exempted", f"items=9.1,{ALL_8}",
           "minutes_ref=纪要")


def test_aud03_item_9_2_needs_the_report_and_the_ratification(w: Worker) -> None:
    case = _deliberating(w)
    w.fire(case, "assess_seven_looks", "2026-02-26", *LOOKS)
    err = w.refused(case, "determine", "2026-03-02", "outcome=mitigated", f"items=9.2,{ALL_8}",
                    "minutes_ref=纪要", "report_to_party=2026-01-20 书面报告局党组")
    assert (err["code"], err["article"]) == ("input.required_when", "审计局办法第九条第（二）项")
    assert "ratification" in err["message_zh"]
    w.fire(case, "determine", "2026-03-02", "outcome=mitigated", f"items=9.2,{ALL_8}",
           "minutes_ref=纪要", "report_to_party=2026-01-20 书面报告局党组",
           "ratification=2026-01-28 党组会议追认")
    assert w.show(case)["facts"]["outcome"] == "mitigated"


def test_aud04_not_tolerated_is_explained_before_it_is_closed(w: Worker) -> None:
    """Art. 10: "党组织应当及时给予解释答复，并…追究相关人员责任"; a not-tolerated conclusion
    rests on a recorded reason (C15): unmet conditions, no situation of art. 9, or 7.4."""
    case = _deliberating(w)
    w.fire(case, "assess_seven_looks", "2026-02-26", *LOOKS)
    err = w.refused(case, "determine", "2026-03-02", "outcome=not_tolerated", "minutes_ref=纪要")
    assert (err["code"], err["article"]) == ("guard.not_tolerated_without_reason",
                                             "审计局办法第八条、第十条")
    # a condition both met and unmet is refused; a tolerance with an unmet condition too
    err = w.refused(case, "determine", "2026-03-02", "outcome=not_tolerated", "items=8.3",
                    "unmet_conditions=8.3", "minutes_ref=纪要")
    assert err["code"] == "guard.not_tolerated_without_reason"
    err = w.refused(case, "determine", "2026-03-02", "outcome=exempted", f"items=9.1,{ALL_8}",
                    "unmet_conditions=8.2", "minutes_ref=纪要")
    assert err["code"] in ("guard.not_tolerated_without_reason", "guard.conditions_not_met")
    w.fire(case, "determine", "2026-03-02", "outcome=not_tolerated", "items=8.1,8.2",
           "unmet_conditions=8.3,8.4", "minutes_ref=纪要")
    assert w.show(case)["facts"]["unmet_conditions"] == ["8.3", "8.4"]
    err = w.refused(case, "close", "2026-03-03")
    assert (err["code"], err["article"]) == ("guard.outcome", "审计局办法第十条")
    w.fire(case, "explain", "2026-03-03", "explanation=不符合第八条第（三）、（四）项",
           "explained_to=李某", "liability_ref=依纪律处分条例给予警告")
    w.fire(case, "close", "2026-03-04")
    assert w.show(case)["state"] == "closed" and w.deadlines(case) == {}


def test_not_tolerated_may_rest_on_no_situation_or_on_item_7_4(w: Worker) -> None:
    """[reading] 第七条第（四）项 is a reason of its own; 第十条 "认定不符合容错情形"."""
    for sets in (("no_situation=不属于第九条任何情形",), ("items=7.4",)):
        case = _deliberating(w)
        w.fire(case, "assess_seven_looks", "2026-02-26", *LOOKS)
        w.fire(case, "determine", "2026-03-02", "outcome=not_tolerated", "minutes_ref=纪要", *sets)
        assert w.show(case)["facts"]["outcome"] == "not_tolerated"


def test_aud05_the_seven_looks_do_not_decide_the_outcome(w: Worker) -> None:
    """Every look on its negative pole, with exempted and all of art. 8: recorded, not refused
    — the looks are a standard for the party group, the conditions guard is what binds."""
    case = _deliberating(w)
    negative = ("motive=源于私利", "motive_reason=r", "timing=明令禁止后有令不行",
                "timing_reason=r",
                "direction=上有政策下有对策", "direction_reason=r", "procedure=破坏规则",
                "procedure_reason=r", "cause=有心之过", "cause_reason=r",
                "consequence=不可挽回的严重危害", "consequence_reason=r",
                "handling=掩盖过失知错不改", "handling_reason=r")
    w.fire(case, "assess_seven_looks", "2026-02-26", *negative)
    w.fire(case, "determine", "2026-03-02", "outcome=exempted", f"items=9.1,{ALL_8}",
           "minutes_ref=纪要")
    facts = w.show(case)["facts"]
    assert facts["outcome"] == "exempted"
    assert next(x["finding"] for x in facts["seven_looks"]) == "源于私利"


def test_a_look_without_its_reason_is_refused(w: Worker) -> None:
    case = _deliberating(w)
    err = w.refused(case, "assess_seven_looks", "2026-02-26", *LOOKS[:-1])
    assert err["code"] == "input.missing_field" and err["details"]["key"] == "handling_reason"
