"""Step data: ``--set KEY=VALUE`` text coerced by the trigger's declared fields.

One registered function per data type (:data:`COERCERS`): a new type is one function with
``@coercer("type")``, nothing else changes.  Each function receives the declared field, the
raw value (text from the command line, or an already-typed value from a caller in Python)
and a :class:`FieldContext`; it returns the typed value or raises
:class:`~rongcuo.domain.errors.InvalidInput` (``input.invalid_field``) through
:meth:`FieldContext.bad`, which names the trigger and the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from rongcuo.domain import limits
from rongcuo.domain.case import CaseState, Command
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.matter_key import normalise_key
from rongcuo.domain.messages import message
from rongcuo.domain.strict import iso_date, whole_number
from rongcuo.domain.workflow.model import DataField, DataType, TriggerSpec, WorkflowDefinition

MSG_INPUT_INVALID_FIELD = message(
    "input.invalid_field",
    "“{trigger}”的数据 {key}：{zh}",
    "'{trigger}' data '{key}': {en}",
)

MSG_INPUT_UNKNOWN_FIELD = message(
    "input.unknown_field",
    "“{name}”没有数据字段 {key}（可用：{declared}）",
    "'{name}' has no data field '{key}' (declared: {declared})",
)

MSG_INPUT_MISSING_FIELD = message(
    "input.missing_field",
    "“{name}”缺少必填数据 {key}（{label_zh}）",
    "'{name}' needs data field '{key}'",
)

__all__ = ["COERCERS", "FieldContext", "coerce", "coercer", "outcome_correction_default"]

_TRUE = frozenset({"true", "1", "yes", "y", "是", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "否", "f"})


@dataclass(slots=True)  # not frozen: built once per decision, and frozen init costs twice
class FieldContext:
    """What a coercer may look at besides the value: the step and the case it applies to."""

    definition: WorkflowDefinition
    trigger: str
    case: CaseState | None
    command: Command

    def bad(self, key: str, zh: str, en: str) -> InvalidInput:
        """The refusal of one field's value (the caller raises it)."""
        return InvalidInput.of(
            MSG_INPUT_INVALID_FIELD,
            trigger=self.trigger,
            key=key,
            zh=zh,
            en=en,
            details={"key": key, "trigger": self.trigger},
        )


Coercer = Callable[[DataField, Any, FieldContext], Any]
COERCERS: dict[str, Coercer] = {}
_C = TypeVar("_C", bound=Coercer)


def coercer(type_name: DataType) -> Callable[[_C], _C]:
    """Register the coercion of one data type."""

    def register(fn: _C) -> _C:
        COERCERS[type_name] = fn
        return fn

    return register


TOO_LONG = message(
    "input.too_long/field",
    "“{trigger}”的数据 {key}（{label_zh}）不能超过 {limit} 个字符（收到 {length} 个）",
    "'{trigger}' data '{key}' ({label_en}) must be at most {limit} characters (got {length})",
)
SEVERAL = message(
    "input.fields/several",
    "“{trigger}”的数据有 {n} 处问题：{zh}",
    "'{trigger}' data has {n} problems: {en}",
)


def coerce(
    definition: WorkflowDefinition, case: CaseState | None, spec: TriggerSpec, cmd: Command
) -> dict[str, Any]:
    """The step's data, typed; unknown, missing required and invalid fields are refused —
    all of them in one refusal (``details["fields"]``), not one per try."""
    problems: list[InvalidInput] = []
    for key in cmd.data:
        if key not in spec.data:
            declared = ", ".join(spec.data) or "—"
            problems.append(InvalidInput.of(
                MSG_INPUT_UNKNOWN_FIELD,
                name=spec.name,
                key=key,
                declared=declared,
                details={"key": key, "trigger": spec.name},
            ))
    out: dict[str, Any] = {}
    ctx: FieldContext | None = None
    for key, f in spec.data.items():
        raw = cmd.data.get(key)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if f.required:
                problems.append(InvalidInput.of(
                    MSG_INPUT_MISSING_FIELD,
                    name=spec.name,
                    key=key,
                    label_zh=f.label_zh,
                    article=spec.article,
                    details={"key": key, "trigger": spec.name},
                ))
            continue
        if ctx is None:
            ctx = FieldContext(definition, spec.name, case, cmd)
        try:
            out[key] = COERCERS[f.type](f, raw, ctx)
        except InvalidInput as exc:
            problems.append(exc)
    if problems:
        err = _all_of(spec, problems)
        err.details.setdefault("workflow", definition.id)  # where its fields are listed
        raise err
    outcome_correction_default(definition, spec, out)
    return out


