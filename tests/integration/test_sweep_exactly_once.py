"""Exactly once, whatever the sweep timing: crashes half-way, repeats, arbitrary instants.

Deadline: the Licheng art. 17 notice period (7 days after a decision of 2025-09-28, rolled to
2025-10-09 past the National Day block by Civil Code art. 203), with its policy reminders and
escalation ladder.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongcuo.bootstrap import App, bootstrap
from rongcuo.clock import CST, FixedClock
from rongcuo.scheduler import sweep as sweep_mod
from rongcuo.scheduler.sweep import Sweeper
from tests.support.walks import licheng_to_determined

SCHEDULE = ["reminder:3", "reminder:1", "overdue", "escalation:1", "escalation:2"]
START = datetime(2025, 9, 28, 12, tzinfo=CST)


@pytest.fixture
def clock_start() -> datetime:
    return START


def notices(app: App, cid: str) -> list[str]:
    return [str(e.data["notice"]) for e in app.store.case_events(cid) if e.trigger == "notice"]


def test_a_sweep_that_crashes_half_way_commits_nothing_and_the_next_one_does_it_all(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three cases due; the sweep dies (an unexpected error) after writing the first: nothing
    of the batch is stored, and the next sweep records each overdue mark exactly once."""
    ids = [licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28),
                                 subject=f"对象{i}") for i in range(3)]
    Sweeper(app).sweep(datetime(2025, 9, 30, 0, 1, tzinfo=CST))
    real = sweep_mod.Sweeper._one_case
    calls = {"n": 0}

    def dying(self: Sweeper, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sweep_mod.Sweeper, "_one_case", dying)
    at = datetime(2025, 10, 10, 0, 5, tzinfo=CST)
    with pytest.raises(RuntimeError):
        Sweeper(app).sweep(at)
    assert all("overdue" not in notices(app, cid) for cid in ids)
    monkeypatch.setattr(sweep_mod.Sweeper, "_one_case", real)
    res = Sweeper(app).sweep(at)
    assert sorted(n.case_id for n in res.notices if n.notice == "overdue") == sorted(ids)
    assert all(notices(app, cid).count("overdue") == 1 for cid in ids)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=0, max_value=24 * 22), min_size=1, max_size=12))
def test_any_sequence_of_sweeps_records_each_notice_once_and_in_order(
    tmp_path_factory: pytest.TempPathFactory, hours: list[int]
) -> None:
    """Sweeps at arbitrary (repeated, unordered-then-sorted) instants over three weeks: the
    notices recorded are in the schedule's order, each once, with no gap but the reminders a
    sweep found stale (the deadline had passed: skipped, issue 15) — and a final sweep after
    the last rung completes the overdue mark and every rung."""
    db: Path = tmp_path_factory.mktemp("prop") / "p.sqlite3"
    app = bootstrap(f"sqlite:///{db}", clock=FixedClock(START))
    try:
        cid = licheng_to_determined(app, opened=date(2025, 9, 1),
                                    determined=date(2025, 9, 28))
        sweeper = Sweeper(app)
        for h in sorted(hours):
            sweeper.sweep(START + timedelta(hours=h))
            got = notices(app, cid)
            assert len(set(got)) == len(got)
            assert got == [k for k in SCHEDULE if k in got]
            later = [k for k in got if not k.startswith("reminder")]
            assert later == [k for k in SCHEDULE if not k.startswith("reminder")][: len(later)]
        sweeper.sweep(datetime(2025, 10, 20, tzinfo=CST))
        final = notices(app, cid)
        assert [k for k in final if not k.startswith("reminder")] == [
            k for k in SCHEDULE if not k.startswith("reminder")]
    finally:
        app.close()
