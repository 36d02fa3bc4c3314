"""The layers of ``src/rongcuo`` import only inward, as docs/ARCHITECTURE.md draws them, and
no module imports itself back through others (no import cycles).

A module's *layer* is its first package under ``rongcuo`` (``rongcuo.service.handlers.cases``
→ ``service``; ``rongcuo.adapters.db.store`` → ``adapters``).  Only imports made when a module
loads count for cycles (a function-level import is a deliberate, lazy one; a
``TYPE_CHECKING`` import is for the type checker only); every import counts for the layer
contract, lazy ones too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "rongcuo"

# who may import whom (besides itself); the root helpers are for everyone
BASE = {"clock", "logging", "paths", "domain"}
ALLOWED: dict[str, set[str]] = {
    "domain": set(),  # pure: see test_architecture.py for what else it may not import
    "clock": {"domain"},
    "logging": set(),
    "paths": set(),
    "definitions": {"domain", "paths"},  # edges that read files
    "calendars": {"domain", "paths"},
    "documents": {"domain"},  # the pure document model
    "testing": BASE | {"definitions", "calendars"},  # shipped fakes and scripts
    "adapters": BASE | {"documents"},  # database, notifier, renderers: never upward
    "service": BASE | {"adapters", "documents"},
    "audit": BASE | {"adapters", "service"},
    "scheduler": BASE | {"adapters", "service", "calendars"},
    "bench": BASE | {"adapters", "service", "bootstrap", "testing", "definitions"},
    "bootstrap": BASE | {"adapters", "service", "definitions", "calendars"},
    # entry points speak to the service layer (and the audit, scheduler and bench tools),
    # never to the store or another adapter directly
    "entrypoints": BASE | {"service", "audit", "scheduler", "bench", "bootstrap",
                           "definitions", "calendars", "documents"},
}


# Modules that still import across the layers (each entry must still be an offender: the
# test says when one can go).  Empty: the documents go through the service layer.
PENDING: set[str] = set()


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "rongcuo"


def _imports(tree: ast.Module, *, load_time_only: bool) -> Iterable[tuple[int, str]]:
    def visit(stmts: list[ast.stmt]) -> Iterable[tuple[int, str]]:
        for n in stmts:
            if isinstance(n, ast.If) and isinstance(n.test, ast.Name) and (
                n.test.id == "TYPE_CHECKING"
            ):
                continue
            if isinstance(n, ast.ImportFrom) and n.module and n.level == 0:
                yield n.lineno, n.module
                for a in n.names:
                    yield n.lineno, f"{n.module}.{a.name}"
            elif isinstance(n, ast.Import):
                for a in n.names:
                    yield n.lineno, a.name
            elif load_time_only and isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    child = getattr(n, field, None)
                    if isinstance(child, list):
                        yield from visit([c for c in child if isinstance(c, ast.stmt)]
                                         + [s for h in child if isinstance(h, ast.excepthandler)
                                            for s in h.body])

    yield from visit(tree.body)


def test_every_layer_imports_only_what_the_contract_allows() -> None:
    """Inward only: the domain imports no other layer, adapters never import the service
    layer, entry points never import an adapter (the store included)."""
    modules = _modules()
    offenders = []
    for name, path in modules.items():
        mine = _layer(name)
        if mine == "rongcuo":
            continue
        allowed = ALLOWED[mine]
        for line, target in _imports(ast.parse(path.read_text(encoding="utf-8")),
                                     load_time_only=False):
            if not target.startswith("rongcuo."):
                continue
            theirs = _layer(target)
            if theirs not in (mine, "rongcuo") and theirs not in allowed:
                offenders.append(f"{path.relative_to(SRC)}:{line}: {mine} -> {target}")
    pending = {o.split(":")[0] for o in offenders} & PENDING
    assert sorted({o for o in offenders if o.split(":")[0] not in PENDING}) == []
    assert pending == PENDING, f"no longer offending, drop from PENDING: {PENDING - pending}"


def test_every_layer_is_named_in_the_contract() -> None:
    """A new top-level package must be placed in the contract (and in the drawing)."""
    layers = {_layer(m) for m in _modules()} - {"rongcuo"}
    assert layers <= set(ALLOWED), layers - set(ALLOWED)


def test_no_module_imports_itself_back_when_it_loads() -> None:
    """No import cycle among the modules of ``src/rongcuo`` (Tarjan's strongly connected
    components over the imports made at load time)."""
    modules = _modules()
    graph = {
        name: {t for _, t in _imports(ast.parse(path.read_text(encoding="utf-8")),
                                      load_time_only=True)
               # a submodule importing its own package (``from rongcuo.audit import
               # checkpoint``) is how packages work, not a cycle
               if t in modules and t != name and not name.startswith(t + ".")}
        for name, path in modules.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            strong(v)
    assert cycles == []
