"""Validation problems: where a definition is wrong, and what is wrong.

A problem names the file and, where the source has lines, the line (``FILE:LINE: problem``).
The domain never sees the file format: a :class:`Locator` maps a path inside the definition
mapping (``("triggers", "determine", "guards", 3)``) to the line it starts on.  The YAML edge
(:mod:`rongcuo.definitions.yaml_source`) supplies one built from the parsed nodes; a mapping
with no lines (a form, a table row) uses :data:`NO_LINES`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Problem:
    """One validation error: where it is and what is wrong."""

    file: str
    line: int | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.problem}"


class Locator(Protocol):
    """Path inside the definition mapping → the 1-based line it starts on (None: unknown).

    A path that has no line of its own falls back to its nearest ancestor's."""

    def line(self, *path: Any) -> int | None: ...


class _NoLines:
    def line(self, *path: Any) -> int | None:
        return None


NO_LINES: Locator = _NoLines()


class Checker:
    """Collects every problem of one definition, each placed by the locator."""

    def __init__(self, filename: str, locator: Locator = NO_LINES) -> None:
        self.filename = filename
        self.locator = locator
        self.problems: list[Problem] = []

    def error(self, path: Iterable[Any], zh: str, en: str) -> None:
        """A problem at ``path``: the English text first, the Chinese in brackets."""
        self.problems.append(Problem(self.filename, self.locator.line(*path), f"{en} ({zh})"))

    def at_line(self, line: int | None, text: str) -> None:
        """A problem the source format found itself (a syntax error, a duplicate key)."""
        self.problems.append(Problem(self.filename, line, text))
