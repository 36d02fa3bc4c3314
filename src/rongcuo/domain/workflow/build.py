"""Building a :class:`WorkflowDefinition` from a plain mapping.

The mapping is what a definition file holds once the edge has parsed it and checked it
against the JSON Schema (:mod:`rongcuo.definitions`), so its shape can be trusted here; what
is checked here is meaning: references between states, triggers, timers and rules, blank
periods, the in-force dates, the routing of each trigger and the graph
(:mod:`rongcuo.domain.workflow.checks`).  Every problem goes to the :class:`Checker` with
the path it concerns; the definition is returned only if there is none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any, Literal

from rongcuo.domain.identity import ROLES
from rongcuo.domain.rules import GUARD_KEYS, RULES
from rongcuo.domain.workflow.build_timers import build_timers
from rongcuo.domain.workflow.checks import check_definition
from rongcuo.domain.workflow.model import (
    ApprovalSpec,
    CatalogueArticle,
    DataField,
    FactOp,
    GuardSpec,
    Outcome,
    Parameter,
    StateSpec,
    TransitionSpec,
    TriggerSpec,
    WorkflowDefinition,
)
from rongcuo.domain.workflow.problems import Checker

Path = tuple[Any, ...]
_REF = re.compile(r"^\$([a-z][a-z0-9_]*)$")


def build_definition(doc: Mapping[str, Any], chk: Checker) -> WorkflowDefinition | None:
    """The definition ``doc`` describes, or None if ``chk`` gathered any problem."""
    params = _parameters(doc, chk)
    states = {
        n: StateSpec(n, s["label_zh"], s.get("label_en", ""), s["article"], bool(s.get("final")))
        for n, s in doc["states"].items()
    }
    triggers = {name: _trigger(name, t, states, chk) for name, t in doc["triggers"].items()}
    _check_trigger_words(triggers, chk)
    openers = [t for t in triggers.values() if t.opens]
    if len(openers) != 1:
        chk.error(
            ("triggers",),
            "必须恰有一个启动触发器",
            f"exactly one trigger must have 'opens: true' (found {len(openers)})",
        )
    timers = build_timers(doc.get("timers") or {}, params, triggers, chk)
    outcomes, catalogue = _catalogue(doc.get("catalogue"), chk)
    _outcome_labels(triggers, outcomes)
    in_force = doc["in_force"]
    definition = WorkflowDefinition(
        id=doc["id"],
        version=str(doc["version"]),
        title=doc["title"],
        title_en=doc.get("title_en", ""),
        jurisdiction=doc["jurisdiction"],
        source=doc["source"],
        in_force=(_date(in_force.get("from")), _date(in_force.get("to"))),
        in_force_article=in_force.get("article"),
        case_number=doc["case_number"],
        parameters=params,
        states=states,
        triggers=triggers,
        timers=timers,
        outcomes=outcomes,
        catalogue=catalogue,
        filename=chk.filename,
        raw=doc,
    )
    check_definition(definition, chk)
    _check_identity(definition, bool(in_force.get("note")), chk)
    return None if chk.problems else definition


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _parameters(doc: Mapping[str, Any], chk: Checker) -> dict[str, Parameter]:
    params = {
        name: Parameter(name, p["value"], p["basis"], p["note"], p.get("article"), p.get("unit"),
                        p.get("required_from"))
        for name, p in (doc.get("parameters") or {}).items()
    }
    for name, p in params.items():
        if p.basis == "blank_in_source" or p.required_from is not None:
            _check_adopter(name, p, chk)
        elif p.value is None or p.value == "" or p.value == []:
            chk.error(
                ("parameters", name, "value"),
                "参数没有取值：来源留空的期限必须明确给出数值并说明",
                f"parameter '{name}' has no value: a period left blank in the source must be "
                "given explicitly, with a note",
            )
    return params


def _check_adopter(name: str, p: Parameter, chk: Checker) -> None:
    """C2: a blank in the source stays blank here (value null), is supplied by the adopting
    body, and cites the article that leaves it blank — never a shipped default."""
    where = ("parameters", name)
    if not p.adopter:
        chk.error(where, "来源留空的参数须写明 basis: blank_in_source 与 required_from: adopter",
                  f"parameter '{name}': a blank in the source needs both "
                  "'basis: blank_in_source' and 'required_from: adopter'")
    if p.value is not None:
        chk.error((*where, "value"), "来源留空的参数不得给出默认值（value 须为 null）",
                  f"parameter '{name}' is blank in the source: ship no default (value: null)")
    if not p.article:
        chk.error(where, "来源留空的参数须注明留空的条文", f"parameter '{name}': cite the article "
                  "that leaves it blank")


def _trigger(
    name: str, t: Mapping[str, Any], states: Mapping[str, StateSpec], chk: Checker
) -> TriggerSpec:
    path: Path = ("triggers", name)
    data_fields = _data_fields(path, t, chk)
    transitions = _transitions(name, path, t, chk)
    _check_states(name, path, t, transitions, states, chk)
    return TriggerSpec(
        name=name,
        label_zh=t["label_zh"],
        label_en=t.get("label_en", ""),
        article=t["article"],
        event=t["event"],
        opens=bool(t.get("opens")),
        transitions=transitions,
        data=data_fields,
        guards=_guards(t.get("guards", []), (*path, "guards"), chk),
        facts=_facts(name, path, t, data_fields, chk),
        documents=tuple(t.get("documents") or ()),
        roles=_roles(path, t, chk),
        approval=_approval(path, t, data_fields, chk),
    )


def _roles(path: Path, t: Mapping[str, Any], chk: Checker) -> tuple[str, ...]:
    roles = tuple(t.get("roles") or ())
    for i, role in enumerate(roles):
        if role not in ROLES:
            chk.error((*path, "roles", i), f"未知的角色“{role}”（可用：{'、'.join(ROLES)}）",
                      f"unknown role '{role}' (known: {', '.join(ROLES)})")
    return roles


def _approval(path: Path, t: Mapping[str, Any], data: Mapping[str, DataField],
              chk: Checker) -> ApprovalSpec | None:
    a = t.get("approval")
    if not a:
        return None
    spec = ApprovalSpec(a["role"], a["article"], a.get("approver", "approved_by"),
                        a.get("proposer", "proposed_by"))
    if spec.role not in ROLES:
        chk.error((*path, "approval", "role"), f"未知的角色“{spec.role}”",
                  f"unknown role '{spec.role}' (known: {', '.join(ROLES)})")
    for key in (spec.approver, spec.proposer):
        if key not in data:
            chk.error((*path, "approval"), f"审批字段“{key}”未在 data 中声明",
                      f"approval field '{key}' is not declared under data")
    return spec


def _data_fields(path: Path, t: Mapping[str, Any], chk: Checker) -> dict[str, DataField]:
    fields = {
        k: DataField(
            k,
            f["type"],
            bool(f.get("required")),
            tuple(f.get("values", ())),
            f.get("min"),
            f.get("label_zh", ""),
            f.get("max_length"),
            tuple((str(c), str(lab)) for c, lab in (f.get("labels") or {}).items()),
            f.get("label_en", ""),
            bool(f.get("historic")),
        )
        for k, f in (t.get("data") or {}).items()
    }
    for k, f in fields.items():
        if f.historic and f.type != "date":
            chk.error((*path, "data", k), "historic 只适用于日期字段",
                      f"'{k}': 'historic' applies to date fields only")
        if f.type == "enum" and not f.values:
            chk.error((*path, "data", k), "枚举字段缺少取值", f"enum field '{k}' lists no values")
        _check_value_labels(path, k, f, chk)
        if f.max_length is not None and f.type not in ("str", "list"):
            chk.error((*path, "data", k, "max_length"), "只有文字（str、list）字段可设长度上限",
                      f"field '{k}': max_length applies to str and list fields only")
    return fields


def _check_value_labels(path: Path, key: str, f: DataField, chk: Checker) -> None:
    """An enum's labels name its own values, each label once and never another value's
    code: one word names one value (a case worker may type either)."""
    where = (*path, "data", key, "labels")
    if f.value_labels and f.type != "enum":
        chk.error(where, "只有枚举字段可设取值标签", f"field '{key}': labels apply to enums only")
    seen: dict[str, str] = {}
    for code, lab in f.value_labels:
        if code not in f.values:
            chk.error(where, f"{code} 不是该字段的取值", f"field '{key}': '{code}' is not a value")
        if lab in seen or (lab in f.values and lab != code):
            chk.error(where, f"标签“{lab}”指向多个取值",
                      f"field '{key}': label '{lab}' names more than one value")
        seen[lab] = code


def _check_trigger_words(triggers: Mapping[str, TriggerSpec], chk: Checker) -> None:
    """One vocabulary per definition: a case worker may type a step's Chinese label for its
    code (立案 for file), so a label names one step and is never another step's code."""
    seen: dict[str, str] = {}
    for name, t in triggers.items():
        lab = t.label_zh
        if lab in seen or (lab in triggers and lab != name):
            other = seen.get(lab, lab)
            chk.error(("triggers", name, "label_zh"), f"标签“{lab}”同时指向 {other} 与 {name}",
                      f"label '{lab}' names both '{other}' and '{name}'")
        seen.setdefault(lab, name)


