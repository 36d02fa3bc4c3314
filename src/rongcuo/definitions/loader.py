"""Finding and loading workflow definition files.

``workflows/*.yaml`` hold the current version of each procedure, and
``workflows/<jurisdiction>/*.yaml`` those of a jurisdiction kept in its own folder; each
folder's ``archive/`` holds older versions (``<id>-<version>.yaml``) so a case is always
replayed under the version it was opened with.  ``calendars/``, ``schema/`` and
``templates/`` hold no definitions.  ``registry.get(id)`` returns the newest version,
``get(id, version)`` a pinned one, ``in_force(id, on)`` the one in force on a date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rongcuo import paths
from rongcuo.definitions.cache import DefinitionCache
from rongcuo.domain.errors import DefinitionError
from rongcuo.domain.messages import message
from rongcuo.domain.workflow.model import WorkflowDefinition
from rongcuo.domain.workflow.problems import NO_LINES, Checker, Locator, Problem
from rongcuo.domain.workflow.registry import DefinitionRegistry

MSG_DEFINITION_INVALID = message(
    "definition.invalid",
    "工作流定义无效：\n{listing}",
    "invalid workflow definition:\n{listing}",
)

NOT_DEFINITIONS = frozenset({"archive", "calendars", "schema", "templates"})


def check_definition(text: str, filename: str) -> tuple[WorkflowDefinition | None, list[Problem]]:
    """Parse and validate YAML text; the definition (None if any error) and every problem."""
    # PyYAML and jsonschema are imported when a file is parsed, not when a cached
    # definition is read back (issue 16)
    from rongcuo.definitions.yaml_source import read_yaml

    doc, lines, problems = read_yaml(text, filename)
    if doc is None:
        return None, problems
    return _build(doc, filename, lines)


def check_mapping(
    doc: Mapping[str, Any], filename: str, locator: Locator = NO_LINES
) -> tuple[WorkflowDefinition | None, list[Problem]]:
    """The same checks for a definition that is already a mapping (a form, a table row)."""
    from rongcuo.definitions.schema import check_schema
    from rongcuo.definitions.yaml_source import jsonable

    data = jsonable(dict(doc))
    chk = Checker(filename, locator)
    check_schema(data, chk)
    if chk.problems:
        return None, chk.problems
    return _build(data, filename, locator)


def _build(
    doc: dict[str, Any], filename: str, locator: Locator
) -> tuple[WorkflowDefinition | None, list[Problem]]:
    from rongcuo.domain.workflow.build import build_definition

    chk = Checker(filename, locator)
    definition = build_definition(doc, chk)
    return (definition, []) if not chk.problems else (None, chk.problems)


def parse_definition(text: str, filename: str) -> WorkflowDefinition:
    """Parse and validate a definition; raise :class:`DefinitionError` listing every problem."""
    definition, problems = check_definition(text, filename)
    if definition is None:
        listing = "\n".join(str(p) for p in problems)
        raise DefinitionError.of(
            MSG_DEFINITION_INVALID,
            listing=listing,
            details={"problems": [p.__dict__ for p in problems]},
        )
    return definition


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def definition_files(dir: Path) -> list[Path]:
    """The current definitions (``*.yaml``) and archived versions (``archive/*.yaml``), then
    each jurisdiction folder's (``<jurisdiction>/*.yaml``, ``<jurisdiction>/archive/*.yaml``)."""
    files = _yaml_files(dir) + _yaml_files(dir / "archive")
    if not dir.is_dir():
        return files
    for sub in sorted(p for p in dir.iterdir() if p.is_dir()):
        if sub.name not in NOT_DEFINITIONS and not sub.name.startswith("."):
            files += _yaml_files(sub) + _yaml_files(sub / "archive")
    return files


def load_definition(path: Path) -> WorkflowDefinition:
    return parse_definition(path.read_text(encoding="utf-8"), str(path))


def load_definitions(dir: Path | None = None, *,
                     cache: DefinitionCache | None = None) -> DefinitionRegistry:
    """Load every definition of ``dir`` (default: :func:`rongcuo.paths.workflows_dir`).

    With a ``cache``, a file whose built definition is cached is registered unbuilt (read
    back when first asked for), and every other file is parsed, validated, built and cached:
    a broken file still fails here, as without a cache."""
    root = dir if dir is not None else paths.workflows_dir()
    files = definition_files(root)
    if cache is None:
        return DefinitionRegistry(load_definition(p) for p in files)
    registry = DefinitionRegistry()
    for path in files:
        data = path.read_bytes()
        entry = cache.get(path, data)
        if entry is not None:
            registry.add_lazy(entry.key, entry.in_force, entry.load)
            continue
        # as read_text would give it (universal newlines)
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        definition = parse_definition(text, str(path))
        cache.put(path, data, definition)
        registry.add(definition)
    return registry


def validate_files(files: Sequence[Path]) -> list[Problem]:
    """Every problem of every file (an empty list: all valid)."""
    problems: list[Problem] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), None, f"cannot read the file: {exc} (无法读取)"))
            continue
        definition, found = check_definition(text, str(path))
        problems.extend(found)
        if definition is not None:
            problems.extend(_standards_named(definition, path))
    return problems


def _standards_named(definition: WorkflowDefinition, path: Path) -> list[Problem]:
    """A computed score names evaluation standards (``file_score``'s ``catalogues``): each must
    be a catalogue under the workflows directory, or every file would be refused when scored."""
    guards = [(n, g) for n, t in definition.triggers.items()
              for g in (*t.guards, *(g for tr in t.transitions for g in tr.guards))
              if g.rule == "file_score"]
    if not guards:
        return []
    from rongcuo.definitions.catalogues import catalogue_files, check_catalogue

    known = set()
    for f in catalogue_files():
        sheet, _ = check_catalogue(f.read_text(encoding="utf-8"), str(f))
        if sheet is not None:
            known.add(sheet.id)
    out = []
    for name, g in guards:
        named = g.params["catalogues"]
        for c in named if isinstance(named, list | tuple) else [named]:
            if str(c) not in known:
                out.append(Problem(str(path), None,
                                   f"trigger '{name}': file_score names catalogue '{c}', not "
                                   f"found under {paths.workflows_dir()}/*/catalogues "
                                   "(评查标准不存在)"))
    return out
