"""`rongcuo obligations` from a shell: register a body, set a blank parameter, record a
fulfilment, see where things stand, sweep (蒲县评查制度第六条、第十三条; 蒲县统计制度第二条)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.entrypoints.cli.main import cli


def _run(db_url: str, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, [*args, "--db", db_url])
    return res.exit_code, res.output


@freeze_time("2026-02-03T02:00:00Z")  # 10:00 CST, 3 February 2026
def test_a_body_registered_and_swept_from_the_shell(db_url: str) -> None:
    """A team registered from 1 January 2026 owes 2025's annual statistics (due 31 January,
    without rollover) and the second half of 2025's report once its days are set: the sweep
    as of 1 February 00:05 marks the statistics overdue, once; `status --json` shows the
    internal evaluations of 2026 in progress (1 of 4) with the article."""
    assert _run(db_url, "db", "upgrade")[0] == 0
    code, out = _run(db_url, "obligations", "register", "chengguan", "--name",
                     "城关镇综合行政执法队", "--kind", "enforcement_team", "--kind",
                     "enforcement_body", "--since", "2026-01-01", "--by", "县司法局 张科长")
    assert code == 0, out
    code, out = _run(db_url, "obligations", "set", "half_year_report_days=十五", "--by", "张科长")
    assert code == 3 and "蒲县评查制度第十三条" in out
    assert _run(db_url, "obligations", "set", "half_year_report_days=20", "--by", "张科长")[0] == 0
    code, out = _run(db_url, "obligations", "fulfil", "chengguan", "pu.internal_evaluations",
                     "--on", "2026-01-20", "--ref", "2026年第1次内部评查", "--by", "李队长")
    assert code == 0 and "2026" in out, out
    code, out = _run(db_url, "obligations", "sweep", "--now", "2026-02-01T00:05", "--json")
    assert code == 0, out
    swept = json.loads(out)
    marks = {(n["obligation"], n["period"], n["notice"]) for n in swept["notices"]}
    assert ("pu.statistics_published", "2025", "overdue") in marks
    assert ("pu.statistics_filed", "2025", "overdue") in marks
    assert ("pu.half_year_report", "2025-H2", "overdue") in marks  # due 2026-01-20
    code, out = _run(db_url, "obligations", "sweep", "--now", "2026-02-01T00:06", "--json")
    assert json.loads(out)["recorded"] == 0  # once
    code, out = _run(db_url, "obligations", "status", "--as-of", "2026-02-02", "--json")
    lines = {(x["obligation"], x["period"]): x for x in json.loads(out)}
    internal = lines[("pu.internal_evaluations", "2026")]
    assert (internal["status"], internal["done"], internal["min"]) == ("open", 1, 4)
    assert internal["article"] == "蒲县评查制度第六条"
    assert lines[("pu.statistics_filed", "2025")]["status_zh"] == "已逾期"


@freeze_time("2026-02-03T02:00:00Z")
def test_a_sweep_in_the_future_and_an_unknown_body_are_refused(db_url: str) -> None:
    """A sweep may not record notices that have not fallen due yet; a fulfilment for a body
    nobody registered is not found (exit 5), nothing written."""
    assert _run(db_url, "db", "upgrade")[0] == 0
    code, out = _run(db_url, "obligations", "sweep", "--now", "2026-03-01T00:00")
    assert code == 3 and "晚于当前时间" in out
    code, out = _run(db_url, "obligations", "fulfil", "nobody", "pu.internal_evaluations",
                     "--on", "2026-01-20", "--ref", "x", "--by", "y")
    assert code == 5 and "nobody" in out
