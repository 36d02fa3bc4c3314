"""Provisional (暂定) due dates: escalated on the provisional date, saying so; recomputed with a
`deadline.recomputed` event when the year's calendar is loaded.

Case: determined on 2025-12-27; the 7-day notice of Licheng art. 17 ends on 2026-01-03, a
Saturday inside the 2026 New Year block.  Without the 2026 file the rule for unloaded years
rolls it (Civil Code art. 203) past the weekend to Monday 2026-01-05 — provisional.  The 2026
notice (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04) makes Sunday 2026-01-04 an
adjusted working day, so the real due date is 2026-01-04.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rongcuo.bootstrap import App
from rongcuo.calendars import load_calendar
from rongcuo.clock import parse_cst as cst
from rongcuo.domain.calendar import WorkCalendar
from rongcuo.scheduler.sweep import Sweeper
from rongcuo.service.commands import RecomputeDeadlines
from rongcuo.service.handlers.deadlines import EVENT_TYPE, recompute_provisional
from tests.support.walks import licheng_to_determined


@pytest.fixture
def full() -> WorkCalendar:
    return load_calendar()


@pytest.fixture
def app_calendar(full: WorkCalendar) -> WorkCalendar:
    """Only the 2025 file: dates in 2026 are provisional (暂定)."""
    return WorkCalendar([y for y in [full.year(2025)] if y is not None])


@pytest.fixture
def clock_start() -> datetime:
    return cst("2025-12-27T10:00")


def _notice(app: App, cid: str) -> object:
    (d,) = [d for d in app.store.deadlines(case_id=cid) if d.timer == "notice"]
    return d


def test_a_provisional_deadline_is_escalated_on_its_provisional_date_and_says_so(
    app: App,
) -> None:
    """Licheng art. 17 notice due on a provisional date: the overdue mark and rung 1 come on
    the first sweep after 24:00 CST of the provisional date, and their event data say the
    date is provisional."""
    cid = licheng_to_determined(app, opened=date(2025, 12, 1), determined=date(2025, 12, 27))
    d = _notice(app, cid)
    assert (d.due, d.provisional) == (date(2026, 1, 5), True)  # type: ignore[attr-defined]
    sweeper = Sweeper(app)
    assert [n.notice for n in sweeper.sweep(cst("2026-01-05T23:59")).notices] == [
        "reminder:3", "reminder:1"
    ]
    res = sweeper.sweep(cst("2026-01-06T00:01"))
    assert [(n.notice, n.provisional) for n in res.notices] == [
        ("overdue", True), ("escalation:1", True)
    ]
    overdue = [e for e in app.store.case_events(cid) if e.type == "DeadlineOverdue"]
    assert overdue[0].data["provisional"] is True
    assert "暂定" in overdue[0].data["note_zh"]
    assert overdue[0].data["due"] == "2026-01-05"


def test_loading_the_year_recomputes_provisional_dates_with_an_event(
    app: App, full: WorkCalendar
) -> None:
    """When the 2026 calendar is loaded, the provisional 2026-01-05 becomes 2026-01-04 (an
    adjusted working Sunday; Civil Code art. 203 no longer rolls it) and the case history
    records old due, new due and the State Council notice that changed it."""
    cid = licheng_to_determined(app, opened=date(2025, 12, 1), determined=date(2025, 12, 27))
    app.use_calendar(full)
    cmd = RecomputeDeadlines(date(2025, 12, 28), "system:calendar-check")
    changed = recompute_provisional(app, cmd)
    assert [(c.timer, c.old_due, c.new_due, c.provisional) for c in changed] == [
        ("notice", "2026-01-05", "2026-01-04", False)
    ]
    d = _notice(app, cid)
    assert (d.due, d.provisional) == (date(2026, 1, 4), False)  # type: ignore[attr-defined]
    (ev,) = [e for e in app.store.case_events(cid) if e.type == EVENT_TYPE]
    assert ev.data["old_due"] == "2026-01-05" and ev.data["new_due"] == "2026-01-04"
    assert ev.data["calendar"]["title"] == "国务院办公厅关于2026年部分节假日安排的通知"
    # the stored case still equals a replay of its events (auditors check exactly this)
    engine = app.engine_for("licheng")
    case = app.store.load_case(cid)
    assert engine.replay(e.to_event() for e in app.store.case_events(cid)) == case.state
    # a second run finds nothing left to change
    assert recompute_provisional(app, cmd) == []
    # and the sweep now marks it overdue a day earlier, no longer provisional
    res = Sweeper(app).sweep(cst("2026-01-05T00:01"))
    assert ("overdue", False) in [(n.notice, n.provisional) for n in res.notices]
