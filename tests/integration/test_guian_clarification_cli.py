"""贵安办法第十五条 澄清保护 through the CLI, on SQLite and PostgreSQL: a report is checked after
gathering opinions and hearing the unit or person reported (15(3)); a report found untrue,
unfounded or a minor breach not worth pursuing is clarified within a scope (15(1)); a
malicious accusation is referred for investigation (15(2)); no period (GUI-10)."""

from __future__ import annotations

import pytest

from tests.support.procedure_cli import Worker


@pytest.fixture
def w(db_url: str) -> Worker:
    worker = Worker(db_url, "guian_clarification", by="新区纪工委")
    worker.run("db", "upgrade")
    return worker


def _verifying(w: Worker) -> str:
    case: str = w.open("2026-04-27", "王某", "新区纪工委", "subject_kind=个人",
                       "matter=反映王某在招商中收受好处")
    w.fire(case, "record_report", "2026-04-27", "report_id=GA-XF-2026-3", "kind=实名",
           "allegation=收受好处", extra=("--reporter", "冯某某"))
    w.fire(case, "start_verification", "2026-04-28")
    return case


def test_walk_untrue_report_clarified_and_closed_with_no_deadline(w: Worker) -> None:
    case = _verifying(w)
    w.fire(case, "collect_opinions", "2026-04-29", "sources=项目单位、企业")
    w.fire(case, "hear_reported", "2026-04-30")
    # 05-01..05-05 is the Labour Day holiday: nothing is counted, so nothing moves
    w.fire(case, "conclude", "2026-05-06", "finding=失实")
    w.fire(case, "clarify", "2026-05-07", "method=召开会议", "scope=新区招商局")
    w.fire(case, "close", "2026-05-08")
    shown = w.show(case)
    assert (shown["state"], shown["deadlines"], shown["facts"]["clarified"]) == (
        "closed", [], "已澄清")
    assert "冯某某" not in str(shown)


def test_gui10_no_conclusion_before_the_opinions_and_the_hearing(w: Worker) -> None:
    case = _verifying(w)
    err = w.refused(case, "conclude", "2026-04-29", "finding=失实")
    assert (err["code"], err["article"]) == ("guard.fact", "贵安办法第十五条第（三）项")
    w.fire(case, "collect_opinions", "2026-04-29", "sources=s")
    err = w.refused(case, "conclude", "2026-04-29", "finding=失实")
    assert (err["code"], err["article"]) == ("guard.statement_before_determination",
                                             "贵安办法第十五条第（三）项")


def test_gui10_a_true_report_is_not_clarified_and_a_malicious_one_is_referred(w: Worker) -> None:
    case = _verifying(w)
    w.fire(case, "collect_opinions", "2026-04-29", "sources=s")
    w.fire(case, "hear_reported", "2026-04-29")
    w.fire(case, "conclude", "2026-04-30", "finding=属实")
    err = w.refused(case, "clarify", "2026-04-30", "method=谈心", "scope=s")
    assert (err["code"], err["article"]) == ("guard.fact", "贵安办法第十五条第（一）项")
    err = w.refused(case, "refer_false_accusation", "2026-04-30", "referred_to=纪工委",
                    "bad_effect=e")
    assert (err["code"], err["article"]) == ("guard.fact", "贵安办法第十五条第（二）项")
    other = _verifying(w)
    w.fire(other, "collect_opinions", "2026-04-29", "sources=s")
    w.fire(other, "hear_reported", "2026-04-29")
    w.fire(other, "conclude", "2026-04-30", "finding=恶意中伤诬陷")
    w.fire(other, "refer_false_accusation", "2026-04-30", "referred_to=新区纪工委",
           "bad_effect=在网络散布")
    w.fire(other, "close", "2026-05-06")
