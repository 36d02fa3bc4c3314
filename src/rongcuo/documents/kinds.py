"""The documents a procedure issues: its catalogue (``documents.yaml`` beside its templates).

Each kind names its title, the step (trigger) that issues it, when it applies (``when``: any
of ``{fact, in}`` holds after the step), its layout (``letter``: a 公文 with 主送机关 and body;
``form``: an approval form or 送达回证), the articles it rests on and, if it carries a
发文字号, the number pattern and the counter it draws from (kinds sharing a pattern must
share a counter, or two documents would carry one number).

An operator's copy for a unit (``$RONGCUO_HOME/templates/<unit>/<workflow>/documents.yaml``)
may change what is the unit's own — the issuer's name, titles, number patterns and counters —
never which step issues a document or the articles it cites (those are the procedure's).
:func:`documents_for_step` is what the unit of work asks after deciding a step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from rongcuo.documents.errors import DocumentError
from rongcuo.documents.numbering import check_pattern
from rongcuo.domain.messages import message

MSG_DOCUMENT_UNKNOWN_KIND = message(
    "document.unknown_kind",
    "流程 {workflow} 没有文书“{name}”（已有：{known}）",
    "workflow {workflow} has no document kind {name!r} (known: {known})",
)

FORMAT = "rongcuo.documents/1"
CASE_FILE = "case_file"  # the archived case file: named by a definition, not in a catalogue
OVERRIDABLE = frozenset({"title", "number", "counter"})


@dataclass(frozen=True)
class Condition:
    fact: str
    values: tuple[Any, ...]

    def holds(self, facts: Mapping[str, Any]) -> bool:
        return facts.get(self.fact) in self.values


@dataclass(frozen=True)
class KindSpec:
    name: str
    title: str
    issued_by: str
    layout: Literal["letter", "form"]
    articles: tuple[str, ...]
    number: str | None  # the 发文字号 pattern; None: the document carries no number
    counter: str  # the counter row the number is drawn from (default: the kind's name)
    when: tuple[Condition, ...] = ()

    def applies(self, facts: Mapping[str, Any]) -> bool:
        return not self.when or any(c.holds(facts) for c in self.when)


@dataclass(frozen=True)
class Issuer:
    unit: str  # the numbering unit and the name of the operator's override folder
    name: str  # 发文机关署名
    name_from: str | None = None  # a case fact naming the issuer (Banan: the 追责问责机关)

    def for_facts(self, facts: Mapping[str, Any]) -> str:
        if self.name_from and facts.get(self.name_from):
            return str(facts[self.name_from])
        return self.name


@dataclass(frozen=True)
class Catalogue:
    workflow: str
    issuer: Issuer
    kinds: Mapping[str, KindSpec]
    sources: tuple[str, ...] = ()  # the files it was read from, shipped first

    def kind(self, name: str) -> KindSpec:
        spec = self.kinds.get(name)
        if spec is None:
            known = "、".join(self.kinds) or "—"
            raise DocumentError.of(
                MSG_DOCUMENT_UNKNOWN_KIND,
                workflow=self.workflow,
                name=name,
                known=known,
                allowed=tuple(self.kinds),
            )
        return spec


def documents_for_step(catalogue: Catalogue, trigger: str,
                       facts: Mapping[str, Any]) -> tuple[KindSpec, ...]:
    """The kinds a step issues, given the case's facts after the step (in catalogue order)."""
    return tuple(k for k in catalogue.kinds.values()
                 if k.issued_by == trigger and k.applies(facts))


def issuing_of(definition_triggers: Mapping[str, Any]) -> dict[str, str]:
    """``{kind: trigger}`` from a definition's triggers' ``documents:`` (the case file left
    out: it is built from the whole case, not from a catalogue kind)."""
    out: dict[str, str] = {}
    for name, t in definition_triggers.items():
        for kind in getattr(t, "documents", ()) or ():
            if kind != CASE_FILE:
                out.setdefault(str(kind), str(name))
    return out


def _err(where: str, zh: str, en: str) -> DocumentError:
    return DocumentError(f"{where}：{zh}", f"{where}: {en}", code="document.catalogue",
                         details={"file": where})


