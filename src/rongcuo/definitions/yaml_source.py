"""A definition written in YAML: text → (mapping, locator), checked against the JSON Schema.

The YAML node API gives every key and item its line, so a problem found anywhere later
(here, or by the domain's checks) is reported as ``FILE:LINE: problem``.  Duplicate keys,
which a YAML loader silently collapses (dropping a rule), are problems too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml

from rongcuo.definitions.schema import check_schema
from rongcuo.domain.workflow.problems import NO_LINES, Checker, Locator, Problem


class YamlLines:
    """Maps a path inside the YAML document to the line it starts on (1-based)."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._lines: dict[tuple[Any, ...], int] = {}
        self.duplicates: list[tuple[int, str]] = []
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: tuple[Any, ...]) -> None:
        self._lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    self.duplicates.append((key_node.start_mark.line + 1, str(key)))
                seen.add(key)
                self._lines[(*path, key)] = key_node.start_mark.line + 1
                self._walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, (*path, i))

    def line(self, *path: Any) -> int | None:
        p = tuple(path)
        while p:
            if p in self._lines:
                return self._lines[p]
            p = p[:-1]
        return self._lines.get((), None)


def jsonable(value: Any) -> Any:
    """YAML dates become ISO strings so the JSON Schema sees what a JSON file would hold."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k) if isinstance(k, int) else k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def read_yaml(text: str, filename: str) -> tuple[dict[str, Any] | None, Locator, list[Problem]]:
    """The schema-checked mapping ``text`` holds (None if it cannot be built on), the line
    map of the text, and every problem found so far."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        return None, NO_LINES, [Problem(filename, line, f"YAML syntax: {problem} (YAML 语法错误)")]
    lines = YamlLines(root)
    chk = Checker(filename, lines)
    for line, key in lines.duplicates:
        chk.at_line(line, f"duplicate key '{key}' (重复的键)")
    if not isinstance(doc, dict):
        chk.error((), "定义文件必须是一个映射", "a definition must be a YAML mapping")
        return None, lines, chk.problems
    data: dict[str, Any] = jsonable(doc)
    check_schema(data, chk)
    return (None if chk.problems else data), lines, chk.problems
