"""A definition written in YAML: text → (mapping, locator), checked against the JSON Schema.

The YAML node API gives every key and item its line, so a problem found anywhere later
(here, or by the domain's checks) is reported as ``FILE:LINE: problem``.  Duplicate keys,
which a YAML loader silently collapses (dropping a rule), are problems too.

Each text is parsed once (:func:`parse_yaml`): libyaml's C parser where it is installed
(``yaml.CSafeLoader``), the values constructed from the same nodes, and the line map built
from those nodes only when a problem asks for a line (issue 16: a command paid for two
pure-Python parses of every file).  A text the C parser refuses is parsed again by the
pure-Python one, so a syntax error reads the same either way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml

from rongcuo.definitions.schema import check_schema
from rongcuo.domain.workflow.problems import NO_LINES, Checker, Locator, Problem

_FastLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Constructor(_FastLoader):  # type: ignore[valid-type,misc]
    """Builds values from composed nodes, noting every key a mapping repeats (a loader
    keeps the last silently, dropping a rule)."""

    def __init__(self) -> None:
        super().__init__("")
        self.duplicates: list[tuple[int, str]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicates.append((key_node.start_mark.line + 1, str(key_node.value)))
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str) -> tuple[Any, YamlLines]:
    """The value ``text`` holds and its line map (walked on first use), from one parse; a
    syntax error is raised as :class:`yaml.YAMLError`, worded by the pure-Python parser."""
    try:
        root = yaml.compose(text, Loader=_FastLoader)
    except yaml.YAMLError:
        if _FastLoader is yaml.SafeLoader:
            raise
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # its wording, or a value after all
    if root is None:
        return None, YamlLines(None)
    loader = _Constructor()
    try:
        value = loader.construct_document(root)
    finally:
        loader.dispose()
    return value, YamlLines(root, loader.duplicates)


class YamlLines:
    """Maps a path inside the YAML document to the line it starts on (1-based); walks the
    nodes on the first question only (a valid file is never asked).  ``duplicates``: the
    (line, key) of every repeated key."""

    def __init__(self, root: yaml.Node | None,
                 duplicates: list[tuple[int, str]] | None = None) -> None:
        self._root = root
        self._map: dict[tuple[Any, ...], int] | None = None
        self.duplicates = list(duplicates or ())

    @property
    def _lines(self) -> dict[tuple[Any, ...], int]:
        if self._map is None:
            self._map = {}
            if self._root is not None:
                self._walk(self._root, ())
            self._root = None
        return self._map

    def _walk(self, node: yaml.Node, path: tuple[Any, ...]) -> None:
        lines = self._map
        assert lines is not None
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                lines[(*path, key)] = key_node.start_mark.line + 1
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
        doc, lines = parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        return None, NO_LINES, [Problem(filename, line, f"YAML syntax: {problem} (YAML 语法错误)")]
    chk = Checker(filename, lines)
    for line, key in lines.duplicates:
        chk.at_line(line, f"duplicate key '{key}' (重复的键)")
    if not isinstance(doc, dict):
        chk.error((), "定义文件必须是一个映射", "a definition must be a YAML mapping")
        return None, lines, chk.problems
    data: dict[str, Any] = jsonable(doc)
    check_schema(data, chk)
    return (None if chk.problems else data), lines, chk.problems
