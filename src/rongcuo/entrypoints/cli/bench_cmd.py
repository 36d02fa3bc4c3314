"""`rongcuo bench` — benchmarks that PRINT figures (a group: other parts add sub-commands).

``rongcuo bench store`` — durable transitions/s with 1 and 8 processes on SQLite and
PostgreSQL next to a raw-driver baseline doing the same writes (issue 4; target: the store at
1 process reaches at least 50% of the raw baseline).
"""

from __future__ import annotations

import os
import tempfile

import click

from rongcuo.adapters.db import bench


@click.group(name="bench")
def command() -> None:
    """benchmarks (print figures; no pass/fail)"""


@command.command("store")
@click.option(
    "--db",
    "dbs",
    multiple=True,
    metavar="URL",
    help="database(s) to measure; default: a scratch SQLite file and a scratch "
    "PostgreSQL database on RONGCUO_BENCH_PG_URL (or the local server)",
)
@click.option("--processes", default="1,8", show_default=True, help="comma-separated counts")
@click.option("--n", "n", default=400, show_default=True, help="transitions per measurement")
@click.option("--rounds", default=3, show_default=True, help="interleaved rounds; best kept")
def store_cmd(dbs: tuple[str, ...], processes: str, n: int, rounds: int) -> None:
    """Durable transitions/s: the store vs a raw-driver baseline, and their ratio."""
    counts = [int(p) for p in processes.split(",") if p.strip()]
    scratch: list[str] = []
    admin = os.environ.get(
        "RONGCUO_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    with tempfile.TemporaryDirectory() as tmp:
        urls = list(dbs)
        if not urls:
            urls.append(bench.scratch_sqlite_url(tmp))
            pg = bench.scratch_pg_database(admin)
            if pg:
                urls.append(pg)
                scratch.append(pg)
            else:
                click.echo(f"(PostgreSQL not reachable at {admin}: skipped)", err=True)
        click.echo(
            f"{'backend':<11}{'procs':>6}{'transitions':>13}{'store/s':>10}"
            f"{'raw/s':>10}{'store/raw':>11}"
        )
        try:
            for url in urls:
                for p in counts:
                    r = bench.bench_url(url, p, n, rounds)
                    click.echo(
                        f"{r.backend:<11}{r.processes:>6}{r.transitions:>13}"
                        f"{r.store_tps:>10.1f}{r.raw_tps:>10.1f}{r.ratio:>10.0%}"
                    )
        finally:
            for url in scratch:
                bench.drop_pg_database(url, admin)
    click.echo(
        "store: load case + one transaction (version-checked case update, hash-chained "
        "event insert, deadline upsert); raw: the same three writes, bare driver."
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    click.echo(
        f"best of {rounds} interleaved rounds each; load average {load:.1f} on "
        f"{os.cpu_count()} CPUs (a busy machine makes these figures noisy)."
    )
