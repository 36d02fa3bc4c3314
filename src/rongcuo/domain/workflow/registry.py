"""Every loaded definition, by ``(id, version)``.

A case is pinned to the version it was opened under and always replays under it:
``get(id, version)`` returns that version, ``get(id)`` the newest, and ``in_force(id, on)``
the version in force on a date (the one a case opened that day is filed under).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from rongcuo.domain.errors import DefinitionError
from rongcuo.domain.messages import message
from rongcuo.domain.workflow.model import WorkflowDefinition

MSG_DEFINITION_DUPLICATE_VERSION = message(
    "definition.duplicate_version",
    "{id} {version} 有两份不同的定义（{filename} 与 {filename2}）",
    "two different definitions of {id} {version} ({filename} and {filename2})",
)

MSG_DEFINITION_NOT_FOUND = message(
    "definition.not_found",
    "没有流程 {id}（已有：{known}）",
    "no workflow definition '{id}' (known: {known})",
)

MSG_DEFINITION_NOT_FOUND_REGISTRY = message(
    "definition.not_found/registry",
    "没有流程 {id} 的版本 {version}（已有：{known}）",
    "no definition {id} version {version} (known: {known})",
)


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort versions naturally: "2025.10" after "2025.9"."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", version))


def _covers(definition: WorkflowDefinition, on: date) -> bool:
    frm, to = definition.in_force
    return (frm is None or frm <= on) and (to is None or on <= to)


class DefinitionRegistry:
    """Every loaded definition, by ``(id, version)``."""

    def __init__(self, definitions: Iterable[WorkflowDefinition] = ()) -> None:
        self._by_key: dict[tuple[str, str], WorkflowDefinition] = {}
        for d in definitions:
            self.add(d)

    def add(self, definition: WorkflowDefinition) -> None:
        old = self._by_key.get(definition.key)
        if old is not None and old != definition:
            raise DefinitionError.of(
                MSG_DEFINITION_DUPLICATE_VERSION,
                id=definition.id,
                version=definition.version,
                filename=old.filename,
                filename2=definition.filename,
            )
        self._by_key[definition.key] = definition

    def get(self, id: str, version: str | None = None) -> WorkflowDefinition:
        """The definition ``id`` at ``version`` (default: the newest)."""
        if version is not None:
            d = self._by_key.get((id, version))
            if d is None:
                known = ", ".join(self.versions(id)) or "—"
                raise DefinitionError.of(
                    MSG_DEFINITION_NOT_FOUND_REGISTRY,
                    id=id,
                    version=version,
                    known=known,
                )
            return d
        return self._by_key[(id, self._newest(id))]

    def in_force(self, id: str, on: date) -> WorkflowDefinition:
        """The newest version of ``id`` in force on ``on`` (an open end counts as in force).

        When no version is, the newest: opening a case under it is then refused by the
        engine with ``case.outside_in_force``, citing that version's in-force article, as
        before this choice existed."""
        newest = self._newest(id)
        for version in reversed(self.versions(id)):
            d = self._by_key[(id, version)]
            if _covers(d, on):
                return d
        return self._by_key[(id, newest)]

    def _newest(self, id: str) -> str:
        versions = self.versions(id)
        if not versions:
            known = ", ".join(self.ids()) or "—"
            raise DefinitionError.of(
                MSG_DEFINITION_NOT_FOUND,
                id=id,
                known=known,
            )
        return versions[-1]

    def ids(self) -> list[str]:
        return sorted({k[0] for k in self._by_key})

    def versions(self, id: str) -> list[str]:
        return sorted((v for i, v in self._by_key if i == id), key=version_key)

    def __iter__(self) -> Iterator[WorkflowDefinition]:
        return iter(self._by_key[k] for k in sorted(self._by_key))

    def __len__(self) -> int:
        return len(self._by_key)
