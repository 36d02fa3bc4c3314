"""The domain stays pure: it imports no I/O framework and no file format, and never reads the
wall clock.  The installed package holds no tool that breaks the insert-only log, and never
imports the tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "rongcuo"
DOMAIN = PACKAGE / "domain"
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
    offenders: list[str] = []
    for path in _domain_files():
        for name in _imports(path):
            if not _hits(name, FORMAT_MODULES):
                continue
            offenders.append(f"{path.relative_to(DOMAIN)}: {name}")
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


# Statements that defeat the insert-only event log: dropping or disabling its triggers, or
# editing and deleting its rows (in SQL text or through SQLAlchemy's update()/delete()).
TAMPERING = re.compile(
    r"DROP\s+TRIGGER|DISABLE\s+TRIGGER"
    r"|UPDATE\s+\"?events\"?\s+SET|DELETE\s+FROM\s+\"?events\b|TRUNCATE\s+(TABLE\s+)?\"?events\b"
    r"|\bevents\s*\.\s*(update|delete)\s*\(|\b(update|delete)\(\s*([\w.]+\.)?events\b",
    re.IGNORECASE,
)


def _tampering(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for m in TAMPERING.finditer(text):
            found.append(f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}")
    return found


def _shipped_text_files() -> list[Path]:
    # An Alembic migration's downgrade may drop the events table with its triggers: that is a
    # reviewed schema change, not a tool (and migrations are outside the package today).
    files = [
        p for p in sorted(PACKAGE.rglob("*"))
        if p.is_file() and p.suffix in {".py", ".sql", ".j2", ".html", ".txt"}
        and "migrations" not in p.relative_to(PACKAGE).parts
    ]
    assert files, "the package must exist"
    return files


def test_the_package_never_drops_triggers_or_edits_events() -> None:
    """The event log is insert-only and a correction is a new event (历城办法第十四条 归档):
    nothing shipped drops or disables its triggers, or issues UPDATE/DELETE on ``events``.
    The tools that do, to prove ``audit verify`` notices, live in ``tests/support``."""
    assert _tampering(_shipped_text_files()) == []


def test_the_tampering_check_recognises_the_test_only_tools() -> None:
    """The check above is not vacuous: it finds each kind of statement the tamper tools use."""
    found = _tampering([ROOT / "tests" / "support" / "tamper.py"])
    assert len(found) >= 6, found
    samples = [
        'conn.exec_driver_sql("DROP TRIGGER IF EXISTS events_no_update")',
        "ALTER TABLE events DISABLE TRIGGER USER",
        'UPDATE "events" SET actor = 1',
        "delete from events where id = 1",
        "conn.execute(t.events.update().values(actor='x'))",
        "conn.execute(sa.delete(tables.events))",
    ]
    assert [s for s in samples if not TAMPERING.search(s)] == []
    assert TAMPERING.search("UPDATE deadlines SET due = :d") is None


def test_the_package_never_imports_the_tests() -> None:
    """``tests`` is not installed: an import of it from ``src/`` would fail in production."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute | ast.Name)
                and getattr(node.func, "attr", getattr(node.func, "id", None))
                in {"import_module", "__import__"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                names = [node.args[0].value]
            for name in names:
                if name == "tests" or name.startswith(("tests.", "conftest")):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
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
