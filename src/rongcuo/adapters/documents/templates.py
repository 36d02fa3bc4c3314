"""Where a document's templates and catalogue are found, and what a template lacks.

Search order for workflow ``W`` issued by unit ``U`` (first hit wins, per file):

1. ``$RONGCUO_HOME/templates/U/W/`` — the operator's own copy of one kind, no code touched;
2. :func:`definition_templates_dir` — shipped beside the definition;
3. ``$RONGCUO_HOME/templates/U/_base/`` then the shipped ``_base/`` — the shared GB/T 9704
   layouts (``letter.html.j2``, ``form.html.j2``, ``case_file.html.j2``, ``gbt9704.css``).

The catalogue (``documents.yaml``) is read from (2) and the unit's ``documents.yaml`` in (1),
if any, is laid over it (:func:`rongcuo.documents.kinds.apply_override`).

:func:`missing_fields` lists the names a template uses that the document context does not
have — Jinja2's ``meta.find_undeclared_variables`` for HTML (following ``extends`` and
``include``), docxtpl's ``get_undeclared_template_variables`` for .docx — and the case facts
it reads (``facts.X``) that no case of the definition has (:func:`case_facts`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from jinja2 import Environment, FileSystemLoader, meta, nodes, select_autoescape

from rongcuo import paths
from rongcuo.documents.errors import DocumentError
from rongcuo.documents.kinds import Catalogue, apply_override, issuing_of, parse_catalogue
from rongcuo.documents.model import CONTEXT_KEYS
from rongcuo.domain.messages import message

MSG_DOCUMENT_NO_TEMPLATE = message(
    "document.no_template",
    "找不到模板 {name}（查找了：{where}）",
    "template {name} not found (looked in: {where})",
)

MSG_DOCUMENT_NO_CATALOGUE = message(
    "document.no_catalogue",
    "流程 {id} 没有文书目录（{shipped}）",
    "workflow {id} has no document catalogue ({shipped})",
)

MSG_DOCUMENT_CATALOGUE = message(
    "document.catalogue",
    "无法读取文书目录文件 {path}：{exc}",
    "cannot read the document catalogue {path}: {exc}",
)

Format = Literal["pdf", "docx"]
CATALOGUE_FILE = "documents.yaml"
BASE = "_base"
# names every Jinja2 environment knows without a context (loop variables are not undeclared)
_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop"})


def shipped_templates_root() -> Path:
    """``templates/`` of the definitions folder (``RONGCUO_WORKFLOWS_DIR``); a definitions
    folder without one uses the package's own (the definitions moved, the templates not)."""
    root = paths.workflows_dir() / "templates"
    return root if root.is_dir() else paths.shipped("workflows") / "templates"


def definition_templates_dir(definition: Any) -> Path:
    """The templates of a definition.  The one line to change when definitions move into
    jurisdiction folders (``workflows/<jurisdiction>/templates/``)."""
    return shipped_templates_root() / str(definition.id)


def override_dir(unit: str, workflow_id: str) -> Path:
    """The operator's folder for a unit's own templates of a workflow."""
    return paths.data_dir() / "templates" / unit / workflow_id


def search_path(definition: Any, unit: str) -> list[Path]:
    """Every folder a template of ``definition`` issued by ``unit`` is looked for in, in order."""
    return [
        override_dir(unit, str(definition.id)),
        definition_templates_dir(definition),
        paths.data_dir() / "templates" / unit / BASE,
        shipped_templates_root() / BASE,
    ]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DocumentError.of(
            MSG_DOCUMENT_CATALOGUE,
            path=path,
            exc=exc,
            details={"file": str(path)},
        ) from exc


def load_catalogue(definition: Any, unit: str | None = None) -> Catalogue:
    """The document catalogue of ``definition``, with ``unit``'s override if it has one."""
    shipped = definition_templates_dir(definition) / CATALOGUE_FILE
    if not shipped.is_file():
        raise DocumentError.of(
            MSG_DOCUMENT_NO_CATALOGUE,
            id=definition.id,
            shipped=shipped,
        )
    cat = parse_catalogue(_read_yaml(shipped), str(shipped), workflow=str(definition.id),
                          triggers=tuple(definition.triggers),
                          issuing=issuing_of(definition.triggers))
    unit = unit or cat.issuer.unit
    if unit != cat.issuer.unit:
        from dataclasses import replace

        cat = replace(cat, issuer=replace(cat.issuer, unit=unit))
    own = override_dir(unit, str(definition.id)) / CATALOGUE_FILE
    if own.is_file():
        cat = apply_override(cat, _read_yaml(own), str(own))
    return cat


def template_name(kind: str, fmt: Format) -> str:
    return f"{kind}.html.j2" if fmt == "pdf" else f"{kind}.docx"


