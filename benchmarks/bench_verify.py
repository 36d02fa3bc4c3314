"""Benchmark: ``audit verify`` events per second over a log of at least a million events,
on SQLite and on PostgreSQL (target ≥ 100,000 events/s on SQLite).

The log is real: one Licheng case walked through the engine and the store (12 events, 历城办法
第十三条至第二十条), then bulk-copied under new case ids, each copy with its own correctly
recomputed hash chain, case row and deadline rows
(``tests.support.clone.clone_case_with_events``; the script puts the repository root on
``sys.path`` to import the test-only tools of ``tests/support``).
Verification is the full one: stream every event in global order, recompute every hash,
check ``seq``, replay every case through its definition version, compare with the stored
case rows and deadline rows.

    python benchmarks/bench_verify.py [--events 1000000] [--backends sqlite,postgresql]
                                      [--repeat 3] [--unshared]
                                      [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Every copy is the same case, so the verifier's value-keyed caches (a timer's JSON, a timer's
projection, a deadline basis — each keyed by the immutable state it is a function of) hit on
almost every case.  ``--unshared`` makes every one of those lookups miss, as in a log where no
two cases share a timer state (the pessimistic bound: real cases filed the same day share at
least their bases); it changes nothing else.

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: tests/

from tests.support.clone import clone_case_with_events
from tests.support.walks import LICHENG_STEPS, walk_licheng

from rongcuo import logging as rlog
from rongcuo.audit.api import verify
from rongcuo.bootstrap import bootstrap
from rongcuo.clock import FixedClock

DEFAULT_PG = os.environ.get(
    "RONGCUO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _pg_db(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"rongcuo_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name, name


def _drop_pg(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the forked verify workers):
    events per CPU-second is the figure that does not depend on how busy the machine is."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def unshare(app: Any) -> None:
    """Make the verifier's and the engines' value-keyed caches always miss (``--unshared``)."""
    import importlib
    import weakref

    v = importlib.import_module("rongcuo.audit.compare")

    class Miss(dict):  # type: ignore[type-arg]
        def get(self, key: Any, default: Any = None) -> Any:
            return default

        def __setitem__(self, key: Any, value: Any) -> None:
            pass

    class WeakMiss(weakref.WeakKeyDictionary):  # type: ignore[type-arg]
        def get(self, key: Any, default: Any = None) -> Any:
            return default

        def __setitem__(self, key: Any, value: Any) -> None:
            pass

    v.TimerRows.__init__ = lambda self: setattr(self, "_memo", Miss())  # type: ignore[method-assign]
    v.ExpectedRows.__init__ = lambda self: setattr(self, "_bases", Miss())  # type: ignore[method-assign]
    app.preload()
    for engine in app._engines.values():
        engine.projection.memo = WeakMiss()


def run(url: str, label: str, events: int, repeat: int, unshared: bool = False) -> None:
    clock = FixedClock(datetime(2025, 9, 26, 2, tzinfo=UTC))
    app = bootstrap(database_url=url, clock=clock, migrate=True)
    template = walk_licheng(app, clock, subject="基准")
    per_case = len(LICHENG_STEPS) + 1
    copies = -(-events // per_case) - 1
    t0 = time.perf_counter()
    clone_case_with_events(app.store.engine, template, copies, batch=5000)
    seeded = time.perf_counter() - t0
    if app.store.engine.dialect.name == "postgresql":
        with app.store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        raw = app.store.engine.raw_connection()  # let the WAL settle into the main file
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    print(f"[{label}] seeded {copies + 1:,} cases / {(copies + 1) * per_case:,} events "
          f"in {seeded:.1f} s", flush=True)
    if unshared:
        unshare(app)
        label += ", unshared"
    for replay, what in ((True, "stream + hash + seq + replay + compare with case and deadline "
                             "rows"), (False, "--chain-only: stream + hash + seq + case heads")):
        for workers in sorted({1, os.cpu_count() or 1}):
            rates, per_cpu = [], []
            for _ in range(repeat):  # the machine's speed varies: report the median run
                t0, c0 = time.perf_counter(), _cpu()
                report = verify(app, drift=False, workers=workers, replay=replay)
                wall, cpu = time.perf_counter() - t0, _cpu() - c0
                # a benchmark of a sound log must find it sound
                assert report.ok, report.findings[:3]
                rates.append(report.events / wall)
                per_cpu.append(report.events / cpu)
            print(
                f"[{label}] audit verify, {workers} process(es): {report.events:,} events, "
                f"{report.cases:,} cases → {statistics.median(rates):,.0f} events/s, median "
                f"of {repeat} (min {min(rates):,.0f}, max {max(rates):,.0f}); "
                f"{statistics.median(per_cpu):,.0f} events per CPU-second ({what}); "
                f"load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    app.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--pg-url", default=DEFAULT_PG)
    ap.add_argument("--repeat", type=int, default=3, help="runs per configuration")
    ap.add_argument("--unshared", action="store_true",
                    help="no cache hits between cases (see the module docstring)")
    args = ap.parse_args()
    rlog.configure()  # warnings only, to stderr: the figures stay readable
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                run(f"sqlite:///{tmp}/bench.sqlite3", "sqlite", args.events, args.repeat,
                    args.unshared)
        elif backend == "postgresql":
            url, name = _pg_db(args.pg_url)
            try:
                run(url, "postgresql", args.events, args.repeat, args.unshared)
            finally:
                _drop_pg(args.pg_url, name)


if __name__ == "__main__":
    main()
