"""Loading workflow definitions from disk (the I/O edge of ``rongcuo.domain.definition``).

``workflows/*.yaml`` hold the current version of each procedure; ``workflows/archive/``
holds older versions (``<id>-<version>.yaml``) so a case is always replayed under the version
it was opened with.  ``registry.get(id)`` returns the newest version, ``get(id, version)`` a
pinned one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from rongcuo import paths
from rongcuo.domain.definition import (
    Problem,
    WorkflowDefinition,
    check_definition,
    parse_definition,
)
from rongcuo.domain.errors import DefinitionError


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort versions naturally: "2025.10" after "2025.9"."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", version))


class DefinitionRegistry:
    """Every loaded definition, by ``(id, version)``."""

    def __init__(self, definitions: Iterable[WorkflowDefinition] = ()) -> None:
        self._by_key: dict[tuple[str, str], WorkflowDefinition] = {}
        for d in definitions:
            self.add(d)

    def add(self, definition: WorkflowDefinition) -> None:
        old = self._by_key.get(definition.key)
        if old is not None and old != definition:
            raise DefinitionError(
                f"{definition.id} {definition.version} 有两份不同的定义"
                f"（{old.filename} 与 {definition.filename}）",
                f"two different definitions of {definition.id} {definition.version} "
                f"({old.filename} and {definition.filename})",
                code="definition.duplicate_version",
            )
        self._by_key[definition.key] = definition

    def get(self, id: str, version: str | None = None) -> WorkflowDefinition:
        """The definition ``id`` at ``version`` (default: the newest)."""
        if version is not None:
            d = self._by_key.get((id, version))
            if d is None:
                known = ", ".join(self.versions(id)) or "—"
                raise DefinitionError(
                    f"没有流程 {id} 的版本 {version}（已有：{known}）",
                    f"no definition {id} version {version} (known: {known})",
                    code="definition.not_found",
                )
            return d
        versions = self.versions(id)
        if not versions:
            known = ", ".join(self.ids()) or "—"
            raise DefinitionError(
                f"没有流程 {id}（已有：{known}）",
                f"no workflow definition '{id}' (known: {known})",
                code="definition.not_found",
            )
        return self._by_key[(id, versions[-1])]

    def ids(self) -> list[str]:
        return sorted({k[0] for k in self._by_key})

    def versions(self, id: str) -> list[str]:
        return sorted((v for i, v in self._by_key if i == id), key=_version_key)

    def __iter__(self) -> Iterator[WorkflowDefinition]:
        return iter(self._by_key[k] for k in sorted(self._by_key))

    def __len__(self) -> int:
        return len(self._by_key)


def definition_files(dir: Path) -> list[Path]:
    """The current definitions (``*.yaml``) and the archived versions (``archive/*.yaml``)."""
    files = sorted(p for p in dir.glob("*.yaml") if p.is_file())
    archive = dir / "archive"
    if archive.is_dir():
        files += sorted(p for p in archive.glob("*.yaml") if p.is_file())
    return files


def load_definition(path: Path) -> WorkflowDefinition:
    return parse_definition(path.read_text(encoding="utf-8"), str(path))


def load_definitions(dir: Path | None = None) -> DefinitionRegistry:
    """Load every definition of ``dir`` (default: :func:`rongcuo.paths.workflows_dir`)."""
    root = dir if dir is not None else paths.workflows_dir()
    return DefinitionRegistry(load_definition(p) for p in definition_files(root))


def validate_files(files: Sequence[Path]) -> list[Problem]:
    """Every problem of every file (an empty list: all valid)."""
    problems: list[Problem] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), None, f"cannot read the file: {exc} (无法读取)"))
            continue
        problems.extend(check_definition(text, str(path))[1])
    return problems