def find_template(dirs: Sequence[Path], name: str) -> Path:
    """The first ``name`` in ``dirs``; refuse naming every folder looked in."""
    for d in dirs:
        p = d / name
        if p.is_file():
            return p
    where = "、".join(str(d) for d in dirs)
    raise DocumentError.of(
        MSG_DOCUMENT_NO_TEMPLATE,
        name=name,
        where=where,
        details={"template": name},
    )


def environment(dirs: Sequence[Path]) -> Environment:
    """The Jinja2 environment for HTML document templates (autoescaped; undefined names
    fail the render instead of printing nothing)."""
    from jinja2 import StrictUndefined

    return Environment(
        loader=FileSystemLoader([str(d) for d in dirs if d.is_dir()]),
        autoescape=select_autoescape(["html", "j2", "html.j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _referenced(ast: nodes.Template) -> Iterable[str]:
    for node in ast.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        tmpl = getattr(node, "template", None)
        if isinstance(tmpl, nodes.Const) and isinstance(tmpl.value, str):
            yield tmpl.value


def html_variables(env: Environment, name: str) -> set[str]:
    """Every undeclared name of template ``name`` and of the templates it extends/includes."""
    seen: set[str] = set()
    out: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or current.endswith(".css"):
            continue
        seen.add(current)
        assert env.loader is not None
        source, _, _ = env.loader.get_source(env, current)
        ast = env.parse(source)
        out |= meta.find_undeclared_variables(ast)
        todo += list(_referenced(ast))
    return out - _GLOBALS


def docx_variables(path: Path) -> set[str]:
    from docxtpl import DocxTemplate

    return set(DocxTemplate(str(path)).get_undeclared_template_variables()) - _GLOBALS


@dataclass(frozen=True)
class TemplateCheck:
    kind: str
    format: Format
    path: Path | None  # None: not found
    missing: tuple[str, ...]  # names the template uses that the context does not have
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.path is not None and not self.missing and not self.problem


_FACT_RE = re.compile(r"""\bfacts\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['"]([A-Za-z_]\w*)['"]\s*\])""")


def case_facts(definition: Any) -> set[str]:
    """Every fact a case of ``definition`` can have: what its triggers' ``facts:`` set or add
    to (``matter``, ``outcome``, ``received_on`` …)."""
    return {op.fact for t in definition.triggers.values() for op in t.facts}


def _template_sources(dirs: Sequence[Path], name: str, fmt: Format, path: Path) -> str:
    if fmt == "docx":
        import zipfile

        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                           if n.startswith("word/") and n.endswith(".xml"))
    env = environment(dirs)
    assert env.loader is not None
    out, todo, seen = [], [name], set()
    while todo:
        current = todo.pop()
        if current in seen or current.endswith(".css"):
            continue
        seen.add(current)
        source = env.loader.get_source(env, current)[0]
        out.append(source)
        todo += list(_referenced(env.parse(source)))
    return "\n".join(out)


def facts_used(dirs: Sequence[Path], name: str, fmt: Format, path: Path) -> set[str]:
    """The case facts a template reads (``facts.outcome``, ``facts["matter"]``)."""
    return {a or b for a, b in _FACT_RE.findall(_template_sources(dirs, name, fmt, path))}


def missing_fields(dirs: Sequence[Path], kind: str, fmt: Format,
                   known: Iterable[str] = CONTEXT_KEYS,
                   facts: set[str] | None = None) -> TemplateCheck:
    """What the ``kind`` template (the one :func:`find_template` picks) uses and the
    document context lacks — and, given the facts a case can have (:func:`case_facts`),
    each ``facts.X`` it reads that no case of the definition has (``facts.X`` listed)."""
    name = template_name(kind, fmt)
    try:
        path = find_template(dirs, name)
    except DocumentError as exc:
        return TemplateCheck(kind, fmt, None, (), exc.message_zh)
    try:
        used = (html_variables(environment(dirs), name) if fmt == "pdf"
                else docx_variables(path))
    except Exception as exc:  # a template that does not parse is reported, not raised
        return TemplateCheck(kind, fmt, path, (), f"模板无法解析 / does not parse: {exc}")
    missing = used - set(known)
    if facts is not None:
        try:
            missing |= {f"facts.{f}" for f in facts_used(dirs, name, fmt, path) - facts}
        except Exception as exc:  # reported, not raised, like a template that does not parse
            return TemplateCheck(kind, fmt, path, (), f"模板无法读取 / cannot be read: {exc}")
    return TemplateCheck(kind, fmt, path, tuple(sorted(missing)))


def check_templates(definition: Any, unit: str | None = None) -> list[TemplateCheck]:
    """Every kind of the definition's catalogue, in both formats."""
    cat = load_catalogue(definition, unit)
    dirs = search_path(definition, cat.issuer.unit)
    facts = case_facts(definition)
    return [missing_fields(dirs, kind, fmt, facts=facts)
            for kind in cat.kinds for fmt in ("pdf", "docx")]