def _str(raw: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
    v = raw.get(key)
    if v is None and not required:
        return None
    if not isinstance(v, str) or not v.strip():
        raise _err(where, f"“{key}”须为非空文字", f"{key!r} must be non-empty text")
    return v


def _conditions(raw: Any, where: str) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _err(where, "when 须为条件列表", "'when' must be a list of {fact, in}")
    out = []
    for c in raw:
        if not (isinstance(c, Mapping) and isinstance(c.get("fact"), str)
                and isinstance(c.get("in"), list)):
            raise _err(where, "when 的每一项须为 {fact: 名称, in: [取值…]}",
                       "each 'when' entry is {fact: name, in: [values]}")
        out.append(Condition(c["fact"], tuple(c["in"])))
    return tuple(out)


def _kind(name: str, raw: Any, where: str, triggers: Sequence[str],
          issuing: Mapping[str, str] | None) -> KindSpec:
    at = f"{where} kinds.{name}"
    if not isinstance(raw, Mapping):
        raise _err(at, "须为映射", "must be a mapping")
    if issuing is not None:  # the definition's triggers name their documents
        if name not in issuing:
            raise _err(at, "流程中没有哪个步骤签发该文书（在步骤的 documents: 中列出）",
                       "no trigger of the workflow issues it (list it under a trigger's "
                       "documents:)")
        given = raw.get("issued_by")
        if given is not None and given != issuing[name]:
            raise _err(at, f"issued_by {given} 与流程定义不符（由 {issuing[name]} 签发）",
                       f"issued_by {given!r} disagrees with the definition "
                       f"({issuing[name]!r} issues it)")
        issued_by = issuing[name]
    else:  # a catalogue read on its own (the .docx base maker): the step is not needed
        issued_by = str(_str(raw, "issued_by", at, required=False) or "")
    if triggers and issued_by not in triggers:
        raise _err(at, f"流程中没有步骤 {issued_by}", f"the workflow has no trigger {issued_by!r}")
    layout = raw.get("layout", "letter")
    if layout not in ("letter", "form"):
        raise _err(at, "layout 只能是 letter 或 form", "layout is 'letter' or 'form'")
    articles = raw.get("articles")
    if not (isinstance(articles, list) and articles and all(isinstance(a, str) for a in articles)):
        raise _err(at, "须列出所依据的条款（articles）", "must cite its articles")
    number = _str(raw, "number", at, required=False)
    if number is not None:
        check_pattern(number)
    return KindSpec(
        name=name, title=str(_str(raw, "title", at)), issued_by=issued_by,
        layout=layout, articles=tuple(articles), number=number,
        counter=str(raw.get("counter") or name), when=_conditions(raw.get("when"), at),
    )


def _check_counters(kinds: Mapping[str, KindSpec], where: str) -> None:
    by_pattern: dict[str, str] = {}
    for k in kinds.values():
        if k.number is None:
            continue
        other = by_pattern.setdefault(k.number, k.counter)
        if other != k.counter:
            raise _err(where, f"文书 {k.name} 与另一文书使用同一发文字号格式 {k.number} 却不共用"
                       "计数器，会出现重号",
                       f"kind {k.name} shares the pattern {k.number} with another kind but not "
                       "its counter: two documents would carry one number")


def parse_catalogue(raw: Any, where: str, *, workflow: str,
                    triggers: Sequence[str] = (),
                    issuing: Mapping[str, str] | None = None) -> Catalogue:
    """A shipped ``documents.yaml`` (already parsed YAML) checked against its workflow.

    ``issuing`` (``{kind: trigger}``, from the definition's ``documents:`` lists) says which
    step issues each kind; without it each kind names its ``issued_by``.  A kind the
    definition names that the catalogue lacks is refused naming it."""
    if not isinstance(raw, Mapping) or raw.get("format") != FORMAT:
        raise _err(where, f"须以 format: {FORMAT} 开头", f"must declare format: {FORMAT}")
    if raw.get("workflow") != workflow:
        raise _err(where, f"workflow 须为 {workflow}", f"'workflow' must be {workflow!r}")
    iss = raw.get("issuer")
    if not isinstance(iss, Mapping):
        raise _err(where, "缺少 issuer（发文机关）", "'issuer' is missing")
    issuer = Issuer(unit=str(_str(iss, "unit", where + " issuer")),
                    name=str(_str(iss, "name", where + " issuer")),
                    name_from=_str(iss, "name_from", where + " issuer", required=False))
    kinds_raw = raw.get("kinds")
    if not isinstance(kinds_raw, Mapping) or not kinds_raw:
        raise _err(where, "缺少 kinds（文书种类）", "'kinds' is missing")
    kinds = {str(n): _kind(str(n), spec, where, triggers, issuing)
             for n, spec in kinds_raw.items()}
    lacking = sorted(set(issuing or {}) - set(kinds))
    if lacking:
        raise _err(where, f"流程定义的步骤签发 {'、'.join(lacking)}，文书目录中却没有",
                   f"the definition's triggers issue {', '.join(lacking)}, which the catalogue "
                   "lacks")
    _check_counters(kinds, where)
    return Catalogue(workflow=workflow, issuer=issuer, kinds=kinds, sources=(where,))


def apply_override(base: Catalogue, raw: Any, where: str) -> Catalogue:
    """The catalogue with a unit's own settings laid over it (see the module docstring)."""
    if raw is None:
        return base
    if not isinstance(raw, Mapping):
        raise _err(where, "须为映射", "must be a mapping")
    unknown = set(raw) - {"format", "workflow", "issuer", "kinds"}
    if unknown:
        raise _err(where, f"不能覆盖 {'、'.join(sorted(unknown))}",
                   f"cannot override {sorted(unknown)}")
    issuer = base.issuer
    iss = raw.get("issuer") or {}
    if not isinstance(iss, Mapping) or set(iss) - {"name"}:
        raise _err(where, "issuer 只能覆盖 name（单位名称）", "only issuer.name may be overridden")
    if "name" in iss:
        issuer = replace(issuer, name=str(_str(iss, "name", where + " issuer")), name_from=None)
    kinds = dict(base.kinds)
    for name, over in dict(raw.get("kinds") or {}).items():
        spec = base.kind(str(name))
        if not isinstance(over, Mapping) or set(over) - OVERRIDABLE:
            bad = sorted(set(over) - OVERRIDABLE) if isinstance(over, Mapping) else over
            raise _err(f"{where} kinds.{name}",
                       f"只能覆盖 title、number、counter（收到 {bad}）；步骤与条款属于办法本身",
                       f"only title, number and counter may be overridden (got {bad}); the "
                       "issuing step and the articles belong to the procedure")
        number = over.get("number", spec.number)
        if number is not None:
            check_pattern(str(number))
        kinds[str(name)] = replace(spec, title=str(over.get("title", spec.title)),
                                   number=number, counter=str(over.get("counter", spec.counter)))
    _check_counters(kinds, where)
    return replace(base, issuer=issuer, kinds=kinds, sources=(*base.sources, where))
