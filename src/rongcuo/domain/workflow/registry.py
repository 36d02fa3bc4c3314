"""Every loaded definition, by ``(id, version)``.

A case is pinned to the version it was opened under and always replays under it:
``get(id, version)`` returns that version, ``get(id)`` the newest, and ``in_force(id, on)``
the version in force on a date (the one a case opened that day is filed under).

A definition may be registered built (:meth:`DefinitionRegistry.add`) or as a loader
(:meth:`DefinitionRegistry.add_lazy`, with its key and in-force period), called the first
time the definition is asked for: a command that needs one definition builds one (issue 16).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
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


InForce = tuple[date | None, date | None]


def _covers(in_force: InForce, on: date) -> bool:
    frm, to = in_force
    return (frm is None or frm <= on) and (to is None or on <= to)


class DefinitionRegistry:
    """Every loaded definition, by ``(id, version)``."""

    def __init__(self, definitions: Iterable[WorkflowDefinition] = ()) -> None:
        self._by_key: dict[tuple[str, str], WorkflowDefinition] = {}
        self._lazy: dict[tuple[str, str], tuple[InForce, Callable[[], WorkflowDefinition]]] = {}
        for d in definitions:
            self.add(d)

    def add_lazy(self, key: tuple[str, str], in_force: InForce,
                 load: Callable[[], WorkflowDefinition]) -> None:
        """Register the definition ``key`` that ``load`` builds, built when first asked for
        (a second file with the same key is built and compared at once)."""
        if key in self._by_key or key in self._lazy:
            self.add(load())
        else:
            self._lazy[key] = (in_force, load)

    def _at(self, key: tuple[str, str]) -> WorkflowDefinition | None:
        lazy = self._lazy.pop(key, None)
        if lazy is not None:
            self._by_key[key] = lazy[1]()
        return self._by_key.get(key)

    def _in_force_of(self, key: tuple[str, str]) -> InForce:
        lazy = self._lazy.get(key)
        return lazy[0] if lazy is not None else self._by_key[key].in_force

    def _keys(self) -> set[tuple[str, str]]:
        return {*self._by_key, *self._lazy}

    def add(self, definition: WorkflowDefinition) -> None:
        old = self._at(definition.key)
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
            d = self._at((id, version))
            if d is None:
                known = ", ".join(self.versions(id)) or "—"
                raise DefinitionError.of(
                    MSG_DEFINITION_NOT_FOUND_REGISTRY,
                    id=id,
                    version=version,
                    known=known,
                )
            return d
        return self._must((id, self._newest(id)))

    def _must(self, key: tuple[str, str]) -> WorkflowDefinition:
        d = self._at(key)
        assert d is not None, key
        return d

    def in_force(self, id: str, on: date) -> WorkflowDefinition:
        """The newest version of ``id`` in force on ``on`` (an open end counts as in force).

        When no version is, the newest: opening a case under it is then refused by the
        engine with ``case.outside_in_force``, citing that version's in-force article, as
        before this choice existed."""
        newest = self._newest(id)
        for version in reversed(self.versions(id)):
            if _covers(self._in_force_of((id, version)), on):
                return self._must((id, version))
        return self._must((id, newest))

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
        return sorted({k[0] for k in self._keys()})

    def versions(self, id: str) -> list[str]:
        return sorted((v for i, v in self._keys() if i == id), key=version_key)

    def __iter__(self) -> Iterator[WorkflowDefinition]:
        return iter(self._must(k) for k in sorted(self._keys()))

    def __len__(self) -> int:
        return len(self._keys())
