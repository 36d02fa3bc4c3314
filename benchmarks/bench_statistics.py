"""Benchmark: the annual statistics (``rongcuo report statistics --year Y``, 蒲县统计制度第二条)
over 100,000 cases, on SQLite and on PostgreSQL.

The log is real: five Licheng cases walked through the engine and the store — exempted and
corrected and archived, lighter, not tolerated, one decided the next January, one whose
notice period ran out and was marked overdue by the sweep — then bulk-copied under new case
ids, each copy with its own correctly recomputed hash chain
(``tests.support.clone.clone_case_with_events``; the script puts the repository root on
``sys.path`` to import the test-only tools of ``tests/support``).  The figures are computed
from the event log (openings, decisions, overdue marks, corrections, closings by procedure,
agency and outcome); the workbook adds the rendering (openpyxl) and three charts
(matplotlib).

    python benchmarks/bench_statistics.py [--cases 100000] [--backends sqlite,postgresql]
                                          [--repeat 3]

Prints figures; asserts nothing about time (it does check that the figures are the seeded
ones: a fast wrong answer is no answer).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: tests/

from tests.integration.test_report_statistics import MARKET, _decided
from tests.support.clone import clone_case_with_events
from tests.support.walks import licheng_to_determined, walk_licheng

from rongcuo import logging as rlog
from rongcuo.bootstrap import bootstrap
from rongcuo.clock import CST, FixedClock
from rongcuo.scheduler.sweep import Sweeper
from rongcuo.service.supervision import render, reports

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


def _templates(app: object, clock: FixedClock) -> list[str]:
    ids = [
        walk_licheng(app, clock),  # type: ignore[arg-type]
        walk_licheng(app, clock, subject="李某", agency=MARKET,  # type: ignore[arg-type]
                     script=_decided("lighter", "10.3,11.1", "2025-10-30")),
        walk_licheng(app, clock, subject="王某", agency=MARKET,  # type: ignore[arg-type]
                     script=_decided("not_tolerated", "12.1", "2025-11-03")),
        walk_licheng(app, clock, subject="赵某",  # type: ignore[arg-type]
                     script=_decided("duty_fulfilled", "9.1", "2026-01-12", notify=False)),
        licheng_to_determined(app, opened=date(2025, 12, 1),  # type: ignore[arg-type]
                              determined=date(2025, 12, 2), agency="区城管局"),
    ]
    clock.set(datetime(2026, 1, 20, 10, tzinfo=CST))
    Sweeper(app).sweep(clock.now())  # type: ignore[arg-type]
    return ids


def run(url: str, label: str, cases: int, repeat: int) -> None:
    clock = FixedClock(datetime(2025, 9, 26, 10, tzinfo=CST))
    app = bootstrap(database_url=url, clock=clock, migrate=True)
    templates = _templates(app, clock)
    t0 = time.perf_counter()
    per = cases // len(templates) - 1
    for t in templates:
        clone_case_with_events(app.store.engine, t, per, batch=5000)
    seeded = time.perf_counter() - t0
    if app.store.engine.dialect.name == "postgresql":
        with app.store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    with app.store.read() as conn:
        n_events = conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
    total = (per + 1) * len(templates)
    print(f"[{label}] seeded {total:,} cases / {n_events:,} events in {seeded:.1f} s",
          flush=True)
    counted, rendered = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        report = reports.annual_statistics(app, 2025)
        counted.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        book = render.workbook(report)
        rendered.append(time.perf_counter() - t0)
    # the figures must be the seeded ones: 5 kinds of case, (per + 1) of each
    assert report.figure("opened") == total, report.figures
    assert report.figure("decided") == 4 * (per + 1), report.figures
    assert report.figure("exempted") == 2 * (per + 1), report.figures
    print(f"[{label}] annual statistics (counts from the event log): "
          f"median {statistics.median(counted):.2f} s (runs: "
          f"{', '.join(f'{x:.2f}' for x in counted)})", flush=True)
    print(f"[{label}] workbook with 3 charts: median {statistics.median(rendered):.2f} s, "
          f"{len(book) / 1024:.0f} KiB", flush=True)
    app.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pg-url", default=DEFAULT_PG)
    args = ap.parse_args()
    rlog.configure(level="WARNING")
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                run(f"sqlite:///{tmp}/bench.sqlite3", "sqlite", args.cases, args.repeat)
        elif backend == "postgresql":
            url, name = _pg_db(args.pg_url)
            try:
                run(url, "postgresql", args.cases, args.repeat)
            finally:
                _drop_pg(args.pg_url, name)
        else:
            raise SystemExit(f"unknown backend {backend!r}")


if __name__ == "__main__":
    main()
