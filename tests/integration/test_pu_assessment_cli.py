"""蒲县综合行政执法队日常评议考核制度 (seeds/001) through the CLI, on SQLite and PostgreSQL: on
site (第五条第1项), the form with the eleven contents of 第四条 (第五条第2项), feedback and a
written objection (第五条第3项), the report reviewed and filed within 7 days (第五条第4项: the
case timer `filing`, from the review, rolled over), the results published (第三条第1项)."""

from __future__ import annotations

import json

import pytest

from tests.support.procedure_cli import Worker

FORM = tuple(f"findings_4_{n}=第{n}项情况良好" for n in range(1, 12))


@pytest.fixture
def w(db_url: str) -> Worker:
    worker = Worker(db_url, "pu_daily_assessment", by="城关镇人民政府 王主任")
    worker.run("db", "upgrade")
    return worker


def _fed_back(w: Worker) -> str:
    case: str = w.open("2026-09-14", "城关镇综合行政执法队", "城关镇人民政府",
                       "participants=王主任,赵队长", "unit_head=赵队长")
    w.fire(case, "fill_form", "2026-09-15", *FORM, "opinion=总体较好，案卷质量需提高",
           "evidence=日常监督、走访")
    w.fire(case, "give_feedback", "2026-09-16", "fed_back_to=赵队长")
    return case


def test_the_whole_assessment_with_the_report_filed_within_7_days(w: Worker) -> None:
    """ASM-01: reviewed 2026-09-24 → the seventh day (10-01) lies in 国庆 (10-01..10-07), so the
    filing is due 2026-10-08 (民法典第二百零三条); filed on 10-08 → met; closed once published."""
    case = _fed_back(w)
    assert w.deadlines(case) == {}
    w.fire(case, "form_report", "2026-09-22", "report_ref=城关镇评议考核情况报告〔2026〕3号")
    w.fire(case, "review", "2026-09-24", "reviewed_by=镇领导班子")
    assert w.deadlines(case) == {"filing": ("2026-10-08", "running")}
    w.fire(case, "file", "2026-10-08", "filed_with=县司法局")
    assert w.deadlines(case)["filing"][1] == "met"
    err = w.refused(case, "close", "2026-10-09")
    assert (err["code"], err["article"]) == ("guard.fact", "蒲县考核制度第三条第1项")
    w.fire(case, "publish_results", "2026-10-09", "scope=镇政府公示栏")
    w.fire(case, "close", "2026-10-09")
    shown = w.show(case)
    assert (shown["state"], shown["closed"]) == ("closed", True)
    form = shown["facts"]["form"]
    assert [k for k in form if k.startswith("4.")] == [f"4.{n}" for n in range(1, 12)]


def test_every_content_of_art_4_is_on_the_form(w: Worker) -> None:
    """ASM-05: a form without 第四条第7项 (案卷质量情况) is refused, naming the field."""
    case: str = w.open("2026-09-14", "城关镇综合行政执法队", "城关镇人民政府",
                       "participants=王主任", "unit_head=赵队长")
    res = w.fire(case, "fill_form", "2026-09-15",
                 *(f for f in FORM if not f.startswith("findings_4_7=")), "opinion=较好",
                 ok=False, extra=("--json",))
    assert res.exit_code != 0
    err = next(json.loads(x) for x in res.stderr.splitlines() if x.startswith("{"))
    assert err["error"].startswith("input.") and "findings_4_7" in json.dumps(err)


def test_after_a_written_objection_the_report_says_how_it_was_handled(w: Worker) -> None:
    """ASM-02: 第五条第3项 书面申诉 → form_report without objection_handling is refused."""
    case = _fed_back(w)
    w.fire(case, "object", "2026-09-18", "objection_ref=申诉函1号", "disputed_items=4.7")
    err = w.refused(case, "form_report", "2026-09-22", "report_ref=报告3号")
    assert (err["code"], err["article"]) == ("input.required_when", "蒲县考核制度第五条第3项")
    w.fire(case, "form_report", "2026-09-22", "report_ref=报告3号",
           "objection_handling=复核案卷后维持原分值并书面答复")
    assert w.show(case)["state"] == "report_formed"


def test_a_late_filing_is_marked_overdue_once_by_the_scheduler(w: Worker) -> None:
    """ASM-03: the sweep after 24:00 CST on 10-08 marks the filing overdue, once; filed on
    10-09 it is met late."""
    case = _fed_back(w)
    w.fire(case, "form_report", "2026-09-22", "report_ref=报告3号")
    w.fire(case, "review", "2026-09-24", "reviewed_by=镇领导班子")
    w.run("scheduler", "sweep", "--now", "2026-10-09T00:05")
    assert w.deadlines(case)["filing"] == ("2026-10-08", "overdue")
    notices = [e["data"].get("notice") for e in w.show(case)["events"]
               if e["trigger"] == "notice"]
    assert notices.count("overdue") == 1
    w.run("scheduler", "sweep", "--now", "2026-10-09T00:10")
    notices = [e["data"].get("notice") for e in w.show(case)["events"]
               if e["trigger"] == "notice"]
    assert notices.count("overdue") == 1
    w.fire(case, "file", "2026-10-09", "filed_with=县司法局")
    assert w.deadlines(case)["filing"][1] in ("met", "met_late")
