"""蒲县行政执法统计制度 (seeds/001) — the annual report as a case through the CLI, on SQLite and
PostgreSQL: data and explanation before publication (第二条第四款), publication and filing with
their dates (第二条第三款), completion only once both are done; the 31 January deadline is the
obligation registry's (no case timer): `publish` and `file` fulfil pu.statistics_published /
pu.statistics_filed by the fact reporting_year, and a late filing is overdue on 1 February 2026
(31 January 2026 is a Saturday; no rollover)."""

from __future__ import annotations

import json

import pytest

from tests.support.procedure_cli import Worker

BODY = "蒲县市场监督管理局"


@pytest.fixture
def w(db_url: str) -> Worker:
    worker = Worker(db_url, "pu_statistics", by="统计工作负责人 刘某")
    worker.run("db", "upgrade")
    return worker


def _open(w: Worker, year: int = 2025, on: str = "2026-01-05") -> str:
    case: str = w.open(on, f"{BODY}{year}年度行政执法统计年报", BODY, f"reporting_year={year}")
    return case


def test_the_report_is_published_and_filed_and_has_no_case_timer(w: Worker) -> None:
    case = _open(w)
    assert w.deadlines(case) == {}
    err = w.refused(case, "publish", "2026-01-06", "channel=县政府网站")
    assert (err["code"], err["article"]) == ("guard.fact", "蒲县统计制度第二条第四款")
    w.fire(case, "compile_data", "2026-01-10", "data_ref=统计表2025.xlsx", "compiled_by=刘某",
           "counted_from=本系统事件记录")
    w.fire(case, "write_explanation", "2026-01-12", "explanation_ref=情况说明2025")
    err = w.refused(case, "complete", "2026-01-20")
    assert (err["code"], err["article"]) == ("guard.fact", "蒲县统计制度第二条第三款")
    w.fire(case, "publish", "2026-01-20", "channel=县政府网站")
    assert w.refused(case, "complete", "2026-01-20")["code"] == "guard.fact"  # not filed yet
    w.fire(case, "file", "2026-01-30", "filed_with=县司法局", "receipt_ref=备2026-7")
    w.fire(case, "complete", "2026-01-30")
    shown = w.show(case)
    assert (shown["state"], shown["closed"]) == ("completed", True)
    facts = shown["facts"]
    assert (facts["reporting_year"], facts["published_on"], facts["filed_on"]) == (
        2025, "2026-01-20", "2026-01-30")
    assert w.deadlines(case) == {}


def test_publish_and_file_fulfil_the_obligations_and_a_late_filing_is_overdue(
        w: Worker) -> None:
    """Published 2026-01-20 (on time), filed 2026-02-02: the sweep at 00:05 on 1 February marks
    the filing overdue once, citing 第四条第（一）项, and not the publication; afterwards both are
    done (the filing late)."""
    w.run("obligations", "register", "scjgj", "--name", BODY, "--kind", "enforcement_body",
          "--since", "2026-01-01", "--by", "县司法局 张科长")  # owes 2025's report
    case = _open(w)
    w.fire(case, "compile_data", "2026-01-10", "data_ref=统计表", "compiled_by=刘某",
           "counted_from=本系统事件记录")
    w.fire(case, "write_explanation", "2026-01-12", "explanation_ref=说明")
    w.fire(case, "publish", "2026-01-20", "channel=县政府网站")
    swept = json.loads(w.run("obligations", "sweep", "--now", "2026-02-01T00:05",
                             "--json").stdout)
    marks = {(n["obligation"], n["period"], n["notice"]) for n in swept["notices"]}
    assert ("pu.statistics_filed", "2025", "overdue") in marks
    assert next(n for n in swept["notices"] if n["obligation"] == "pu.statistics_filed")[
        "due"] == "2026-01-31"
    assert not any(m[0] == "pu.statistics_published" and m[2] == "overdue" for m in marks)
    w.fire(case, "file", "2026-02-02", "filed_with=县司法局")
    out = json.loads(w.run("obligations", "status", "--as-of", "2026-02-03", "--json").stdout)
    lines = {(x["obligation"], x["period"]): x for x in out}
    assert lines[("pu.statistics_published", "2025")]["done"] == 1
    assert lines[("pu.statistics_filed", "2025")]["done"] == 1
    again = json.loads(w.run("obligations", "sweep", "--now", "2026-02-03T00:05",
                             "--json").stdout)
    assert not any(n["obligation"].startswith("pu.statistics") for n in again["notices"])


