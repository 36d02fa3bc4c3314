"""Issue 15 §5 — readable for the people who read it, through the CLI: values in Chinese
(no ``['10.2']``, ``True``, ``due_at``, ``swept_at``, ``expiry_refused=guard.fact``), recording
times in CST, the history by business date with the recording order shown, an impossible
month named, a case file with a font stack that renders Chinese and fixed column widths, and
no raw log line on the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import structlog
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo import logging as rlog
from rongcuo.entrypoints.cli.main import cli
from tests.integration.test_case_cli import Worker


@pytest.fixture
def worker(db_url: str) -> Worker:
    w = Worker(db_url)
    w.run("db", "upgrade")
    return w


def _determined(w: Worker) -> str:
    case = w.open("2025-09-26", "matter=超期作出行政处罚决定", "source=supervision_case")
    w.fire(case, "file", "2025-09-29")
    w.fire(case, "assign_investigator", "2025-09-30", "investigator=李明")
    w.fire(case, "assign_investigator", "2025-09-30", "investigator=赵芳")
    w.fire(case, "start_verification", "2025-10-09")
    w.fire(case, "hear_statement", "2025-10-15")
    w.fire(case, "determine", "2025-10-24", "outcome=exempted", "items=10.2",
           "correction_required=true")
    return case


INTERNAL = ("['", "True", "False", "due_at", "swept_at", "expiry_refused", "from_state",
            "to_state", "+00:00")


def test_chinese_views_show_values_in_chinese_and_times_in_cst(worker: Worker) -> None:
    case = _determined(worker)
    worker.run("scheduler", "sweep", "--now", "2025-12-01T00:05")
    shown = worker.run("case", "show", case).stdout
    history = worker.run("case", "history", case).stdout
    for text in (shown, history):
        for raw in INTERNAL:
            assert raw not in text, (raw, text)
    assert "认定结果：容错免责" in history and "是否需要纠错：是" in history
    assert "来源：执法监督案件" in history
    assert "（北京时间）" in history  # TODAY is 2026-01-10 10:00 CST
    assert "记录于 2026-01-10 10:00:00（北京时间）" in history
    assert "补记：服务中断后补记" in history


def test_history_is_by_business_date_with_the_recording_order(worker: Worker) -> None:
    case = worker.open("2025-09-26", "matter=超期作出行政处罚决定")
    worker.run("scheduler", "sweep", "--now", "2025-10-09T00:05")  # the filing period lapses
    history = worker.run("case", "history", case).stdout.splitlines()
    assert "首列为记录顺序号" in history[0]
    rows = [ln.split() for ln in history[1:]]
    dates = [r[1] for r in rows]
    assert dates == sorted(dates)
    assert [int(r[0]) for r in rows] == sorted(int(r[0]) for r in rows)


def test_a_month_that_does_not_exist_is_named(worker: Worker) -> None:
    res = worker.run("case", "list", "--due-before", "2025-13-01", ok=False)
    assert res.exit_code == 3
    assert "一年只有12个月，没有13月" in res.stderr and "month 13 does not exist" in res.stderr
    case = worker.open("2025-09-26", "matter=超期作出行政处罚决定")
    worker.fire(case, "file", "2025-09-29")
    res = worker.fire(case, "transfer", "2025-09-30", "received_on=2025-02-30", ok=False)
    assert "2025年2月只有28天，没有30日" in res.stderr
    cal = CliRunner().invoke(cli, ["calendar", "is-workday", "2025-13-30"])
    assert cal.exit_code == 3 and "没有13月" in cal.stderr


def test_the_html_case_file_names_fonts_that_render_chinese(worker: Worker,
                                                             tmp_path: Path) -> None:
    case = _determined(worker)
    out = tmp_path / "case.html"
    worker.run("audit", "export", case, "--format", "html", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert '"Noto Serif CJK SC", "Noto Sans CJK SC"' in html and "WenQuanYi" in html
    assert "table-layout: fixed" in html and html.count("<colgroup>") >= 2
    for raw in ("due_at", "swept_at", "True"):
        assert raw not in html


def test_no_raw_log_line_reaches_the_terminal(
    worker: Worker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("RONGCUO_HOME", str(home))
    monkeypatch.delenv("RONGCUO_LOG_LEVEL", raising=False)
    monkeypatch.delenv("RONGCUO_LOG_FORMAT", raising=False)
    monkeypatch.delenv("RONGCUO_LOG_FILE", raising=False)
    before = structlog.get_config()
    monkeypatch.setattr(rlog, "_configured", False)
    try:
        with freeze_time("2026-12-04T02:00:00Z"):  # December: the 2027 notice is missing
            res = CliRunner().invoke(cli, ["scheduler", "calendar-check", "--db", worker.db])
    finally:
        structlog.configure(**before)
        monkeypatch.setattr(rlog, "_configured", False)
    assert res.exit_code == 0, res.output
    assert not any(ln.lstrip().startswith("{") for ln in res.output.splitlines()), res.output
    assert "2027" in res.stdout  # the person is told, in words
    logged = [json.loads(x) for x in (home / "rongcuo.log").read_text().splitlines()]
    assert any(x["event"] == "calendar.next_year_missing" for x in logged)
