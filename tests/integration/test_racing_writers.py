"""Eight people recording steps on the same cases at once (the fault issue's section 2).

A step that names no expected version and loses a race is re-decided on the fresh state, so
every honest assignment is recorded exactly once — never "conflict, type it again"; a step
that names a stale version is refused (exit 4) with the current version, writing nothing.
SQLite and PostgreSQL alike."""

from __future__ import annotations

import multiprocessing as mp
from datetime import UTC, date, datetime
from typing import Any

import pytest
from click.testing import CliRunner

from rongcuo.audit import verify
from rongcuo.bootstrap import bootstrap
from rongcuo.clock import FixedClock
from rongcuo.entrypoints.cli.main import cli
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, OpenCase

WRITERS = 8
CASES = 100
AT = datetime(2026, 1, 10, 2, tzinfo=UTC)


def _assign_everywhere(url: str, cases: list[str], worker: int, barrier: Any, out: Any) -> None:
    app = bootstrap(url, clock=FixedClock(AT))
    app.preload()
    barrier.wait()
    outcomes: dict[str, int] = {"ok": 0, "refused": 0}
    for cid in cases:
        try:
            handlers.fire(app, FireStep(cid, "assign_investigator", on=date(2025, 9, 30),
                                        actor="监督科", data={"investigator": f"调查员{worker}"}))
            outcomes["ok"] += 1
        except Exception as exc:  # reported, then the assertion below names it
            outcomes["refused"] += 1
            outcomes[type(exc).__name__] = outcomes.get(type(exc).__name__, 0) + 1
    app.close()
    out.put(outcomes)


@pytest.mark.slow
def test_eight_writers_assigning_on_a_hundred_cases_are_each_recorded_once(db_url: str) -> None:
    """8 processes × 100 cases, each process assigning its own investigator to every case
    (历城办法第十六条 指派调查人员): all 800 recorded, each exactly once per case, the log of
    each case contiguous, and ``audit verify`` sound."""
    app = bootstrap(db_url, migrate=True, clock=FixedClock(AT))
    cases = []
    for i in range(CASES):
        cid = handlers.open_case(app, OpenCase(
            workflow_id="licheng", subject=f"执法人员{i}", agency="历城区市场监督管理局",
            on=date(2025, 9, 26), actor="监督科", data={"matter": "并发"})).case_id
        handlers.fire(app, FireStep(cid, "file", on=date(2025, 9, 29), actor="监督科"))
        cases.append(cid)
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [ctx.Process(target=_assign_everywhere, args=(db_url, cases, w, barrier, out))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(60)
    assert all(r == {"ok": CASES, "refused": 0} for r in results), results
    for cid in cases:
        events = app.store.case_events(cid)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assigned = [e.data["investigator"] for e in events if e.trigger == "assign_investigator"]
        assert sorted(assigned) == sorted(f"调查员{w}" for w in range(WRITERS))
        case = app.store.load_case(cid)
        assert case is not None and case.version == len(events)
    report = verify(app)
    assert report.ok, report.findings[:3]
    app.close()


def test_a_step_naming_a_stale_version_is_refused_with_the_current_one(db_url: str) -> None:
    """``--expect-version N`` with a version the case has left: exit 4, the message names
    the current version, nothing is written; with the current version the step is recorded."""
    app = bootstrap(db_url, migrate=True, clock=FixedClock(AT))
    cid = handlers.open_case(app, OpenCase(
        workflow_id="licheng", subject="张某", agency="历城区市场监督管理局",
        on=date(2025, 9, 26), actor="监督科", data={"matter": "并发"})).case_id
    handlers.fire(app, FireStep(cid, "file", on=date(2025, 9, 29), actor="监督科"))
    app.close()
    runner = CliRunner()
    args = ["case", "fire", cid, "assign_investigator", "--on", "2025-09-30", "--by", "监督科",
            "--set", "investigator=李明", "--db", db_url]
    stale = runner.invoke(cli, [*args, "--expect-version", "1"])
    assert stale.exit_code == 4
    assert "当前版本为 2" in stale.output and "version 2, not 1" in stale.output
    app = bootstrap(db_url)
    assert len(app.store.case_events(cid)) == 2
    app.close()
    fresh = runner.invoke(cli, [*args, "--expect-version", "2", "--json"])
    assert fresh.exit_code == 0, fresh.output
    assert '"version": 3' in fresh.output
