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
