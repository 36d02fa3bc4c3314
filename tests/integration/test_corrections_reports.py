"""Reports count the corrected history (issue 15), on both backends: the periodic report on
fault-tolerance work (历城办法第十九条) reads a determination by its amended outcome and its
amended date, and leaves out a voided determination."""

from __future__ import annotations

from datetime import date
from typing import Any

from rongcuo.bootstrap import App
from rongcuo.clock import FixedClock
from rongcuo.service import handlers
from rongcuo.service.commands import AmendStep, VoidStep
from rongcuo.service.supervision.reports import to_json, tolerance_report
from tests.support.walks import cst_morning, walk_licheng

QUARTERS = {"2025-Q4": (date(2025, 10, 1), date(2025, 12, 31)),
            "2026-Q1": (date(2026, 1, 1), date(2026, 3, 31))}


def _figures(app: App, period: str) -> dict[str, Any]:
    doc = to_json(tolerance_report(app, *QUARTERS[period], period))
    return {k: v["value"] for k, v in doc["figures"].items()}


def test_the_tolerance_report_reads_amended_and_voided_determinations(
        app: App, clock: FixedClock) -> None:
    cid = walk_licheng(app, clock, steps=7)  # determined exempted on 2025-11-05 (seq 8)
    assert (_figures(app, "2025-Q4")["decided"], _figures(app, "2025-Q4")["exempted"]) == (1, 1)
    clock.set(cst_morning("2026-01-06"))
    handlers.amend(app, AmendStep(case_ref=cid, seq=8, reason="认定结果录入错误",
                                  actor="监督科", data={"outcome": "duty_fulfilled",
                                                       "items": "9.1"}))
    q4 = _figures(app, "2025-Q4")
    assert (q4["decided"], q4["exempted"]) == (1, 0)
    handlers.amend(app, AmendStep(case_ref=cid, seq=8, reason="认定日期录入错误",
                                  actor="监督科", on=date(2026, 1, 5)))
    q4, q1 = _figures(app, "2025-Q4"), _figures(app, "2026-Q1")
    assert q4["decided"] == 0 and (q1["decided"], q1["exempted"]) == (1, 0)
    handlers.void(app, VoidStep(case_ref=cid, seq=8, reason="尚未认定", actor="监督科"))
    assert _figures(app, "2026-Q1")["decided"] == 0


def test_an_overdue_mark_a_correction_made_untrue_leaves_the_count(
        app: App, clock: FixedClock) -> None:
    """The sweep marked the investigation period (art. 17: 30 days from the filing recorded on
    2025-09-28) overdue on 2025-11-03; the filing was really on 2025-10-09, so the period ran
    to 2025-11-08 and the report's overdue steps (art. 19) no longer count that mark."""
    from rongcuo.clock import parse_cst
    from rongcuo.scheduler.sweep import Sweeper

    cid = walk_licheng(app, clock, steps=1)
    now = parse_cst("2025-11-03T10:00")
    clock.set(now)
    marks = [n.notice for n in Sweeper(app, {}).sweep(now).notices if n.timer == "investigation"]
    assert "overdue" in marks
    assert _figures(app, "2025-Q4")["overdue"] == 1
    handlers.amend(app, AmendStep(case_ref=cid, seq=2, reason="立案日期录入错误",
                                  actor="监督科", on=date(2025, 10, 9)))
    assert _figures(app, "2025-Q4")["overdue"] == 0
    case = app.store.load_case(cid)
    assert case is not None and case.state.timers["investigation"].status == "running"