def _all_of(spec: TriggerSpec, problems: list[InvalidInput]) -> InvalidInput:
    """One refusal naming every problem (the first's code; each in ``details["fields"]``)."""
    if len(problems) == 1:
        return problems[0]
    first = problems[0]
    fields = [{"key": p.details.get("key"), "code": p.code, "message_zh": p.message_zh,
               "message_en": p.message_en} for p in problems]
    zh, en = SEVERAL.render({
        "trigger": spec.name, "n": len(problems),
        "zh": "；".join(p.message_zh for p in problems),
        "en": "; ".join(p.message_en for p in problems),
    })
    # the first problem's code: a program reading one code still reads the same one
    return InvalidInput(
        zh, en, code=first.code, article=first.article,
        details={"trigger": spec.name, "key": first.details.get("key"), "fields": fields},
    )


def _check_length(f: DataField, text: str, limit: int, ctx: FieldContext) -> None:
    if len(text) > limit:
        raise InvalidInput.of(
            TOO_LONG, trigger=ctx.trigger, key=f.name, label_zh=f.label_zh or f.name,
            label_en=f.label_en or f.name, limit=limit, length=len(text),
            details={"key": f.name, "trigger": ctx.trigger, "limit": limit,
                     "length": len(text)},
        )


def outcome_correction_default(
    definition: WorkflowDefinition, spec: TriggerSpec, data: dict[str, Any]
) -> None:
    """Fill ``correction_required`` from the chosen ``outcome`` when the step leaves it out.

    This is procedure vocabulary, not an engine rule: Licheng and Banan determine an
    ``outcome`` from their catalogue, and each catalogue outcome says whether it owes a
    correction (``correction: true``; 历城办法第二十条, 巴南办法第十八条).  A step declaring both
    fields gets that flag as the default of ``correction_required``.  The definition will
    declare this default itself (a field default taken from the catalogue); until the format
    can say so, the two field names live here and nowhere else in the engine.
    """
    if "correction_required" in spec.data and "correction_required" not in data:
        outcome = data.get("outcome")
        if outcome is not None:
            data["correction_required"] = definition.outcomes[outcome].correction


# --------------------------------------------------------------------------- the types
@coercer("str")
def _text(f: DataField, raw: Any, ctx: FieldContext) -> str:
    if not isinstance(raw, str):
        raise ctx.bad(f.name, "应为文字", "must be text")
    _check_length(f, raw.strip(), f.max_length or limits.TEXT_FIELD, ctx)
    return raw.strip()


@coercer("key")
def _key(f: DataField, raw: Any, ctx: FieldContext) -> str:
    """A normalised comparison key (C16, 贵安新区办法第十二条 "同一工作、同一问题"):
    :func:`rongcuo.domain.matter_key.normalise_key`."""
    if not isinstance(raw, str):
        raise ctx.bad(f.name, "应为文字", "must be text")
    key = normalise_key(raw)
    if not key:
        raise ctx.bad(f.name, "去掉空格和标点后为空", "is empty once spaces and punctuation go")
    return key


@coercer("int")
def _whole(f: DataField, raw: Any, ctx: FieldContext) -> int:
    try:
        n = raw if isinstance(raw, int) and not isinstance(raw, bool) else whole_number(str(raw))
    except ValueError:
        raise ctx.bad(
            f.name,
            f"“{raw}”不是整数（只用数字 0-9）",
            f"'{raw}' is not a whole number (digits 0-9 only)",
        ) from None
    if f.min is not None and n < f.min:
        raise ctx.bad(f.name, f"不得小于 {f.min}", f"must be at least {f.min}")
    return n