def _outcome_labels(triggers: dict[str, TriggerSpec], outcomes: Mapping[str, Outcome]) -> None:
    """An enum field whose values are catalogue outcomes takes their Chinese labels (one
    vocabulary per definition: ``容错免责`` names ``exempted`` wherever it is typed)."""
    for name, spec in list(triggers.items()):
        fields = dict(spec.data)
        for k, f in spec.data.items():
            if f.type != "enum" or not f.values or not all(v in outcomes for v in f.values):
                continue
            given = dict(f.value_labels)
            labels = tuple((v, given.get(v) or outcomes[v].label_zh) for v in f.values)
            fields[k] = replace(f, value_labels=labels)
        if fields != dict(spec.data):
            triggers[name] = replace(spec, data=fields)


def _transitions(
    name: str, path: Path, t: Mapping[str, Any], chk: Checker
) -> tuple[TransitionSpec, ...]:
    if "transitions" in t:
        if "from" in t or "to" in t:
            chk.error(
                path,
                "不能同时使用 from/to 与 transitions",
                f"trigger '{name}': use either from/to or transitions, not both",
            )
        return tuple(
            TransitionSpec(
                tuple(tr["from"]),
                tr.get("to"),
                _guards(tr.get("guards", []), (*path, "transitions", i, "guards"), chk),
            )
            for i, tr in enumerate(t["transitions"])
        )
    if t.get("opens"):
        if "to" not in t:
            chk.error(path, "启动触发器必须指明初始状态", f"opening trigger '{name}' needs 'to'")
        return (TransitionSpec((), t.get("to")),)
    if not t.get("from"):
        chk.error(path, "触发器没有来源状态", f"trigger '{name}' has no 'from' state")
    return (TransitionSpec(tuple(t.get("from", ())), t.get("to")),)


