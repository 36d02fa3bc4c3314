"""Benchmark: the CPU cost of one `rongcuo case show ID` process (prints figures; not a test).

    python benchmarks/bench_command.py [--runs 9] [--profile]

A case worker or a cron job pays a whole process per command.  This prints the CPU seconds
(user + system, of the child alone: ``resource.getrusage(RUSAGE_CHILDREN)`` around each run)
of three processes, run interleaved ``--runs`` times in an order rotated each round:

* ``bare import``: ``python -c "import sqlalchemy, click"`` — the floor of any command;
* ``case show, 3 definitions``: ``rongcuo case show ID`` with the shipped ``workflows/``
  (``licheng.yaml``, ``banan.yaml``, ``archive/banan-1.yaml``);
* ``case show, 12 definitions``: the same with ``RONGCUO_WORKFLOWS_DIR`` naming a temporary
  copy of ``workflows/`` plus 9 more definitions — copies of the shipped three under other ids,
  as more procedures would add;
* ``12, nothing cached``: the same with the cache of built definitions and calendars removed
  before each run (the first command after a change to the files or to rongcuo);

with their medians, ranges and the ratios issue 16 states its targets in: ``case show`` at
most 2x the bare import, and not growing with the number of definitions.  Then, from one
``python -X importtime`` run of ``case show`` on SQLite, the libraries it imports that it
does not use, with their cumulative import time, and the CPU each library (and the whole CLI)
adds to the bare import.  ``--profile`` also prints a pyinstrument profile of one ``case
show`` process.

Every process runs in the same interpreter and environment as this script, on a scratch
SQLite database (one Licheng case) under a temporary ``RONGCUO_HOME``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rongcuo import paths

BARE = [sys.executable, "-c", "import sqlalchemy, click"]

# What `case show` on SQLite imports without using it: the top-level name, and why not.
NOT_NEEDED = {
    "psycopg": "the PostgreSQL driver, on a SQLite database",
    "psycopg_binary": "the PostgreSQL driver's C part, on a SQLite database",
    "alembic": "migrations (only `db upgrade` and a first start need them)",
    "mako": "Alembic's template engine",
    "apscheduler": "the scheduler's timer (only `scheduler run`)",
    "jinja2": "the HTML case file (only `audit export`)",
    "cryptography": "checkpoint signatures (only `audit checkpoint`)",
    "rich": "structlog's pretty console (imported by structlog whenever it is installed)",
    "pygments": "rich's syntax highlighter",
    "SpiffWorkflow": "the comparison benchmark",
    "pyinstrument": "a profiler",
    "rongcuo.bench": "the benchmark modules",
    "rongcuo.adapters.db.synthetic": "the store benchmark's synthetic cases",
    "rongcuo.scheduler": "the sweep (only `scheduler …`)",
    "sqlmodel": "the ORM (the store's tables are SQLAlchemy Core)",
    "pydantic": "SQLModel's models",
}
# Needed only when a definition or a calendar file is parsed (a cache miss: after a change
# to the file, or to rongcuo); a definition built before is read back (by file hash).
NEEDED_TODAY = {
    "yaml": "parses the definitions and calendars (a cache miss only)",
    "jsonschema": "validates the definitions (a cache miss only)",
}


# What each library adds to the bare import, imported the way `case show` imports it.
MARGINAL = {
    "alembic": "import alembic.command, alembic.config, alembic.runtime.migration, alembic.script",
    "psycopg": "import psycopg",
    "sqlmodel (pydantic)": "import sqlmodel",
    "jsonschema": "import jsonschema",
    "yaml": "import yaml",
    "structlog (+ rich)": "import structlog",
    "transitions": "import transitions",
    "the whole CLI": "import rongcuo.entrypoints.cli.main",
}


def marginal(env: dict[str, str], runs: int) -> dict[str, float]:
    """Median CPU seconds each :data:`MARGINAL` import adds to ``import sqlalchemy, click``
    (each measured next to a bare run, interleaved)."""
    extra: dict[str, list[float]] = {k: [] for k in MARGINAL}
    for _ in range(runs):
        for name, stmt in MARGINAL.items():
            bare = child_cpu(BARE, env)
            extra[name].append(child_cpu([*BARE[:2], f"{BARE[2]}; {stmt}"], env) - bare)
    return {k: statistics.median(v) for k, v in extra.items()}


def rongcuo_argv() -> list[str]:
    """The ``rongcuo`` console script, run by this interpreter (as a shell would run it)."""
    script = Path(sys.executable).parent / "rongcuo"
    if script.is_file():
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "rongcuo.entrypoints.cli.main"]


def child_cpu(argv: Sequence[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one child process (its output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def twelve_definitions(into: Path) -> Path:
    """A copy of the shipped ``workflows/`` (calendars, schema, archive) with 9 more
    definitions: each shipped file three more times, under the ids ``<id>_copy<k>``."""
    shipped = paths.workflows_dir()
    root = into / "workflows"
    shutil.copytree(shipped, root)
    originals = sorted(shipped.glob("*.yaml")) + sorted((shipped / "archive").glob("*.yaml"))
    for path in originals:
        text = path.read_text(encoding="utf-8")
        wid = re.search(r"^id: (\S+)$", text, re.M)
        version = re.search(r"^version: \"?([^\"\s]+)\"?$", text, re.M)
        assert wid and version, f"{path}: no id or version line"
        for k in (1, 2, 3):
            new_id = f"{wid.group(1)}_copy{k}"
            copy = re.sub(r"^id: \S+$", f"id: {new_id}", text, count=1, flags=re.M)
            if path.parent.name == "archive":
                (root / "archive" / f"{new_id}-{version.group(1)}.yaml").write_text(copy, "utf-8")
            else:
                (root / f"{new_id}.yaml").write_text(copy, encoding="utf-8")
    return root


def count_definitions(env: dict[str, str]) -> int:
    out = subprocess.run([*rongcuo_argv(), "workflows", "list", "--json"], env=env,
                         check=True, capture_output=True, text=True).stdout
    return len(json.loads(out))  # one entry per (id, version)


def open_case(env: dict[str, str]) -> str:
    out = subprocess.run(
        [*rongcuo_argv(), "case", "open", "--workflow", "licheng", "--subject", "张三",
         "--agency", "区市场监管局", "--on", "2025-06-03", "--by", "基准", "--set",
         "matter=食品经营许可", "--json"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout
    return str(json.loads(out)["id"])


def imports_of(argv: Sequence[str], env: dict[str, str]) -> dict[str, int]:
    """Every module one run imports, with its cumulative import time in µs
    (``python -X importtime``)."""
    err = subprocess.run([sys.executable, "-X", "importtime", *argv[1:]], env=env,
                         check=True, capture_output=True, text=True).stderr
    found: dict[str, int] = {}
    for line in err.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            found.setdefault(m.group(3), int(m.group(1)))
    return found


def not_needed(found: dict[str, int]) -> list[tuple[str, float, str]]:
    """(name, cumulative ms, why) of each imported module of :data:`NOT_NEEDED` and
    :data:`NEEDED_TODAY`, the costliest first (a package's own line, or else the sum of its
    modules first imported elsewhere)."""
    rows = []
    for name, why in {**NOT_NEEDED, **NEEDED_TODAY}.items():
        hits = [us for mod, us in found.items() if mod == name or mod.startswith(name + ".")]
        if not hits:
            continue
        us = found.get(name, sum(hits))
        note = why if name in NOT_NEEDED else f"needed: {why}"
        rows.append((name, us / 1000, note))
    return sorted(rows, key=lambda r: -r[1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=9, help="interleaved runs of each process")
    p.add_argument("--profile", action="store_true", help="also profile one case show")
    p.add_argument("--import-runs", type=int, default=5,
                   help="runs of each library's marginal import cost (0: skip)")
    p.add_argument("--no-bytecode", action="store_true",
                   help="keep PYTHONDONTWRITEBYTECODE from the environment (every run compiles)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items()
               if k not in ("RONGCUO_DATABASE_URL", "RONGCUO_WORKFLOWS_DIR")}
        env["RONGCUO_HOME"] = str(Path(tmp) / "home")
        if not args.no_bytecode:
            # as an installed package runs (pip writes the bytecode): compiled once, in a
            # scratch folder, not on every run — PYTHONDONTWRITEBYTECODE would make every
            # process compile rongcuo's sources while the bare import's libraries load theirs
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        case_id = open_case(env)
        env12 = {**env, "RONGCUO_WORKFLOWS_DIR": str(twelve_definitions(Path(tmp)))}
        n3, n12 = count_definitions(env), count_definitions(env12)
        show = [*rongcuo_argv(), "case", "show", case_id]
        cold_home = Path(tmp) / "cold"
        shutil.copytree(env["RONGCUO_HOME"], cold_home)
        env_cold = {**env12, "RONGCUO_HOME": str(cold_home)}
        runs = {
            "bare import": (BARE, env),
            f"case show, {n3} definitions": (show, env),
            f"case show, {n12} definitions": (show, env12),
            # every definition and calendar parsed: the first command after a change
            f"  {n12}, nothing cached": (show, env_cold),
        }
        for argv, e in runs.values():  # warm the file cache and the bytecode
            child_cpu(argv, e)
        cpu: dict[str, list[float]] = {k: [] for k in runs}
        names = list(runs)
        for r in range(args.runs):
            for name in names[r % len(names):] + names[: r % len(names)]:
                if "nothing cached" in name:
                    shutil.rmtree(cold_home / "cache", ignore_errors=True)
                cpu[name].append(child_cpu(*runs[name]))
        load = os.getloadavg()[0]
        print(f"CPU seconds (user+sys) per process, {args.runs} interleaved runs; "
              f"load average {load:.2f} on {os.cpu_count()} CPUs; {sys.executable}; "
              f"bytecode {'compiled every run' if 'PYTHONDONTWRITEBYTECODE' in env else 'cached'}")
        med = {k: statistics.median(v) for k, v in cpu.items()}
        for name, xs in cpu.items():
            print(f"  {name:<28} {med[name]:6.3f} s  (min {min(xs):.3f}, max {max(xs):.3f})")
        bare, s3, s12, cold = (med[k] for k in names)
        print(f"  ratio case show / bare import: {s3 / bare:.2f}x with {n3} definitions, "
              f"{s12 / bare:.2f}x with {n12}  (target <= 2x, "
              f"{'meets' if max(s3, s12) <= 2 * bare else 'MISSES'})")
        print(f"  growth {n3} -> {n12} definitions: {s12 / s3:.2f}x "
              f"(+{(s12 - s3) * 1000 / (n12 - n3):.0f} ms CPU per definition; target: none)")
        print(f"  nothing cached ({n12} definitions parsed once each, and the calendar): "
              f"{cold / bare:.2f}x the bare import, {(cold - s12) * 1000:.0f} ms more")
        found = imports_of(show, env)
        print(f"\n`case show` on SQLite imports {len(found)} modules; of those it does not use "
              "(cumulative import time, one -X importtime run):")
        for name, ms, why in not_needed(found):
            print(f"  {name:<30} {ms:7.1f} ms  {why}")
        if args.import_runs:
            print(f"\nCPU each import adds to the bare import (median of {args.import_runs}, "
                  "each next to a bare run):")
            for name, sec in marginal(env, args.import_runs).items():
                print(f"  {name:<24} +{sec * 1000:6.0f} ms")
        if args.profile:
            print()
            subprocess.run([sys.executable, "-m", "pyinstrument", "--show-all", "-r", "text",
                            *show[1:]], env=env, check=False)


if __name__ == "__main__":
    main()