def test_one_report_per_body_and_year(w: Worker) -> None:
    """STA-05: a second case for the same body and reporting year is refused (第二条第三款),
    naming the first; the next year's is a new case."""
    first = _open(w)
    number = w.show(first)["number"]
    res = w.open("2026-01-06", f"{BODY}2025年度年报（重复）", BODY, "reporting_year=2025",
                 ok=False)
    assert res.exit_code != 0 and number in res.output and "蒲县统计制度第二条第三款" in res.output
    _open(w, year=2026, on="2026-01-07")


def test_the_data_is_counted_by_the_system_and_kept_in_the_record(w: Worker) -> None:
    """第二条第四款、第三条: compile_data writes the year's figures for the body, counted from the
    event log — the same as `rongcuo report statistics --year 2025 --unit BODY` — into its event;
    a file of the body evaluated in 2025 (良好) is counted."""
    ev = Worker(w.db, "pu_casefile_evaluation", by="县司法局 张科长")
    file_case = ev.open("2025-10-09", "市监罚〔2025〕8号", BODY, "round_ref=2025年第2次全县评查",
                        "round_kind=县司法局组织", "case_type=行政处罚", "procedure=普通程序",
                        "file_closed_on=2025-09-01")
    for name in ("李评查", "王评查"):
        ev.fire(file_case, "assign_evaluator", "2025-10-09", f"evaluator={name}")
    ev.fire(file_case, "start_evaluation", "2025-10-10", "place=县司法局")
    ev.fire(file_case, "record_basic", "2025-10-10", "result=合格")
    ev.fire(file_case, "record_deduction", "2025-10-10", "item=P3.7.3", "reason=未载明")
    ev.fire(file_case, "record_deduction", "2025-10-10", "item=P2.5.2", "reason=未附证据")
    ev.fire(file_case, "score", "2025-10-11")
    case = _open(w)
    w.fire(case, "compile_data", "2026-01-10", "compiled_by=刘某", "counted_from=本系统事件记录")
    event = w.show(case)["events"][-1]
    figures = event["data"]["figures"]
    report = json.loads(w.run("report", "statistics", "--year", "2025", "--unit", BODY,
                              "--format", "json").stdout)
    assert figures == report["figures"]
    assert figures["evaluated"]["value"] == 1
    assert w.show(case)["facts"]["figures"] == figures


def test_a_step_before_the_compiled_data_is_amended_and_the_figures_stand(w: Worker) -> None:
    """更正 the compiled step: it is re-decided with the figures it recorded, which stand as
    counted; 撤销 it and compile again: the figures are counted anew."""
    case = _open(w)
    w.fire(case, "compile_data", "2026-01-10", "compiled_by=刘某", "counted_from=本系统事件记录")
    figures = w.show(case)["facts"]["figures"]
    w.run("case", "amend", case, "2", "--set", "compiled_by=王某", "--reason", "填报人笔误",
          "--by", "刘某", "--approved-by", "县司法局 张科长")
    assert w.show(case)["facts"]["figures"] == figures  # re-decided with what it recorded
    w.run("case", "void", case, "2", "--reason", "重新汇总", "--by", "刘某",
          "--approved-by", "县司法局 张科长")
    assert "figures" not in w.show(case)["facts"]
    w.fire(case, "compile_data", "2026-01-11", "compiled_by=刘某", "counted_from=本系统事件记录")
    assert w.show(case)["facts"]["figures"] == figures
