"""Where the CPU of a `rongcuo case show` process goes, phase by phase (prints; not a test).

    python benchmarks/profile_command.py [--runs 5]

Each run is a fresh interpreter (imports are cold, as for a case worker's command) that
does what ``rongcuo case show ID`` does, cut at its seams, and prints the CPU of each phase:
the imports ``python -c "import sqlalchemy, click"`` also pays, the rest of the CLI's imports,
``bootstrap`` (engine, SQLite probe, the Alembic revision check), the definitions, the
calendar, the compiled machine, and the case read and rendered.  Then, in the same process,
what the fixes issue 16 names would cost instead: the definitions' two YAML passes with the
C loader (``yaml.CSafeLoader``), the JSON Schema check alone, and a built definition read
back from a cache (``pickle.loads``).  Medians over ``--runs`` processes.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PHASES = (
    "interpreter start-up (python -c pass)",
    "import sqlalchemy, click",
    "import the rest of the CLI",
    "bootstrap (engine, SQLite probe, Alembic check)",
    "parse + validate the definitions",
    "load the calendar",
    "build the engine (compile the machine)",
    "load the case, render the view",
)
WHAT_IF = (
    "definitions' YAML, 2 passes, pure Python (today)",
    "definitions' YAML, 2 passes, C loader",
    "JSON Schema validation of the definitions",
    "built definitions from a cache (pickle.loads)",
)


def child(case_id: str) -> None:
    """One ``case show`` cut at its seams; prints the CPU ms of each phase as JSON."""
    cpu = time.process_time
    out: dict[str, float] = {}
    t = cpu()
    import click  # noqa: F401  # the bare import's share
    import sqlalchemy  # noqa: F401

    t, out[PHASES[1]] = cpu(), cpu() - t
    from rongcuo.entrypoints.cli import main  # noqa: F401  # every group registered

    t, out[PHASES[2]] = cpu(), cpu() - t
    from rongcuo.bootstrap import bootstrap
    from rongcuo.service import views

    app = bootstrap()
    t, out[PHASES[3]] = cpu(), cpu() - t
    defs = app.definitions
    t, out[PHASES[4]] = cpu(), cpu() - t
    app.calendar  # noqa: B018  # loaded on first use
    t, out[PHASES[5]] = cpu(), cpu() - t
    rec = app.store.load_case(case_id)
    app.engine_for(rec.workflow_id, rec.workflow_version)
    t, out[PHASES[6]] = cpu(), cpu() - t
    views.show_text(app, rec, "zh")
    out[PHASES[7]] = cpu() - t
    app.close()
    out.update(what_if(defs))
    print(json.dumps({k: v * 1000 for k, v in out.items()}))


def what_if(defs: object) -> dict[str, float]:
    """CPU seconds of the alternatives, on the same definition files (warm)."""
    import jsonschema
    import yaml
    from rongcuo.domain.definition import SCHEMA, _jsonable

    from rongcuo.definitions import definition_files
    from rongcuo.paths import workflows_dir

    texts = [p.read_text(encoding="utf-8") for p in definition_files(workflows_dir())]
    cpu = time.process_time
    out = {}
    for name, loader in ((WHAT_IF[0], yaml.SafeLoader), (WHAT_IF[1], yaml.CSafeLoader)):
        t = cpu()
        docs = [(yaml.compose(x, Loader=loader), yaml.load(x, Loader=loader)) for x in texts]
        out[name] = cpu() - t
    t = cpu()
    for _, doc in docs:
        validator = jsonschema.Draft202012Validator(
            SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        list(validator.iter_errors(_jsonable(doc)))
    out[WHAT_IF[2]] = cpu() - t
    blob = pickle.dumps(defs)
    t = cpu()
    pickle.loads(blob)
    out[WHAT_IF[3]] = cpu() - t
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--child", metavar="CASE_ID", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items()
               if k not in ("RONGCUO_DATABASE_URL", "RONGCUO_WORKFLOWS_DIR")}
        env["RONGCUO_HOME"] = str(Path(tmp) / "home")
        rongcuo = [sys.executable, "-m", "rongcuo.entrypoints.cli.main"]
        opened = subprocess.run(
            [*rongcuo, "case", "open", "--workflow", "licheng", "--subject", "张三", "--agency",
             "区市场监管局", "--on", "2025-06-03", "--by", "基准", "--set", "matter=食品经营许可",
             "--json"], env=env, check=True, capture_output=True, text=True).stdout
        case_id = json.loads(opened)["id"]
        runs: list[dict[str, float]] = []
        for _ in range(args.runs):
            import resource

            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
            got = subprocess.run([sys.executable, __file__, "--child", case_id], env=env,
                                 check=True, capture_output=True, text=True).stdout
            runs.append({PHASES[0]: start, **json.loads(got)})
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    total = sum(med[k] for k in PHASES)
    print(f"CPU ms of one `case show`, median of {args.runs} processes "
          f"(load average {os.getloadavg()[0]:.2f}): total {total:.0f} ms")
    for k in PHASES:
        print(f"  {k:<50}{med[k]:8.1f} ms  {med[k] / total:6.1%}")
    print("the same definitions, other ways (warm, in the same process):")
    for k in WHAT_IF:
        print(f"  {k:<50}{med[k]:8.1f} ms")


if __name__ == "__main__":
    main()
