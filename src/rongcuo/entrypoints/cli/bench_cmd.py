"""`rongcuo bench` — benchmarks that PRINT figures (a group: other parts add sub-commands).

``rongcuo bench store`` — durable transitions/s with 1 and 8 processes on SQLite and
PostgreSQL next to a raw-driver baseline doing the same writes, and their ratio against
issue 16's targets (at least 80% at 1 process, 70% at 8).

``rongcuo bench compare`` — one Licheng step: our engine in memory, our stateless step (row in
→ rows out), SpiffWorkflow's stateless step on the same walk as a BPMN model, and a bare
``transitions`` trigger; medians, ranges and the ratios of issue 16.  SpiffWorkflow is an
optional extra (``pip install 'rongcuo[bench]'``).

The measuring code (:mod:`rongcuo.bench`) and SpiffWorkflow are imported only when one of
these runs: every other command starts without them.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click


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
@click.option("--json", "as_json", is_flag=True, help="one JSON object per measurement")
def store_cmd(dbs: tuple[str, ...], processes: str, n: int, rounds: int, as_json: bool) -> None:
    """Durable transitions/s: the store vs a raw-driver baseline, and their ratio."""
    from rongcuo.bench import store as bench

    counts = [int(p) for p in processes.split(",") if p.strip()]
    scratch: list[str] = []
    admin = os.environ.get(
        "RONGCUO_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    results = []
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
        if not as_json:
            click.echo(
                f"{'backend':<11}{'procs':>6}{'transitions':>13}{'store/s':>10}"
                f"{'raw/s':>10}{'store/raw':>11}  {'per round':<13}target"
            )
        try:
            for url in urls:
                for p in counts:
                    r = bench.bench_url(url, p, n, rounds)
                    results.append(r)
                    if as_json:
                        click.echo(json.dumps(r.to_json()))
                        continue
                    spread = (
                        f"{min(r.round_ratios):.0%}–{max(r.round_ratios):.0%}"
                        if r.round_ratios else "—"
                    )
                    click.echo(
                        f"{r.backend:<11}{r.processes:>6}{r.transitions:>13}"
                        f"{r.store_tps:>10.1f}{r.raw_tps:>10.1f}{r.ratio:>10.0%}  "
                        f"{spread:<13}≥ {r.target:.0%} {'meets' if r.meets else 'MISSES'}"
                    )
        finally:
            for url in scratch:
                bench.drop_pg_database(url, admin)
    if as_json:
        return
    click.echo(
        "store: load case + one transaction (version-checked case update, hash-chained "
        "event insert, deadline upsert); raw: the same three writes, bare driver."
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    click.echo(
        f"store/raw: best rate of each over {rounds} interleaved rounds (per round: the two "
        f"measured side by side); load average {load:.1f} on {os.cpu_count()} CPUs "
        "(a busy machine makes these figures noisy)."
    )


@command.command("compare")
@click.option("--rounds", default=5, show_default=True, type=click.IntRange(min=1),
              help="interleaved rounds (medians over them)")
@click.option("--walks", default=50, show_default=True, type=click.IntRange(min=1),
              help="Licheng walks (16 steps each) per measure and round")
@click.option("--model", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="the BPMN model (default: benchmarks/licheng.bpmn)")
@click.option("--json", "as_json", is_flag=True,
              help='print {"engine_us", "stateless_us", "spiff_stateless_us", '
              '"bare_transitions_us", "rounds", "load"} (medians; a contract)')
def compare_cmd(rounds: int, walks: int, model: Path | None, as_json: bool) -> None:
    """One Licheng step: our engine, our stateless step, SpiffWorkflow, bare transitions."""
    from rongcuo.bench.spiff import require_spiff

    require_spiff()  # before anything is measured: say how to install it
    from rongcuo.bench.compare import compare, default_model

    result = compare(model or default_model(), rounds=rounds, walks=walks)
    if as_json:
        click.echo(json.dumps(result.to_json()))
    else:
        for line in result.report():
            click.echo(line)
