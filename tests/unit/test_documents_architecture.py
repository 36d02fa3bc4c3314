"""The document layer's pure part imports no renderer, database or clock; the renderers are
imported only when a document is rendered."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PURE = Path(__file__).resolve().parents[2] / "src" / "rongcuo" / "documents"
FORBIDDEN = ("weasyprint", "docxtpl", "docx", "jinja2", "sqlalchemy", "sqlmodel", "click",
             "structlog", "rongcuo.adapters", "rongcuo.service", "rongcuo.entrypoints",
             "rongcuo.bootstrap", "rongcuo.clock", "rongcuo.audit")


def test_the_document_model_imports_no_renderer_database_or_clock() -> None:
    """rongcuo.documents is pure: rendering and storage are adapters."""
    offenders = []
    for path in sorted(PURE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if any(n == m or n.startswith(m + ".") for m in FORBIDDEN)]
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("now", "today", "utcnow")):
                offenders.append(f"{path.name}:{node.lineno} reads the clock")
    assert offenders == []


def test_the_cli_and_the_renderer_modules_load_without_weasyprint_or_docxtpl() -> None:
    """`rongcuo` starts without paying for WeasyPrint or docxtpl (imported on first render)."""
    code = ("import sys, rongcuo.entrypoints.cli.main, rongcuo.adapters.documents.render, "
            "rongcuo.service.case_file, rongcuo.service.handlers.cases; "
            "print(sorted(m for m in ('weasyprint', 'docxtpl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
