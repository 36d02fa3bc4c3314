"""The domain stays pure: it imports no I/O framework and never reads the wall clock."""

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


def _domain_files() -> list[Path]:
    files = sorted(DOMAIN.rglob("*.py"))
    assert files, "the domain package must exist"
    return files


def test_domain_imports_no_io_framework() -> None:
    offenders = []
    for path in _domain_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if any(name == m or name.startswith(m + ".") for m in FORBIDDEN_MODULES):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


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


def test_the_legal_clock_reads_no_file_format_and_no_calendar_privates() -> None:
    """The legal clock (``domain/calendar/``, ``domain/periods/``) imports no file-format
    library — calendar files are parsed at the edge, in ``rongcuo.calendars`` — and the period
    counting uses the calendar's public ordinal index, never a ``WorkCalendar`` private."""
    offenders = []
    for sub in ("calendar", "periods"):
        for path in sorted((DOMAIN / sub).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [
                    f"{sub}/{path.name}: {n}"
                    for n in names
                    if n.split(".")[0] in {"yaml", "jsonschema"}
                ]
                if (
                    sub == "periods"
                    and isinstance(node, ast.Attribute)
                    and node.attr.startswith("_")
                    and isinstance(node.value, ast.Name)
                    and node.value.id in {"cal", "calendar"}
                ):
                    offenders.append(f"{sub}/{path.name}:{node.lineno}: {node.attr}")
    assert offenders == []
