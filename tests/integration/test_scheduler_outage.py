"""The database goes away under a running scheduler and comes back (fault issue, section 3).

A private PostgreSQL cluster (``initdb``/``pg_ctl`` in a temporary directory, on a free port)
is stopped with ``pg_ctl -m immediate`` — the server's processes quit at once, as in a crash
— under ``rongcuo scheduler run`` and started again.  The service survives, says so in two
structured lines (``db.unavailable``, ``db.recovered`` with the outage's length), writes
nothing else to stderr that is not one JSON line, records the notices of cases opened after
the restart exactly once (Licheng art. 17 notice period: overdue mark and rungs), and stops on
SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
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
from rongcuo.clock import CST, FixedClock, SystemClock
from rongcuo.scheduler.config import SchedulerConfig
from tests.support.pg_cluster import PrivateCluster
from tests.support.walks import licheng_to_determined

CLI = [sys.executable, "-m", "rongcuo.entrypoints.cli.main", "scheduler"]


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    try:
        c = PrivateCluster()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"cannot make a private PostgreSQL cluster: {exc}")
        pytest.skip(f"cannot make a private PostgreSQL cluster: {exc}")
    try:
        c.start()
        yield c
    finally:
        c.destroy()


def _app(url: str) -> App:
    return bootstrap(url, clock=FixedClock(datetime(2025, 9, 28, 10, tzinfo=CST)))


def notices(url: str, case_ids: list[str]) -> Counter[tuple[str, str, str]]:
    """(case, timer, notice) → times recorded, read on a fresh connection."""
    app = _app(url)
    try:
        e = t.events
        with app.store.read() as conn:
            rows = conn.execute(sa.select(e.c.case_id, e.c.data).where(
                e.c.case_id.in_(case_ids), e.c.trigger == "notice")).all()
    finally:
        app.close()
    return Counter((str(c), str(d["timer"]), str(d["notice"])) for c, d in rows)


def wait_for(what: str, ok: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ok():
                return
        except sa.exc.OperationalError:
            pass  # the server is still starting
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.postgres
def test_the_service_survives_a_postgresql_crash_and_restart(
    cluster: PrivateCluster, tmp_path: Path
) -> None:
    """Stop PostgreSQL (immediate) for ~4 s under `scheduler run --sweep-seconds 1`: one
    `db.unavailable`, one `db.recovered` (with the outage's length), every stderr line JSON;
    cases opened after the restart get each notice once; SIGTERM stops the service (exit 0)."""
    url = cluster.create_database("rongcuo")
    app = bootstrap(url, clock=FixedClock(datetime(2025, 9, 28, 10, tzinfo=CST)), migrate=True)
    first = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    app.close()
    conf = tmp_path / "scheduler.toml"
    conf.write_text("[scheduler]\ndelivery_seconds = 1\ndb_retry_max_seconds = 1\n",
                    encoding="utf-8")
    err_path = tmp_path / "stderr.log"
    env = {**os.environ, "RONGCUO_LOG_LEVEL": "INFO", "RONGCUO_LOG_FORMAT": "json"}
    with err_path.open("w", encoding="utf-8") as err:
        proc = subprocess.Popen([*CLI, "run", "--db", url, "--config", str(conf),
                                 "--sweep-seconds", "1"], env=env, stdout=subprocess.DEVNULL,
                                stderr=err)
    try:
        wait_for("the first case's overdue mark",
                 lambda: ("notice" in {k[1] for k in notices(url, [first])}
                          and any(k[2] == "overdue" for k in notices(url, [first]))))
        cluster.stop("immediate")
        down_at = SystemClock().now()
        time.sleep(4)
        cluster.start()
        # the daemon sweeps by the wall clock: between a new case's opening and its filing it
        # would (rightly) lapse the filing window that ran out in 2025 — hold it still while
        # the cases are walked (SIGSTOP; its sweeps resume at SIGCONT)
        os.kill(proc.pid, signal.SIGSTOP)
        try:
            app = _app(url)
            later = [licheng_to_determined(app, opened=date(2025, 9, 1),
                                           determined=date(2025, 9, 28), subject=f"执法人员{i}")
                     for i in range(2)]
            app.close()
        finally:
            os.kill(proc.pid, signal.SIGCONT)
        expected = {k[1:] for k in notices(url, [first])}  # what the first case was owed
        wait_for("the new cases' notices",
                 lambda: {k[1:] for k in notices(url, later) if k[0] == later[1]} == expected
                 and {k[1:] for k in notices(url, later) if k[0] == later[0]} == expected)
        time.sleep(2.5)  # two more sweeps: nothing more may be recorded
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    counts = notices(url, later)
    assert counts and max(counts.values()) == 1
    lines = err_path.read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]  # every line is one JSON object
    names = [e["event"] for e in events]
    assert names.count("db.unavailable") == 1 and names.count("db.recovered") == 1, names
    (down,) = [e for e in events if e["event"] == "db.unavailable"]
    (up,) = [e for e in events if e["event"] == "db.recovered"]
    assert 3.5 <= float(up["outage_seconds"]) < 30
    assert down["level"] == "error" and "\n" not in str(down["error"])
    during = [e for e in events
              if down_at.isoformat() <= str(e["timestamp"]).replace("Z", "+00:00")
              <= str(up["timestamp"]).replace("Z", "+00:00")]
    assert len(during) <= 3, during  # the outage itself, said once (and its end)
    assert names[-1] == "scheduler.stopped"


def test_a_slow_sweep_never_runs_beside_itself(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep slower than its interval (a slow database) makes the next run wait
    (APScheduler ``max_instances=1``, ``coalesce``): never two sweeps at once."""
    from apscheduler.schedulers.background import BackgroundScheduler

    import rongcuo.scheduler.runner as runner

    running, overlap, runs = [0], [0], [0]
    lock = threading.Lock()

    def slow_sweep(*a: object, **k: object) -> Any:
        with lock:
            running[0] += 1
            overlap[0] = max(overlap[0], running[0])
            runs[0] += 1
        time.sleep(2.2)
        with lock:
            running[0] -= 1
        raise sa.exc.ProgrammingError("slow", {}, Exception("not an outage"))

    monkeypatch.setattr(runner, "run_sweep", slow_sweep)
    app = bootstrap(db_url, migrate=True)
    sched = runner.build_scheduler(app, SchedulerConfig(sweep_seconds=1), app.clock,
                                   BackgroundScheduler(timezone=CST))
    sched.start()
    try:
        time.sleep(5)
    finally:
        sched.shutdown(wait=True)
        app.close()
    assert overlap[0] == 1
    assert 2 <= runs[0] <= 3
