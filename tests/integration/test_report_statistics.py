"""`rongcuo report statistics` and `report tolerance` (蒲县统计制度第二条; 历城办法第十八条、
第十九条): the workbook opens with openpyxl and every figure equals a count over the event
log done here, independently of the report's queries."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from PIL import Image

from rongcuo.bootstrap import App
from rongcuo.clock import CST, FixedClock
from rongcuo.entrypoints.cli.main import cli
from rongcuo.scheduler.sweep import Sweeper
from tests.support.walks import Step, licheng_to_determined, walk_licheng

YEAR = 2025
MARKET = "区市场监管局"


def _decided(outcome: str, items: str, determined: str, notify: bool = True) -> tuple[Step, ...]:
    steps: tuple[Step, ...] = (
        ("file", "2025-09-28", {}),
        ("assign_investigator", "2025-09-29", {"investigator": "李四"}),
        ("assign_investigator", "2025-09-29", {"investigator": "王五"}),
        ("start_verification", "2025-09-30", {}),
        ("hear_statement", "2025-10-09", {}),
        ("determine", determined, {"outcome": outcome, "items": items}),
    )
    return (*steps, ("notify", determined, {"received_on": determined})) if notify else steps


@pytest.fixture
def history(app: App, clock: FixedClock) -> App:
    """Five Licheng cases of 2025 — exempted and corrected, lighter, not tolerated, one decided
    only in January 2026, one whose notice period ran out — and the sweep that marked it."""
    walk_licheng(app, clock)  # 区综合行政执法局: exempted, corrected, archived
    walk_licheng(app, clock, subject="李某", agency=MARKET,
                 script=_decided("lighter", "10.3,11.1", "2025-10-30"))
    walk_licheng(app, clock, subject="王某", agency=MARKET,
                 script=_decided("not_tolerated", "12.1", "2025-11-03"))
    walk_licheng(app, clock, subject="赵某",
                 script=_decided("duty_fulfilled", "9.1", "2026-01-12", notify=False))
    licheng_to_determined(app, opened=date(2025, 12, 1), determined=date(2025, 12, 2),
                          agency="区城管局")
    clock.set(datetime(2025, 12, 15, 10, tzinfo=CST))  # the 7-day notice (art. 17) ran out
    Sweeper(app).sweep(clock.now())
    return app


def _by_event_log(app: App, year: int, agency: str | None = None) -> dict[str, Any]:
    """The figures, counted here from the raw event log (not through the report's SQL)."""
    events = list(app.store.iter_events())
    agency_of = {e.case_id: e.data["agency"] for e in events if e.seq == 1}
    mine = [e for e in events if e.on.year == year
            and (agency is None or agency_of[e.case_id] == agency)]
    last: dict[str, str] = {}
    for e in mine:  # in global order: the last decision in the year wins
        if "outcome" in e.data:
            last[e.case_id] = e.data["outcome"]
    return {
        "opened": sum(1 for e in mine if e.seq == 1),
        "by_agency": Counter(agency_of[e.case_id] for e in mine if e.seq == 1),
        "outcomes": Counter(last.values()),
        "overdue": sum(1 for e in mine if e.type == "DeadlineOverdue"),
        "corrections": sum(1 for e in mine if e.type == "CorrectionCompleted"),
        "closed": sum(1 for e in mine if e.type in ("CaseArchived", "CaseClosed")),
    }


def _sheet(wb: openpyxl.Workbook, name: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in wb[name].iter_rows(values_only=True)]


def _figures(wb: openpyxl.Workbook) -> dict[str, Any]:
    return {r[0]: r[1] for r in _sheet(wb, "汇总") if r and r[0] and len(r) > 1}


def test_the_workbook_figures_equal_a_count_over_the_event_log(
        history: App, db_url: str, tmp_path: Path) -> None:
    """蒲县统计制度第二条 (行政执法数据): the .xlsx opens with openpyxl; cases opened, decisions by
    outcome — exempted ones apart, 不作为执法错误认定 (历城办法第十八条) — overdue steps,
    corrections and closings, overall and by agency, equal the log's own counts; its chart is
    a real PNG image embedded in the workbook."""
    out = tmp_path / "stats.xlsx"
    res = CliRunner().invoke(cli, ["report", "statistics", "--year", str(YEAR), "--format",
                                   "xlsx", "--output", str(out), "--db", db_url])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    expect = _by_event_log(history, YEAR)
    figures = _figures(wb)
    assert figures["受理（立案）案件"] == expect["opened"] == 5
    assert figures["作出认定"] == sum(expect["outcomes"].values()) == 4  # 赵某: in 2026
    assert figures["其中容错免责（不作为执法错误认定）"] == expect["outcomes"]["exempted"] == 2
    assert figures["逾期环节"] == expect["overdue"] >= 1
    assert figures["完成纠错整改"] == expect["corrections"] == 1
    assert figures["办结（归档）"] == expect["closed"] == 1
    outcomes = {r[0]: (r[2], r[3]) for r in _sheet(wb, "按认定结果")[1:] if r[0]}
    assert {k: v[0] for k, v in outcomes.items() if v[0] is not None} == dict(expect["outcomes"])
    assert outcomes["exempted"][1] == "不作为执法错误认定"
    agencies = {r[0]: r[1] for r in _sheet(wb, "按机关")[1:] if r[0]}
    assert agencies == dict(expect["by_agency"])
    images = wb["图表"]._images
    assert len(images) == 3
    png = Image.open(io.BytesIO(images[0]._data()))
    assert png.format == "PNG" and png.width > 300


def test_one_agency_s_statistics_count_only_its_cases(history: App, db_url: str) -> None:
    """`--unit` restricts every figure to one agency's cases (JSON output, same numbers)."""
    res = CliRunner().invoke(cli, ["report", "statistics", "--year", str(YEAR), "--unit",
                                   MARKET, "--format", "json", "--db", db_url])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    expect = _by_event_log(history, YEAR, MARKET)
    assert doc["figures"]["opened"]["value"] == expect["opened"] == 2
    assert doc["figures"]["decided"]["value"] == sum(expect["outcomes"].values()) == 2
    assert doc["figures"]["exempted"]["value"] == 0


def test_the_tolerance_report_counts_the_period(history: App, db_url: str) -> None:
    """历城办法第十九条: the report for 2025-Q4 counts the decisions, overdue steps and
    corrections of October–December 2025; 2026-Q1 holds only the January decision."""
    q4 = CliRunner().invoke(cli, ["report", "tolerance", "--period", "2025-Q4", "--format",
                                  "json", "--db", db_url])
    assert q4.exit_code == 0, q4.output
    doc = json.loads(q4.output)
    assert doc["params"]["from"] == "2025-10-01" and doc["params"]["to"] == "2025-12-31"
    assert doc["figures"]["decided"]["value"] == 4
    assert doc["figures"]["exempted"]["value"] == 2
    assert doc["figures"]["corrections"]["value"] == 1
    q1 = json.loads(CliRunner().invoke(cli, ["report", "tolerance", "--period", "2026-Q1",
                                             "--format", "json", "--db", db_url]).output)
    assert q1["tables"]["by_outcome"]["rows"] == [["duty_fulfilled", "履职尽责", 1, ""]]


def test_a_period_that_is_not_one_is_refused(db_url: str) -> None:
    """A mistyped period is refused with an example, nothing counted."""
    res = CliRunner().invoke(cli, ["report", "tolerance", "--period", "2026-H3", "--db",
                                   db_url])
    assert res.exit_code == 3 and "2026-H1" in res.output
