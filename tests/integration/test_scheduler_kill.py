"""A sweeper killed outright (SIGKILL: out of memory, power, an operator's ``kill -9``) in the
middle of its work blocks nobody: the next sweep runs at once, on SQLite and on PostgreSQL, and
records exactly the notices the killed one did not — none twice.

The deadlines are Licheng art. 17 notice periods (7 days after the decision) of a case
determined on 2025-09-28 (due 2025-10-09 after the National Day block), cloned in bulk: at
00:05 CST on 2025-10-10 each owes its overdue mark and the first escalation rung.  The sweeps
run as the operator runs them (``rongcuo scheduler sweep`` / ``scheduler run`` in a process of
their own) with the test-only pause after each claimed batch (``RONGCUO_TEST_SWEEP_PAUSE``),
so the kill lands with some batches committed and one claimed but not.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from rongcuo.adapters.db import tables as t
from rongcuo.bootstrap import App, bootstrap
from rongcuo.clock import CST, FixedClock, parse_cst
from rongcuo.scheduler.runner import TEST_PAUSE_ENV
from rongcuo.scheduler.sweep import Sweeper
from tests.support.clone import clone_case_rows_only as clone_case
from tests.support.walks import licheng_to_determined

pytestmark = pytest.mark.slow

SWEEP_AT = "2025-10-10T00:05"
CASES = 120
CLI = [sys.executable, "-m", "rongcuo.entrypoints.cli.main", "scheduler"]


@pytest.fixture
def seeded(db_url: str, tmp_path: Path) -> Iterator[tuple[App, str, Path]]:
    """``CASES`` identical Licheng cases with their reminders recorded; a config sweeping
    10 deadline rows per batch."""
    app = bootstrap(db_url, clock=FixedClock(datetime(2025, 9, 30, 12, tzinfo=CST)),
                    migrate=True)
    cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    Sweeper(app).sweep(datetime(2025, 9, 30, 0, 1, tzinfo=CST))  # reminder:3 and reminder:1
    clone_case(app.store.engine, cid, CASES - 1)
    conf = tmp_path / "scheduler.toml"
    conf.write_text("[scheduler]\nbatch_size = 10\n", encoding="utf-8")
    yield app, db_url, conf
    app.close()


def notices(app: App) -> Counter[tuple[str, str, str]]:
    """(case, timer, notice) → how many times it is recorded, for every swept event."""
    e = t.events
    with app.store.read() as conn:
        rows = conn.execute(sa.select(e.c.case_id, e.c.data).where(
            e.c.trigger.in_(("notice", "lapse")), e.c.actor == "system:scheduler")).all()
    out: Counter[tuple[str, str, str]] = Counter()
    for case_id, data in rows:
        d = data if isinstance(data, dict) else json.loads(data)
        out[(str(case_id), str(d["timer"]), str(d["notice"]))] += 1
    return out


SEEDED = 2  # the template's reminder:3 and reminder:1, recorded before the clones were made


def after_seed(app: App) -> dict[str, set[tuple[str, str]]]:
    """Per case, the notices recorded after the seed; asserts none is recorded twice."""
    per: dict[str, set[tuple[str, str]]] = {}
    counts = notices(app)
    assert max(counts.values()) == 1, [k for k, n in counts.items() if n > 1]  # none twice
    for case_id, timer, notice in counts:
        if notice not in ("reminder:3", "reminder:1") or timer != "notice":
            per.setdefault(case_id, set()).add((timer, notice))
    return per


def due_left(app: App, at: datetime) -> int:
    d = t.deadlines
    with app.store.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(d).where(
            d.c.next_notice_at <= at)).scalar_one())


def assert_log_contiguous(app: App) -> None:
    """Every case's events run 1, 2, 3… (clones: on from the template's head) and the case
    row's head is its last event: nothing torn, nothing half-written."""
    e, c = t.events, t.cases
    with app.store.read() as conn:
        seqs: dict[str, list[int]] = {}
        for case_id, seq in conn.execute(sa.select(e.c.case_id, e.c.seq).order_by(e.c.id)):
            seqs.setdefault(str(case_id), []).append(int(seq))
        heads = {str(r[0]): int(r[1]) for r in conn.execute(sa.select(c.c.id, c.c.last_seq))}
    for case_id, ss in seqs.items():
        assert ss == list(range(ss[0], ss[0] + len(ss))), case_id
        assert heads[case_id] == ss[-1], case_id


def kill_when(proc: subprocess.Popen[Any], app: App, at_least: int, timeout: float = 90) -> int:
    """SIGKILL ``proc`` once it has committed ``at_least`` notices, while work is left; the
    number committed when it died."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the sweeper ended before it could be killed"
            if sum(notices(app).values()) - SEEDED >= at_least:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the sweeper never reached the point to kill it")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    return sum(notices(app).values()) - SEEDED


def paused_env() -> dict[str, str]:
    return {**os.environ, TEST_PAUSE_ENV: "0.15", "RONGCUO_LOG_LEVEL": "WARNING"}


def next_sweep(url: str, conf: Path, *now: str) -> dict[str, Any]:
    """The operator's next `scheduler sweep`, right after the kill: it must run (exit 0)."""
    res = subprocess.run([*CLI, "sweep", "--db", url, "--config", str(conf), "--json", *now],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    out: dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


def test_a_sweep_killed_mid_work_leaves_the_rest_to_the_next_sweep_at_once(
    seeded: tuple[App, str, Path],
) -> None:
    """SIGKILL a one-off `scheduler sweep` after some of its batches committed and while one is
    claimed: the next sweep is not refused (no lease to wait out) and records exactly the
    overdue marks and first rungs (Licheng art. 17 notice) the killed one did not."""
    app, url, conf = seeded
    proc = subprocess.Popen([*CLI, "sweep", "--db", url, "--config", str(conf), "--now",
                             SWEEP_AT], env=paused_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    done = kill_when(proc, app, at_least=30)
    assert 30 <= done < 2 * CASES  # killed in the middle: committed batches, work left
    out = next_sweep(url, conf, "--now", SWEEP_AT)
    assert out["recorded"] == 2 * CASES - done  # exactly the missing ones
    per = after_seed(app)
    assert len(per) == CASES
    assert all(v == {("notice", "overdue"), ("notice", "escalation:1")} for v in per.values())
    assert due_left(app, parse_cst(SWEEP_AT)) == 0
    assert_log_contiguous(app)


def test_a_killed_scheduler_service_leaves_the_rest_to_the_next_sweep_at_once(
    seeded: tuple[App, str, Path],
) -> None:
    """SIGKILL a `scheduler run` service in the middle of its first sweep (on SQLite it holds
    the sweeper lock for its whole life): the next `scheduler sweep` runs at once and records
    exactly what the service did not — every case ends with the same notices, none twice, and
    nothing due is left."""
    app, url, conf = seeded
    proc = subprocess.Popen([*CLI, "run", "--db", url, "--config", str(conf),
                             "--sweep-seconds", "60"], env=paused_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = kill_when(proc, app, at_least=30)
    assert done >= 30
    out = next_sweep(url, conf)  # the wall clock: whatever is owed by now
    assert out["recorded"] > 0
    per = after_seed(app)
    assert len(per) == CASES
    first = next(iter(per.values()))
    assert {("notice", "overdue"), ("notice", "escalation:1")} <= first
    assert all(v == first for v in per.values())  # identical cases, identical notices
    assert sum(len(v) for v in per.values()) == done + out["recorded"]
    assert due_left(app, datetime.fromisoformat(out["now"])) == 0
    assert_log_contiguous(app)