def _check_states(
    name: str,
    path: Path,
    t: Mapping[str, Any],
    transitions: tuple[TransitionSpec, ...],
    states: Mapping[str, StateSpec],
    chk: Checker,
) -> None:
    listed = "transitions" in t
    for i, tr in enumerate(transitions):
        for s in tr.sources:
            if s not in states:
                chk.error(
                    (*path, "transitions", i) if listed else (*path, "from"),
                    "未知状态",
                    f"trigger '{name}': unknown state '{s}'",
                )
        if tr.dest is not None and tr.dest not in states:
            chk.error(
                (*path, "transitions", i, "to") if listed else (*path, "to"),
                "未知状态",
                f"trigger '{name}': unknown state '{tr.dest}'",
            )


def _facts(
    name: str,
    path: Path,
    t: Mapping[str, Any],
    data_fields: Mapping[str, DataField],
    chk: Checker,
) -> tuple[FactOp, ...]:
    facts: list[FactOp] = []
    computed = _computed(t)
    for i, f in enumerate(t.get("facts") or []):
        op: Literal["set", "add", "remove"] = (
            "set" if "set" in f else "add" if "add" in f else "remove"
        )
        value = f["to"] if op == "set" else f["value"]
        # a record (C4): a mapping of fields, each a literal or a ``$field`` reference
        parts = list(value.values()) if isinstance(value, Mapping) else [value]
        for part in parts:
            if isinstance(part, str) and (m := _REF.match(part)):
                ref = m.group(1)
                if ref != "on" and ref not in data_fields and ref not in computed:
                    chk.error(
                        (*path, "facts", i),
                        "引用了未声明的数据字段",
                        f"trigger '{name}': fact refers to undeclared data field '${ref}'",
                    )
        if isinstance(value, Mapping):
            value = dict(value)
        facts.append(FactOp(op, f[op], value))
    return tuple(facts)


