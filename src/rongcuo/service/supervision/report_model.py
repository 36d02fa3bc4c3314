"""A report as a read model: summary figures, tables and the charts drawn from them.

The same model is printed as JSON (``--format json``), written as a workbook (``xlsx``: one
sheet per table, the charts embedded as images) and — once the web workplace exists — shown
there; every rendering reads these numbers, none computes its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Table:
    key: str
    title_zh: str
    title_en: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [r[i] for r in self.rows]

    def to_dict(self) -> dict[str, Any]:
        return {"title_zh": self.title_zh, "title_en": self.title_en,
                "columns": list(self.columns), "rows": [list(r) for r in self.rows],
                **({"note": self.note} if self.note else {})}


@dataclass(frozen=True)
class Chart:
    """A bar chart of one table: the labels of column ``label``, the values of ``value``."""

    key: str
    title_zh: str
    table: str
    label: str
    value: str
    horizontal: bool = False


@dataclass
class Report:
    kind: str
    title_zh: str
    title_en: str
    params: dict[str, Any]
    figures: list[tuple[str, str, int | float | str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def figure(self, key: str) -> int | float | str:
        return next(v for k, _, v in self.figures if k == key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "report": self.kind, "title_zh": self.title_zh, "title_en": self.title_en,
            "params": self.params,
            "figures": {k: {"label_zh": label, "value": v} for k, label, v in self.figures},
            "tables": {t.key: t.to_dict() for t in self.tables},
            "notes": self.notes,
        }
