"""The domain stays pure: it imports no I/O framework and no file format, and never reads the
wall clock."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "src" / "rongcuo" / "domain"
FORBIDDEN_MODULES = (
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "apscheduler",
    "click",
    "structlog",
    "psycopg",
    "rongcuo.adapters",
    "rongcuo.service",
    "rongcuo.entrypoints",
    "rongcuo.scheduler",
    "rongcuo.clock",
)
FORBIDDEN_CALLS = ("now", "today", "utcnow", "time")
# File formats belong to the edge (rongcuo.definitions parses YAML and runs the JSON Schema);
# the domain receives built definitions.
FORMAT_MODULES = ("yaml", "jsonschema")
# The calendar-file reader still lives in domain/calendar.py until the calendar split moves it
# to the edge; it is the one module allowed a format import meanwhile (and only while it has one).
FORMAT_PENDING = {"calendar.py"}


def _domain_files() -> list[Path]:
    files = sorted(DOMAIN.rglob("*.py"))
    assert files, "the domain package must exist"
    return files


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def _hits(name: str, modules: tuple[str, ...]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in modules)


def test_domain_imports_no_io_framework() -> None:
    """The database, the scheduler, the CLI, logging and the outer layers stay outside."""
    offenders = [
        f"{path.relative_to(DOMAIN)}: {name}"
        for path in _domain_files()
        for name in _imports(path)
        if _hits(name, FORBIDDEN_MODULES)
    ]
    assert offenders == []


def test_domain_imports_no_file_format() -> None:
    """No YAML and no JSON Schema in the domain: definitions arrive built (issue: the domain
    imports no file format)."""
    offenders, pending = [], set()
    for path in _domain_files():
        for name in _imports(path):
            if not _hits(name, FORMAT_MODULES):
                continue
            if str(path.relative_to(DOMAIN)) in FORMAT_PENDING:
                pending.add(str(path.relative_to(DOMAIN)))
            else:
                offenders.append(f"{path.relative_to(DOMAIN)}: {name}")
    assert offenders == []
    assert pending == FORMAT_PENDING, "a pending module no longer imports a format: drop it"


def test_domain_never_reads_the_wall_clock() -> None:
    offenders = []
    for path in _domain_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in FORBIDDEN_CALLS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"datetime", "date", "time"}
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