@coercer("date")
def _date(f: DataField, raw: Any, ctx: FieldContext) -> date:
    key, on = f.name, ctx.command.on
    try:
        d = raw if isinstance(raw, date) else iso_date(str(raw))
    except ValueError:
        raise ctx.bad(
            key, f"“{raw}”不是日期（YYYY-MM-DD）", f"'{raw}' is not a date (YYYY-MM-DD)"
        ) from None
    # A field named *_on records when something already happened: it lies between the
    # previous step and this step's own date.  Any other date (a due date) is not past.
    # A historic field (C19) records something that may have happened before the previous
    # step too (an appraisal commissioned during the preliminary check): only not after this
    # step's date.
    if f.historic:
        if d > on:
            raise ctx.bad(
                key,
                f"{d.isoformat()} 晚于本步骤日期 {on.isoformat()}",
                f"{d.isoformat()} is after this step's date {on.isoformat()}",
            )
    elif key.endswith("_on"):
        if d > on:
            raise ctx.bad(
                key,
                f"{d.isoformat()} 晚于本步骤日期 {on.isoformat()}",
                f"{d.isoformat()} is after this step's date {on.isoformat()}",
            )
        last = ctx.case.last_on if ctx.case is not None else None
        if last is not None and d < last:
            raise ctx.bad(
                key,
                f"{d.isoformat()} 早于上一步骤日期 {last.isoformat()}",
                f"{d.isoformat()} is before the previous step {last.isoformat()}",
            )
    elif d < on:
        raise ctx.bad(
            key, f"{d.isoformat()} 早于本步骤日期", f"{d.isoformat()} is before this step's date"
        )
    return d


@coercer("enum")
def _choice(f: DataField, raw: Any, ctx: FieldContext) -> str:
    v = str(raw).strip()
    code = f.code_for(v)
    if code is None:
        shown = "、".join(_choice_text(f, c) for c in f.values)
        raise ctx.bad(
            f.name,
            f"“{v}”不在可选值 {shown} 之中",
            f"'{v}' is not one of {', '.join(f.values)}",
        )
    return code


def _choice_text(f: DataField, code: str) -> str:
    lab = f.value_label(code)
    return code if lab == code else f"{code}（{lab}）"


@coercer("bool")
def _yes_no(f: DataField, raw: Any, ctx: FieldContext) -> bool:
    if isinstance(raw, bool):
        return raw
    v = str(raw).strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ctx.bad(f.name, f"“{raw}”不是 true/false", f"'{raw}' is not true/false")


@coercer("list")
def _names(f: DataField, raw: Any, ctx: FieldContext) -> tuple[str, ...]:
    values = raw.split(",") if isinstance(raw, str) else list(raw)
    items = tuple(str(v).strip() for v in values if str(v).strip())
    if not items:
        raise ctx.bad(f.name, "不能为空", "must not be empty")
    for item in items:
        _check_length(f, item, f.max_length or limits.LIST_ITEM, ctx)
    return items


@coercer("items")
def _catalogue_items(f: DataField, raw: Any, ctx: FieldContext) -> tuple[str, ...]:
    """Catalogue items ``article.item`` (e.g. ``10.3``), each once, each in the catalogue."""
    items = _names(f, raw, ctx)
    repeated = sorted({i for i in items if items.count(i) > 1})
    if repeated:
        raise ctx.bad(
            f.name,
            f"{', '.join(repeated)} 重复填写（每一项只写一次）",
            f"{', '.join(repeated)} given more than once (name each item once)",
        )
    unknown = [i for i in items if ctx.definition.item_text(i) is None]
    if unknown:
        raise ctx.bad(
            f.name,
            f"认定目录中没有 {', '.join(unknown)}（写作 条.项，如 10.3）",
            f"{', '.join(unknown)} not in the catalogue (write article.item, e.g. 10.3)",
        )
    return items
