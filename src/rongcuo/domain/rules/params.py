"""Rule parameters: what each may hold, and checking a guard's values against its definition.

Every parameter declares a kind.  The validator checks a guard's value both for its shape
(a whole number, a list of text …) and for what it names: an outcome must be in the
definition's catalogue, a timer or trigger must exist, a fact must be written by some step, a
data field must be declared by the guard's own trigger, an article number must be in the
catalogue.  A name that refers to nothing is an error with the file and line, never a rule
that silently does nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from rongcuo.domain.rules.base import as_list, steps_setting

if TYPE_CHECKING:
    from rongcuo.domain.workflow.model import DataField, TriggerSpec, WorkflowDefinition

ParamKind = Literal[
    "int", "bool", "text", "texts", "values", "outcome", "outcomes", "timer", "trigger",
    "fact", "field", "fields", "article", "articles", "condition", "conditions",
]

KIND_LABELS: dict[ParamKind, str] = {
    "int": "whole number",
    "bool": "true/false",
    "text": "text",
    "texts": "list of text",
    "values": "value(s)",
    "outcome": "outcome name",
    "outcomes": "outcome name(s)",
    "timer": "timer name",
    "trigger": "trigger name",
    "fact": "fact name",
    "field": "data field",
    "fields": "data field(s)",
    "article": "article number",
    "articles": "article number(s)",
    "condition": "condition ({fact|data: name, in: [...] | includes: [...] | given: bool})",
    "conditions": "list of conditions",
}


@dataclass(frozen=True)
class Param:
    """One parameter of a rule.

    ``required``: the definition must give it (``default`` is used otherwise).
    ``nullable``: an explicit ``null`` is a meaningful value (and needs the guard's ``note``).
    ``written``: a fact that some step must write (False: a fact a procedure may never
    record, e.g. no recusal step means nobody is recused).
    ``of``: a ``values`` parameter compared with the fact or data field named by that
    sibling parameter; each value must be one that fact or field can hold.
    ``field_type``: a ``field`` parameter whose data field must be of this type.
    """

    kind: ParamKind
    required: bool = False
    default: Any = None
    nullable: bool = False
    written: bool = True
    of: str | None = None
    field_type: str | None = None
    doc: str = ""


@dataclass(frozen=True)
class Scope:
    """Where a guard stands: its definition and the trigger it is attached to."""

    definition: WorkflowDefinition
    trigger: TriggerSpec


Finding = tuple[str, str]  # (zh, en)


def _scalar(v: Any) -> bool:
    return isinstance(v, str | int | float | bool)


def _name(v: Any) -> bool:
    return isinstance(v, str) and v != ""


def _article(v: Any) -> bool:
    return (isinstance(v, str) and v != "") or (isinstance(v, int) and not isinstance(v, bool))


_SHAPES: dict[ParamKind, tuple[Any, str, str]] = {
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "整数", "a whole number"),
    "bool": (lambda v: isinstance(v, bool), "true 或 false", "true or false"),
    "text": (lambda v: isinstance(v, str), "文字", "text"),
    "texts": (lambda v: all(isinstance(x, str) for x in as_list(v)), "文字列表", "list of text"),
    "values": (lambda v: as_list(v) != [] and all(_scalar(x) for x in as_list(v)),
               "一个或一组取值", "one value or a list of values"),
    "outcome": (_name, "认定结果名称", "an outcome name"),
    "outcomes": (lambda v: as_list(v) != [] and all(_name(x) for x in as_list(v)),
                 "认定结果名称列表", "one or a list of outcome names"),
    "timer": (_name, "计时器名称", "a timer name"),
    "trigger": (_name, "操作名称", "a trigger name"),
    "fact": (_name, "事实名称", "a fact name"),
    "field": (_name, "数据字段名称", "a data field name"),
    "fields": (lambda v: as_list(v) != [] and all(_name(x) for x in as_list(v)),
               "数据字段名称列表", "one or a list of data field names"),
    "article": (_article, "条号", "an article number"),
    "articles": (lambda v: as_list(v) != [] and all(_article(x) for x in as_list(v)),
                 "条号列表", "one or a list of article numbers"),
    "condition": (lambda v: _condition(v), "条件（fact 或 data，加 in、includes 或 given）",
                  "a condition: {fact: NAME} or {data: NAME}, with in: [...], includes: [...] "
                  "or given: bool"),
    "conditions": (lambda v: isinstance(v, list) and len(v) >= 2
                   and all(_condition(x) for x in v),
                   "两个以上条件的列表", "a list of at least two conditions"),
}


def _condition(v: Any) -> bool:
    """C10's condition: exactly one of ``fact``/``data`` (a name) and one of ``in`` (values),
    ``includes`` (values, one of which a list value must have as a member) or ``given``
    (true/false)."""
    if not isinstance(v, Mapping) or set(v) - {"fact", "data", "in", "includes", "given"}:
        return False
    names = [k for k in ("fact", "data") if k in v]
    tests = [k for k in ("in", "includes", "given") if k in v]
    if len(names) != 1 or len(tests) != 1 or not _name(v[names[0]]):
        return False
    if "given" in v:
        return isinstance(v["given"], bool)
    values = as_list(v[tests[0]])
    return values != [] and all(_scalar(x) for x in values)


def check_value(
    name: str,
    value: Any,
    declared: Mapping[str, Param],
    params: Mapping[str, Any],
    scope: Scope,
) -> list[Finding]:
    """What is wrong with ``value`` for the parameter ``name`` of a rule declaring
    ``declared``, whose guard holds ``params`` (an empty list: nothing)."""
    param = declared[name]
    if value is None:
        if param.required and not param.nullable:
            return [(f"参数 {name} 须有取值", f"'{name}' needs a value")]
        return []
    ok, zh, en = _SHAPES[param.kind]
    if not ok(value):
        return [(f"参数 {name} 须为{zh}", f"'{name}' must be {en}, not {value!r}")]
    return _references(name, value, declared, params, scope)


def _unknown(
    name: str, what_zh: str, what_en: str, missing: list[str], known: list[str]
) -> Finding:
    listed = ", ".join(known) or "—"
    return (
        f"参数 {name} 引用了不存在的{what_zh}：{', '.join(missing)}（已有：{listed}）",
        f"'{name}' names {what_en} the definition does not have: {', '.join(missing)} "
        f"(known: {listed})",
    )


def _references(
    name: str,
    value: Any,
    declared: Mapping[str, Param],
    params: Mapping[str, Any],
    scope: Scope,
) -> list[Finding]:
    param = declared[name]
    d, kind = scope.definition, param.kind
    if kind in ("outcome", "outcomes"):
        missing = [str(v) for v in as_list(value) if v not in d.outcomes]
        if missing:
            return [_unknown(name, "认定结果", "outcome(s)", missing, list(d.outcomes))]
        return []
    if kind == "timer" and value not in d.timers:
        return [_unknown(name, "计时器", "a timer", [value], list(d.timers))]
    if kind == "trigger" and value not in d.triggers:
        return [_unknown(name, "操作", "a trigger", [value], list(d.triggers))]
    if kind in ("field", "fields"):
        missing = [str(v) for v in as_list(value) if v not in scope.trigger.data]
        if missing:
            return [(
                f"参数 {name} 引用了本操作未声明的数据字段：{', '.join(missing)}",
                f"'{name}' refers to undeclared data field(s) of '{scope.trigger.name}': "
                f"{', '.join(missing)}",
            )]
        wrong = [str(v) for v in as_list(value) if param.field_type is not None
                 and scope.trigger.data[v].type != param.field_type]
        if wrong:
            return [(
                f"参数 {name} 引用的数据字段 {', '.join(wrong)} 须为 {param.field_type} 类型",
                f"'{name}': data field(s) {', '.join(wrong)} must be of type {param.field_type}",
            )]
    if kind in ("article", "articles"):
        missing = [str(v) for v in as_list(value) if str(v) not in d.catalogue]
        return [_unknown(name, "目录条文", "catalogue article(s)", missing, list(d.catalogue))] \
            if missing else []
    if kind == "fact" and param.written and not steps_setting(d, value):
        return [(
            f"参数 {name}：没有任何操作记录事实 {value}，此规则无从判断",
            f"'{name}': no step records the fact '{value}', so the rule could never hold",
        )]
    if kind in ("condition", "conditions"):
        conds = value if kind == "conditions" else [value]
        return [f for c in conds for f in condition_problems(name, c, scope)]
    if kind == "values" and param.of is not None:
        of_field = declared[param.of].kind == "field"
        return _values_fit(name, value, params.get(param.of), scope, of_field)
    return []


def condition_problems(name: str, cond: Mapping[str, Any], scope: Scope) -> list[Finding]:
    """What a (well-shaped) condition names that its definition does not have: a fact no
    step records, a data field the guard's step does not declare, a value it can never hold."""
    of_field = "data" in cond
    target = cond["data"] if of_field else cond["fact"]
    if of_field and target not in scope.trigger.data:
        return [(
            f"参数 {name} 的条件引用了本操作未声明的数据字段 {target}",
            f"'{name}': the condition refers to undeclared data field '{target}' of "
            f"'{scope.trigger.name}'",
        )]
    if not of_field and not steps_setting(scope.definition, target):
        return [(
            f"参数 {name} 的条件：没有任何操作记录事实 {target}，此条件无从成立",
            f"'{name}': no step records the fact '{target}', so the condition could never "
            "hold",
        )]
    listed = of_field and scope.trigger.data[target].type in ("items", "list")
    if "in" in cond and listed:
        return [(
            f"参数 {name} 的条件：{target} 是列表，用 in 比较永不成立，应使用 includes",
            f"'{name}': {target} is a list, which 'in' never matches; use 'includes' (the list "
            "has one of them as a member)",
        )]
    if "in" in cond:
        return _values_fit(name, cond["in"], target, scope, of_field)
    if "includes" in cond and of_field and scope.trigger.data[target].type == "items":
        unknown = [str(v) for v in as_list(cond["includes"])
                   if scope.definition.item_text(str(v)) is None]
        if unknown:
            return [(
                f"参数 {name} 的条件：目录中没有条项 {'、'.join(unknown)}，此条件无从成立",
                f"'{name}': the catalogue has no item {', '.join(unknown)}, so the condition "
                "could never hold",
            )]
    return []


def _holders(fact_or_field: str, scope: Scope, of_field: bool) -> list[DataField | Any]:
    """What can be written into the fact (its steps' data fields or literal values), or the
    data field itself."""
    if of_field:
        f = scope.trigger.data.get(fact_or_field)
        return [f] if f is not None else []
    out: list[Any] = []
    for t in scope.definition.triggers.values():
        for op in t.facts:
            if op.fact != fact_or_field:
                continue
            ref = op.value[1:] if isinstance(op.value, str) and op.value.startswith("$") else None
            if ref is None:
                out.append(_Literal(op.value))
            elif ref in t.data:
                out.append(t.data[ref])
    return out


@dataclass(frozen=True)
class _Literal:
    value: Any


def _fits(v: Any, holder: Any) -> bool:
    if isinstance(holder, _Literal):
        return type(holder.value) is type(v)
    kind = holder.type
    if kind == "enum":
        return isinstance(v, str) and v in holder.values
    if kind == "bool":
        return isinstance(v, bool)
    if kind == "int":
        return isinstance(v, int) and not isinstance(v, bool)
    if kind == "str":
        return isinstance(v, str)
    return True  # list, items and date fields are not checked here


def _values_fit(
    name: str, value: Any, target: Any, scope: Scope, of_field: bool
) -> list[Finding]:
    if not isinstance(target, str):
        return []
    holders = _holders(target, scope, of_field)
    if not holders:
        return []
    wrong = [v for v in as_list(value) if not any(_fits(v, h) for h in holders)]
    if not wrong:
        return []
    can = list(dict.fromkeys(str(x) for h in holders
                             if not isinstance(h, _Literal) and h.type == "enum" for x in h.values))
    hint = f"（可取：{'、'.join(can)}）" if can else ""
    hint_en = f" (it can hold: {', '.join(can)})" if can else ""
    return [(
        f"参数 {name} 的取值 {wrong} 不可能出现在 {target} 中{hint}",
        f"'{name}': {target} can never hold {wrong}{hint_en}; the rule would never match",
    )]
