"""What a command imports (issue 16): ``rongcuo case show`` on SQLite loads only what it uses.

A case worker or a cron job pays a whole process per command; libraries a command does not
use must not be imported by it.  Each test runs the real command in a fresh interpreter and
inspects ``sys.modules`` as the process exits — a test of what is imported, not of time (the
time is printed by ``benchmarks/bench_command.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Never used by `case show` on SQLite: the PostgreSQL driver, migrations, the scheduler, the
# renderers of documents, workbooks, charts and case files, the benchmarks, SpiffWorkflow,
# the ORM layer, structlog's pretty console.
NEVER = (
    "psycopg", "psycopg_binary", "alembic", "mako", "apscheduler", "weasyprint", "docxtpl",
    "docx", "openpyxl", "matplotlib", "jinja2", "SpiffWorkflow", "pyinstrument",
    "rongcuo.bench", "rongcuo.scheduler", "rongcuo.adapters.db.migrate",
    "rongcuo.adapters.documents", "rongcuo.adapters.reports", "sqlmodel", "pydantic", "rich",
    "pygments", "cryptography", "rongcuo.adapters.reporters.vault",
)
# Needed only to parse a definition or a calendar file, never when it was built before.
PARSING = ("yaml", "jsonschema", "rongcuo.definitions.yaml_source",
           "rongcuo.calendars.calendar_yaml")

_PROBE = """
import atexit, json, sys
OUT = sys.argv[1]
def _dump():
    with open(OUT, "w") as f:
        json.dump(sorted(sys.modules), f)
atexit.register(_dump)
sys.argv = ["rongcuo", *sys.argv[2:]]
from rongcuo.entrypoints.cli.main import main
main()
"""


def _run(tmp_path: Path, env: dict[str, str], *args: str) -> tuple[str, set[str]]:
    out = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(out), *args], env=env,
                          capture_output=True, text=True, check=True)
    return proc.stdout, set(json.loads(out.read_text()))


def _imported(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules for n in names if m == n or m.startswith(n + "."))


def _open(tmp_path: Path, env: dict[str, str]) -> str:
    opened, _ = _run(tmp_path, env, "case", "open", "--workflow", "licheng", "--subject", "张三",
                     "--agency", "区市场监管局", "--on", "2025-06-03", "--by", "测试",
                     "--set", "matter=食品经营许可", "--json")
    return str(json.loads(opened)["id"])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items()
         if k not in ("RONGCUO_DATABASE_URL", "RONGCUO_WORKFLOWS_DIR", "RONGCUO_LOG_FORMAT")}
    e["RONGCUO_HOME"] = str(tmp_path / "home")
    return e


def test_case_show_on_sqlite_imports_only_what_it_uses(tmp_path: Path,
                                                       env: dict[str, str]) -> None:
    case_id = _open(tmp_path, env)
    shown, modules = _run(tmp_path, env, "case", "show", case_id)
    assert case_id in shown and "立案期限" in shown  # it did show the case and its deadline
    assert "rongcuo.adapters.db.store" in modules and "sqlalchemy" in modules
    assert _imported(modules, NEVER) == []
    # the definitions and the calendar were built by `case open`: read back, not parsed
    assert _imported(modules, PARSING) == []


def test_a_first_case_show_parses_but_still_imports_no_unused_library(
        tmp_path: Path, env: dict[str, str]) -> None:
    case_id = _open(tmp_path, env)
    cache = Path(env["RONGCUO_HOME"]) / "cache"
    for entry in sorted(cache.rglob("*.pickle")):
        entry.unlink()  # as after a change to the definitions or an upgrade
    shown, modules = _run(tmp_path, env, "case", "show", case_id)
    assert case_id in shown
    assert "yaml" in modules  # parsed this time
    assert _imported(modules, NEVER) == []
    assert sorted(cache.rglob("*.pickle"))  # and kept for the next command