def _computed(t: Mapping[str, Any]) -> set[str]:
    """What the trigger's guards compute into its event (a computed step, e.g. the
    evaluation's ``score``: ``$score`` is the rule's result, not a field typed in)."""
    raw = [*(t.get("guards") or []),
           *(g for tr in t.get("transitions") or [] for g in tr.get("guards") or [])]
    return {w for g in raw if isinstance(g, Mapping)
            and (r := RULES.get(str(g.get("rule")))) is not None for w in r.writes}


def _guards(raw: list[dict[str, Any]], path: Path, chk: Checker) -> tuple[GuardSpec, ...]:
    """The guards as written, each rule's defaults filled in.  A guard naming no known rule
    is kept as written (so the others keep their places for line numbers) and reported."""
    out = []
    for i, g in enumerate(raw):
        given = {k: v for k, v in g.items() if k not in GUARD_KEYS}
        rule = RULES.get(g["rule"])
        if rule is None:
            chk.error((*path, i, "rule"), "未知的规则", f"unknown guard rule '{g['rule']}'")
        else:
            for key, (zh, en) in rule.shape_problems(given):
                chk.error((*path, i) if key is None else (*path, i, key), zh, en)
            given = rule.with_defaults(given)
        out.append(GuardSpec(g["rule"], g["article"], given, str(g.get("note") or "")))
    return tuple(out)


def _catalogue(
    raw: Mapping[str, Any] | None, chk: Checker
) -> tuple[dict[str, Outcome], dict[str, CatalogueArticle]]:
    if not raw:
        return {}, {}
    arts = {
        n: CatalogueArticle(n, a["title"], a["article"], bool(a.get("exclusion")), dict(a["items"]))
        for n, a in raw["articles"].items()
    }
    outcomes = {}
    for n, o in raw["outcomes"].items():
        for a in o["articles"]:
            if a not in arts:
                chk.error(
                    ("catalogue", "outcomes", n),
                    "目录中没有该条",
                    f"outcome '{n}' refers to article {a}, not in the catalogue",
                )
        outcomes[n] = Outcome(
            n, o["label_zh"], o.get("label_en", ""), tuple(o["articles"]), o["correction"],
            o["article"],
        )
    return outcomes, arts


def _check_identity(definition: WorkflowDefinition, noted: bool, chk: Checker) -> None:
    frm, to = definition.in_force
    if (frm is None or to is None) and not noted:
        chk.error(
            ("in_force",),
            "施行日期留空时须说明理由",
            "an open in_force date needs a 'note' saying why the source gives none",
        )
    if frm and to and to < frm:
        chk.error(("in_force",), "施行期间不成立", "in_force 'to' is before 'from'")
    try:  # the store fills it in for every case it opens: a bad pattern must fail here
        str(definition.case_number).format(year=2025, n=1)
    except (KeyError, IndexError, ValueError) as exc:
        chk.error(
            ("case_number",),
            f"案件编号格式无效（只能使用 {{year}} 和 {{n}}）：{exc}",
            f"the case number pattern is invalid (only {{year}} and {{n}} may be used): {exc}",
        )
