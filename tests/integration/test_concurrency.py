"""Several processes writing one case: at the store, exactly one winner per version and the
others get the store's stale-write error; through the service, a step that lost the race is
re-decided on the fresh state and refused *by its rule* when it no longer applies.  ``seq`` has
no gaps or duplicates.  PostgreSQL (the multi-process backend) and SQLite (WAL, BEGIN
IMMEDIATE) alike."""

from __future__ import annotations

import multiprocessing as mp
from datetime import UTC, date, datetime
from typing import Any

import pytest

from rongcuo.adapters.db import synthetic as syn
from rongcuo.adapters.db.errors import StaleWrite
from rongcuo.adapters.db.store import Store
from rongcuo.bootstrap import bootstrap
from rongcuo.domain.chain import verify_chain
from rongcuo.domain.errors import Refused

AT = datetime(2025, 10, 9, 2, tzinfo=UTC)
WORKERS = 8


def _open(store: Store) -> str:
    return syn.open_case(store, date(2025, 9, 30), AT)


def _race_once(url: str, case_id: str, n: int, barrier: Any, out: Any) -> None:
    store = bootstrap(url, migrate=False).store
    case = store.load_case(case_id)
    assert case is not None
    barrier.wait()
    try:
        syn.commit_step(store, case, date(2025, 10, 9), n, AT)
        out.put(("ok", n))
    except StaleWrite:
        out.put(("conflict", n))


def _keep_trying(url: str, case_id: str, worker: int, steps: int, barrier: Any) -> None:
    store = bootstrap(url, migrate=False).store
    barrier.wait()
    done = 0
    while done < steps:
        case = store.load_case(case_id)
        assert case is not None
        try:
            syn.commit_step(store, case, date(2025, 10, 9), worker * 1000 + done, AT)
            done += 1
        except StaleWrite:
            continue


def _spawn(target: Any, args_for: Any) -> None:
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=target, args=args_for(i, ctx)) for i in range(WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0


@pytest.mark.slow
def test_several_processes_firing_one_case_have_exactly_one_winner(db_url: str) -> None:
    """At the store: the same version written by six processes at once — one succeeds, five
    get the stale-write error, nothing of the losers is stored."""
    store = bootstrap(db_url, migrate=True).store
    case_id = _open(store)
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [
        ctx.Process(target=_race_once, args=(db_url, case_id, i + 1, barrier, out))
        for i in range(WORKERS)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
    winners = [n for status, n in results if status == "ok"]
    assert len(winners) == 1 and sum(s == "conflict" for s, _ in results) == WORKERS - 1
    events = store.case_events(case_id)
    assert [e.seq for e in events] == [1, 2] and events[1].data == {"n": winners[0]}
    assert store.load_case(case_id).state.facts["n"] == winners[0]


@pytest.mark.slow
def test_processes_retrying_on_conflict_leave_no_gap_or_duplicate_in_seq(db_url: str) -> None:
    """Writers that retry after a conflict all land; seq is 1..N with no gap or repeat, and
    the chain verifies (issue 4)."""
    store = bootstrap(db_url, migrate=True).store
    case_id = _open(store)
    steps = 5
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    _spawn(_keep_trying, lambda i, _c: (db_url, case_id, i + 1, steps, barrier))
    events = store.case_events(case_id)
    assert [e.seq for e in events] == list(range(1, WORKERS * steps + 2))
    assert verify_chain(e.hashed_fields() for e in events) == []
    case = store.load_case(case_id)
    assert (case.version, case.last_seq) == (WORKERS * steps + 1, WORKERS * steps + 1)


def _fire_through_handler(url: str, case_id: str, barrier: Any, out: Any) -> None:
    from rongcuo.clock import FixedClock
    from rongcuo.service import handlers, unit_of_work
    from rongcuo.service.commands import FireStep

    app = bootstrap(url, clock=FixedClock(datetime(2026, 1, 10, 2, tzinfo=UTC)))
    enter = unit_of_work.UnitOfWork.__enter__
    waited = []

    def write_together(self: Any) -> Any:
        if not waited:  # every process has loaded the case and decided before anyone writes
            waited.append(True)
            barrier.wait()
        return enter(self)

    unit_of_work.UnitOfWork.__enter__ = write_together  # type: ignore[method-assign]
    try:
        handlers.fire(app, FireStep(case_id, "file", on=date(2025, 9, 29), actor="监督科"))
        out.put("ok")
    except Refused as err:
        out.put(f"refused:{err.code}:{err.article}")
    finally:
        app.close()


@pytest.mark.slow
def test_processes_firing_licheng_file_at_once_have_one_winner_and_rule_refusals(
    db_url: str,
) -> None:
    """Through the real handler and engine: six processes file the same Licheng case (历城办法
    第十四条 立案) at once — one succeeds; each of the other five lost the race, was re-decided
    on the fresh state and is refused by the rule (the case is already filed), citing the
    article — never a bare "conflict"; seq has no gap or duplicate."""
    from rongcuo.clock import FixedClock
    from rongcuo.service import handlers
    from rongcuo.service.commands import OpenCase

    app = bootstrap(db_url, migrate=True, clock=FixedClock(datetime(2026, 1, 10, tzinfo=UTC)))
    case_id = handlers.open_case(app, OpenCase(
        workflow_id="licheng", subject="张某", agency="局", on=date(2025, 9, 26),
        actor="监督科", data={"matter": "x"})).case_id
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [
        ctx.Process(target=_fire_through_handler, args=(db_url, case_id, barrier, out))
        for _ in range(WORKERS)
    ]
    for p in procs:
        p.start()
    results = sorted(out.get(timeout=600) for _ in procs)  # a hang guard, not a speed test
    for p in procs:
        p.join(60)
    assert results == ["ok"] + ["refused:case.wrong_state:历城办法第十四条"] * (WORKERS - 1)
    events = app.store.case_events(case_id)
    assert [(e.seq, e.trigger) for e in events] == [(1, "open"), (2, "file")]
    assert app.store.load_case(case_id).state.state == "filed"
    app.close()
