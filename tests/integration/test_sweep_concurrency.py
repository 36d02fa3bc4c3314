"""Several sweepers on one PostgreSQL: FOR UPDATE SKIP LOCKED shares the work, exactly once.

The deadlines are Licheng art. 17 notice periods (7 days after the decision) of a case
determined on 2025-09-28 (due 2025-10-09 after the National Day block), cloned in bulk; at
00:05 CST on 2025-10-10 each owes its overdue mark and the first escalation rung.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from rongcuo.adapters.db import tables as t
from rongcuo.bootstrap import App
from rongcuo.clock import CST, parse_cst
from rongcuo.scheduler.sweep import Sweeper
from tests.support.clone import clone_case_rows_only
from tests.support.walks import licheng_to_determined

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SWEEP_AT = "2025-10-10T00:05"


@pytest.fixture
def app_url(pg_url: str) -> str:
    return pg_url  # SKIP LOCKED between processes: PostgreSQL only


@pytest.fixture
def clock_start() -> datetime:
    return datetime(2025, 9, 30, 12, tzinfo=CST)


def seed(app: App, n: int) -> None:
    """One real case with its reminders recorded, cloned to ``n`` cases in all."""
    cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    Sweeper(app).sweep(datetime(2025, 9, 30, 0, 1, tzinfo=CST))  # reminder:3 and reminder:1
    clone_case_rows_only(app.store.engine, cid, n - 1)


def overdue_counts(app: App) -> tuple[int, int, int]:
    e = t.events
    with app.store.read() as conn:
        total = conn.execute(
            sa.select(sa.func.count()).select_from(e).where(e.c.type == "DeadlineOverdue")
        ).scalar_one()
        distinct = conn.execute(
            sa.select(sa.func.count(sa.distinct(e.c.case_id))).where(
                e.c.type == "DeadlineOverdue")
        ).scalar_one()
        rungs = conn.execute(
            sa.select(sa.func.count()).select_from(e).where(e.c.type == "DeadlineEscalated")
        ).scalar_one()
    return int(total), int(distinct), int(rungs)


def test_four_sweepers_over_ten_thousand_deadlines_record_each_overdue_once(
    app: App, pg_url: str
) -> None:
    """Four `rongcuo scheduler sweep` processes started together over 10,000 due deadlines:
    exactly 10,000 overdue events (Licheng art. 17 notice), one per case, and 10,000 first
    rungs — no duplicates, nothing left due."""
    seed(app, 10_000)
    cmd = [sys.executable, "-m", "rongcuo.entrypoints.cli.main", "scheduler", "sweep",
           "--db", pg_url, "--now", SWEEP_AT, "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
             for _ in range(4)]
    outs = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sum(o["recorded"] for o in outs) == 20_000
    assert overdue_counts(app) == (10_000, 10_000, 10_000)
    d = t.deadlines
    with app.store.read() as conn:
        left = conn.execute(sa.select(sa.func.count()).select_from(d).where(
            d.c.next_notice_at <= parse_cst(SWEEP_AT)
        )).scalar_one()
    assert left == 0


KILLED = r"""
import sys, time
from datetime import datetime
from rongcuo import logging as rlog
from rongcuo.bootstrap import bootstrap
from rongcuo.clock import parse_cst
from rongcuo.scheduler import sweep as sw

rlog.configure()  # warnings only, to stderr: stdout carries the handshake

orig = sw.Sweeper._one_case
seen = []
def slow(self, *a, **k):
    out = orig(self, *a, **k)
    seen.append(1)
    if len(seen) == 20:          # mid-claim: 20 cases written, transaction still open
        print("claimed", flush=True)
        time.sleep(600)
    return out
sw.Sweeper._one_case = slow
app = bootstrap(sys.argv[1])
sw.Sweeper(app, batch_size=50).sweep(parse_cst(sys.argv[2]))
"""


def test_a_sweeper_killed_mid_claim_loses_nothing(app: App, pg_url: str) -> None:
    """SIGKILL a sweeper while it holds 50 claimed rows with 20 cases written but not
    committed: nothing of it is stored, the rows are not stuck, and the next sweep records
    every overdue mark (Licheng art. 17 notice) exactly once."""
    seed(app, 200)
    proc = subprocess.Popen([sys.executable, "-c", KILLED, pg_url, SWEEP_AT],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "claimed"
        # while it holds its claims, another sweeper skips them and takes the rest
        other = Sweeper(app).sweep(parse_cst(SWEEP_AT))
        assert other.claimed == 150
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert overdue_counts(app) == (150, 150, 150)
    deadline = time.monotonic() + 30  # the server notices the dead backend and rolls it back
    res = Sweeper(app).sweep(parse_cst(SWEEP_AT))
    while res.claimed == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
        res = Sweeper(app).sweep(parse_cst(SWEEP_AT))
    assert res.claimed == 50
    assert overdue_counts(app) == (200, 200, 200)



def test_a_case_held_by_a_writer_is_skipped_without_waiting_and_swept_next_time(
    app: App, pg_url: str
) -> None:
    """While a case worker's transaction holds a case (a step being recorded, Licheng
    art. 17 notice period running), the sweeper neither waits nor deadlocks: it takes the
    other cases and leaves that one, which the next sweep records exactly once."""
    import psycopg

    busy = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    free = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28),
                                 subject="另一对象")
    at = parse_cst(SWEEP_AT)
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as writer:
        writer.execute("SELECT version FROM cases WHERE id = %s FOR UPDATE", (busy,))
        started = time.monotonic()
        res = Sweeper(app).sweep(at)
        assert time.monotonic() - started < 10
        assert [s["case_id"] for s in res.skipped] == [busy]
        assert "busy" in res.skipped[0]["reason"]
        assert {n.case_id for n in res.notices} == {free}
        writer.rollback()
    again = Sweeper(app).sweep(at)
    assert {n.case_id for n in again.notices} == {busy}
    for cid in (busy, free):
        assert [e.type for e in app.store.case_events(cid)].count("DeadlineOverdue") == 1
