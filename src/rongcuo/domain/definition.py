"""Workflow definitions: the parsed, validated form of a ``workflows/*.yaml`` file.

A definition is the procedure of one supervision body, written as data: identity and the
dates it is in force, states, triggers (with their data fields, guards and fact effects),
legal timers, and the determination catalogue.  :func:`parse_definition` refuses any file
that is malformed or that would silently invent law (a period left blank in the source must
be an explicit ``parameters:`` entry with a value and a note) and names the file, the line
and the problem of every error it finds.

Pure: text in, value out.  No file I/O (``rongcuo.definitions`` reads the files).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import jsonschema  # type: ignore[import-untyped]  # no stubs installed
import yaml

from rongcuo.domain.definition_schema import SCHEMA
from rongcuo.domain.errors import DefinitionError
from rongcuo.domain.guards import GUARD_RULES

if TYPE_CHECKING:
    from rongcuo.domain.periods import PeriodRule

DataType = Literal["str", "int", "date", "enum", "list", "bool", "items"]


# --------------------------------------------------------------------------- value types
@dataclass(frozen=True)
class Problem:
    """One validation error: where it is and what is wrong."""

    file: str
    line: int | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    basis: str
    note: str
    article: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class StateSpec:
    name: str
    label_zh: str
    label_en: str
    article: str
    final: bool = False


@dataclass(frozen=True)
class DataField:
    name: str
    type: DataType
    required: bool = False
    values: tuple[str, ...] = ()
    min: int | None = None
    label_zh: str = ""


@dataclass(frozen=True)
class GuardSpec:
    """A named rule with parameters (``guards.GUARD_RULES``) and the article it enforces."""

    rule: str
    article: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FactOp:
    """``set`` a fact, or ``add``/``remove`` a value of a list fact.

    A value written ``$key`` is the step's data field ``key``; ``$on`` is the business date.
    """

    op: Literal["set", "add", "remove"]
    fact: str
    value: Any


@dataclass(frozen=True)
class TransitionSpec:
    sources: tuple[str, ...]
    dest: str | None  # None: an internal step (the state does not change)
    guards: tuple[GuardSpec, ...] = ()


@dataclass(frozen=True)
class TriggerSpec:
    name: str
    label_zh: str
    label_en: str
    article: str
    event: str
    opens: bool
    transitions: tuple[TransitionSpec, ...]
    data: Mapping[str, DataField]
    guards: tuple[GuardSpec, ...]
    facts: tuple[FactOp, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(s for t in self.transitions for s in t.sources)


@dataclass(frozen=True)
class ExtensionRule:
    by: str
    max_times: int | None
    max_days: int | None
    approval_required: bool
    article: str


@dataclass(frozen=True)
class Rung:
    """An escalation rung: ``offset_working_days`` after the due date, to whom."""

    index: int
    offset_working_days: int
    to: str
    to_en: str = ""
    article: str | None = None


@dataclass(frozen=True)
class TimerSpec:
    name: str
    label_zh: str
    label_en: str
    article: str
    kind: Literal["deadline", "window"]
    unit: Literal["calendar", "working"]
    days: int | None  # fixed period length (a parameter reference is resolved here)
    days_from_data: str | None  # the period length is given by the start step's data field
    due_from_data: str | None  # or an explicit due date given by the start step
    rollover: bool
    start_on: tuple[str, ...]
    start_from: str | None  # data field holding the start date; None: the step's date
    stop: tuple[str, ...]
    cancel: tuple[str, ...]
    pause_by: str | None
    resume_by: str | None
    pause_article: str | None
    extension: ExtensionRule | None
    reminders: tuple[int, ...]  # working days before due (policy)
    escalation: tuple[Rung, ...]  # policy
    on_expiry: str | None  # a trigger fired on expiry; None: escalate only

    def rule(self, days: int | None = None) -> PeriodRule:
        """The period rule; ``days`` overrides a per-case length (``days_from_data``)."""
        from rongcuo.domain.periods import PeriodRule  # the legal clock (issue 2)

        n = self.days if days is None else days
        if n is None:
            raise DefinitionError(
                f"计时器 {self.name} 没有期限天数",
                f"timer {self.name} has no period length",
                code="definition.timer_without_days",
                article=self.article,
            )
        cap = self.extension.max_days if self.extension else None
        return PeriodRule(
            unit=self.unit, days=n, rollover=self.rollover, max_extension_days=cap,
            # this definition's own articles, None where it names none (no clock default)
            extension_article=self.extension.article if self.extension is not None else None,
            pause_article=self.pause_article,
        )

    def notice_keys(self) -> tuple[str, ...]:
        """Every notice this timer can owe, in order: reminders, overdue, rungs.  A window
        (a party's right to act, e.g. Banan art. 16's proposal window) owes nobody a reminder
        and nobody is late when it closes — but one whose definition fires a trigger when it
        closes (``on_expiry``) owes that, at 24:00 CST of its last day, as ``overdue``."""
        if self.kind == "window":
            return ("overdue",) if self.on_expiry else ()
        keys = [f"reminder:{n}" for n in self.reminders]
        keys.append("overdue")
        keys.extend(f"escalation:{r.index}" for r in self.escalation)
        return tuple(keys)


@dataclass(frozen=True)
class Outcome:
    name: str
    label_zh: str
    label_en: str
    articles: tuple[str, ...]
    correction: bool
    article: str


@dataclass(frozen=True)
class CatalogueArticle:
    number: str
    title: str
    article: str
    exclusion: bool
    items: Mapping[str, str]


@dataclass(frozen=True)
class WorkflowDefinition:
    """A validated procedure.  Identity: ``(id, version)``."""

    id: str
    version: str
    title: str
    title_en: str
    jurisdiction: str
    source: Mapping[str, Any]
    in_force: tuple[date | None, date | None]
    in_force_article: str | None
    case_number: str
    parameters: Mapping[str, Parameter]
    states: Mapping[str, StateSpec]
    triggers: Mapping[str, TriggerSpec]
    timers: Mapping[str, TimerSpec]
    outcomes: Mapping[str, Outcome]
    catalogue: Mapping[str, CatalogueArticle]
    filename: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.version)

    @property
    def open_trigger(self) -> TriggerSpec:
        return next(t for t in self.triggers.values() if t.opens)

    @property
    def final_states(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states.values() if s.final)

    def item_text(self, item: str) -> str | None:
        """The catalogue text of ``"article.item"`` (e.g. ``"12.5"``), or None if unknown."""
        art, _, num = item.partition(".")
        entry = self.catalogue.get(art)
        return entry.items.get(num) if entry else None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "jurisdiction": self.jurisdiction,
            "in_force": [d.isoformat() if d else None for d in self.in_force],
            "case_number": self.case_number,
            "file": self.filename,
        }


# --------------------------------------------------------------------------- parsing
class _Lines:
    """Maps a path inside the YAML document to the line it starts on (1-based)."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._lines: dict[tuple[Any, ...], int] = {}
        self.duplicates: list[tuple[int, str]] = []
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: tuple[Any, ...]) -> None:
        self._lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    self.duplicates.append((key_node.start_mark.line + 1, str(key)))
                seen.add(key)
                self._lines[(*path, key)] = key_node.start_mark.line + 1
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


def _jsonable(value: Any) -> Any:
    """YAML dates become ISO strings so the JSON Schema sees what a JSON file would hold."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k) if isinstance(k, int) else k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


class _Checker:
    def __init__(self, filename: str, lines: _Lines) -> None:
        self.filename = filename
        self.lines = lines
        self.problems: list[Problem] = []

    def error(self, path: Iterable[Any], zh: str, en: str) -> None:
        self.problems.append(Problem(self.filename, self.lines.line(*path), f"{en} ({zh})"))


def check_definition(text: str, filename: str) -> tuple[WorkflowDefinition | None, list[Problem]]:
    """Parse and validate; return the definition (None if any error) and every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(filename, line, f"YAML syntax: {problem} (YAML 语法错误)")]
    lines = _Lines(root)
    chk = _Checker(filename, lines)
    for line, key in lines.duplicates:
        chk.problems.append(Problem(filename, line, f"duplicate key '{key}' (重复的键)"))
    if not isinstance(doc, dict):
        chk.error((), "定义文件必须是一个映射", "a definition must be a YAML mapping")
        return None, chk.problems
    data = _jsonable(doc)
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        chk.error(err.absolute_path, "不符合定义格式", f"schema: at {where}: {err.message}")
    if chk.problems:
        return None, chk.problems
    definition = _build(data, chk)
    if chk.problems:
        return None, chk.problems
    return definition, []


def parse_definition(text: str, filename: str) -> WorkflowDefinition:
    """Parse and validate a definition; raise :class:`DefinitionError` listing every problem."""
    definition, problems = check_definition(text, filename)
    if definition is None:
        listing = "\n".join(str(p) for p in problems)
        raise DefinitionError(
            f"工作流定义无效：\n{listing}",
            f"invalid workflow definition:\n{listing}",
            code="definition.invalid",
            details={"problems": [p.__dict__ for p in problems]},
        )
    return definition


_REF = re.compile(r"^\$([a-z][a-z0-9_]*)$")


def _guards(
    raw: list[dict[str, Any]], path: tuple[Any, ...], chk: _Checker
) -> tuple[GuardSpec, ...]:
    out = []
    for i, g in enumerate(raw):
        rule = GUARD_RULES.get(g["rule"])
        params = {k: v for k, v in g.items() if k not in ("rule", "article")}
        if rule is None:
            chk.error((*path, i, "rule"), "未知的规则", f"unknown guard rule '{g['rule']}'")
            continue
        missing = [p for p in rule.params if p not in params]
        if missing:
            chk.error(
                (*path, i), "规则缺少参数", f"guard '{g['rule']}' needs parameter(s) {missing}"
            )
        out.append(GuardSpec(rule=g["rule"], article=g["article"], params=params))
    return tuple(out)


def _build(d: dict[str, Any], chk: _Checker) -> WorkflowDefinition | None:
    params = {
        name: Parameter(name, p["value"], p["basis"], p["note"], p.get("article"), p.get("unit"))
        for name, p in (d.get("parameters") or {}).items()
    }
    for name, p in params.items():
        if p.value is None or p.value == "" or p.value == []:
            chk.error(
                ("parameters", name, "value"),
                "参数没有取值：来源留空的期限必须明确给出数值并说明",
                f"parameter '{name}' has no value: a period left blank in the source must be "
                "given explicitly, with a note",
            )
    states = {
        n: StateSpec(n, s["label_zh"], s.get("label_en", ""), s["article"], bool(s.get("final")))
        for n, s in d["states"].items()
    }
    triggers: dict[str, TriggerSpec] = {}
    for name, t in d["triggers"].items():
        path = ("triggers", name)
        data_fields = {
            k: DataField(
                k,
                f["type"],
                bool(f.get("required")),
                tuple(f.get("values", ())),
                f.get("min"),
                f.get("label_zh", ""),
            )
            for k, f in (t.get("data") or {}).items()
        }
        for k, f in data_fields.items():
            if f.type == "enum" and not f.values:
                chk.error(
                    (*path, "data", k), "枚举字段缺少取值", f"enum field '{k}' lists no values"
                )
        opens = bool(t.get("opens"))
        if "transitions" in t:
            if "from" in t or "to" in t:
                chk.error(
                    path,
                    "不能同时使用 from/to 与 transitions",
                    f"trigger '{name}': use either from/to or transitions, not both",
                )
            trs = tuple(
                TransitionSpec(
                    tuple(tr["from"]),
                    tr.get("to"),
                    _guards(tr.get("guards", []), (*path, "transitions", i, "guards"), chk),
                )
                for i, tr in enumerate(t["transitions"])
            )
        elif opens:
            if "to" not in t:
                chk.error(
                    path, "启动触发器必须指明初始状态", f"opening trigger '{name}' needs 'to'"
                )
            trs = (TransitionSpec((), t.get("to")),)
        else:
            if not t.get("from"):
                chk.error(path, "触发器没有来源状态", f"trigger '{name}' has no 'from' state")
            trs = (TransitionSpec(tuple(t.get("from", ())), t.get("to")),)
        facts: list[FactOp] = []
        for i, f in enumerate(t.get("facts") or []):
            op: Literal["set", "add", "remove"] = (
                "set" if "set" in f else "add" if "add" in f else "remove"
            )
            value = f["to"] if op == "set" else f["value"]
            if isinstance(value, str) and (m := _REF.match(value)):
                ref = m.group(1)
                if ref != "on" and ref not in data_fields:
                    chk.error(
                        (*path, "facts", i),
                        "引用了未声明的数据字段",
                        f"trigger '{name}': fact refers to undeclared data field '${ref}'",
                    )
            facts.append(FactOp(op, f[op], value))
        for tr_i, tr in enumerate(trs):
            for s in tr.sources:
                if s not in states:
                    chk.error(
                        (*path, "transitions", tr_i) if "transitions" in t else (*path, "from"),
                        "未知状态",
                        f"trigger '{name}': unknown state '{s}'",
                    )
            if tr.dest is not None and tr.dest not in states:
                chk.error(
                    (*path, "transitions", tr_i, "to") if "transitions" in t else (*path, "to"),
                    "未知状态",
                    f"trigger '{name}': unknown state '{tr.dest}'",
                )
        triggers[name] = TriggerSpec(
            name=name,
            label_zh=t["label_zh"],
            label_en=t.get("label_en", ""),
            article=t["article"],
            event=t["event"],
            opens=opens,
            transitions=trs,
            data=data_fields,
            guards=_guards(t.get("guards", []), (*path, "guards"), chk),
            facts=tuple(facts),
        )
    openers = [t for t in triggers.values() if t.opens]
    if len(openers) != 1:
        chk.error(
            ("triggers",),
            "必须恰有一个启动触发器",
            f"exactly one trigger must have 'opens: true' (found {len(openers)})",
        )

    timers = _timers(d.get("timers") or {}, params, triggers, chk)
    outcomes, catalogue = _catalogue(d.get("catalogue"), chk)
    _check_guard_refs(triggers, timers, chk)
    for t in triggers.values():
        for k, f in t.data.items():
            if f.type == "items" and not catalogue:
                chk.error(
                    ("triggers", t.name, "data", k),
                    "引用认定情形须有认定目录",
                    f"trigger '{t.name}': field '{k}' cites catalogue items, but the "
                    "definition has no catalogue",
                )
            if k == "outcome" and f.type == "enum":
                unknown = [v for v in f.values if v not in outcomes]
                if unknown:
                    chk.error(
                        ("triggers", t.name, "data", k),
                        "认定结果不在目录中",
                        f"trigger '{t.name}': outcome(s) {unknown} not in the catalogue",
                    )
    if openers and not chk.problems:
        _check_graph(states, triggers, openers[0], chk)
    if chk.problems:
        return None
    in_force = d["in_force"]
    frm = date.fromisoformat(in_force["from"]) if in_force.get("from") else None
    to = date.fromisoformat(in_force["to"]) if in_force.get("to") else None
    if (frm is None or to is None) and not in_force.get("note"):
        chk.error(
            ("in_force",),
            "施行日期留空时须说明理由",
            "an open in_force date needs a 'note' saying why the source gives none",
        )
    if frm and to and to < frm:
        chk.error(("in_force",), "施行期间不成立", "in_force 'to' is before 'from'")
    try:  # the store fills it in for every case it opens: a bad pattern must fail here
        str(d["case_number"]).format(year=2025, n=1)
    except (KeyError, IndexError, ValueError) as exc:
        chk.error(
            ("case_number",),
            f"案件编号格式无效（只能使用 {{year}} 和 {{n}}）：{exc}",
            f"the case number pattern is invalid (only {{year}} and {{n}} may be used): {exc}",
        )
    return WorkflowDefinition(
        id=d["id"],
        version=str(d["version"]),
        title=d["title"],
        title_en=d.get("title_en", ""),
        jurisdiction=d["jurisdiction"],
        source=d["source"],
        in_force=(frm, to),
        in_force_article=in_force.get("article"),
        case_number=d["case_number"],
        parameters=params,
        states=states,
        triggers=triggers,
        timers=timers,
        outcomes=outcomes,
        catalogue=catalogue,
        filename=chk.filename,
        raw=d,
    )


# A legal period in a definition: at least a day, at most ten years (a typo such as
# 99999999999999999999 would otherwise pass validation and fail every case it opens).
MAX_PERIOD_DAYS = 3660


def _working_days(value: Any) -> bool:
    """A list of distinct whole numbers of working days, each at least 1 (no bools, no 1.5)."""
    return (
        isinstance(value, list)
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
        and len(set(value)) == len(value)
    )


def _timers(
    raw: Mapping[str, Any],
    params: Mapping[str, Parameter],
    triggers: Mapping[str, TriggerSpec],
    chk: _Checker,
) -> dict[str, TimerSpec]:
    timers: dict[str, TimerSpec] = {}
    for name, t in raw.items():
        path = ("timers", name)

        def trig(ref: str, *where: Any, _path: tuple[Any, ...] = path) -> None:
            if ref not in triggers:
                chk.error(
                    (*_path, *where), "未知的触发器", f"timer '{_path[1]}': unknown trigger '{ref}'"
                )

        period = t["period"]
        days_raw = period.get("days")
        days: int | None = None
        days_from_data: str | None = None
        due_from_data = (period.get("due") or {}).get("data")
        if isinstance(days_raw, int) and not 1 <= days_raw <= MAX_PERIOD_DAYS:
            chk.error(
                (*path, "period", "days"),
                f"期限天数须在 1 至 {MAX_PERIOD_DAYS} 之间",
                f"timer '{name}': days must be between 1 and {MAX_PERIOD_DAYS}, not {days_raw}",
            )
        elif isinstance(days_raw, int):
            days = days_raw
        elif isinstance(days_raw, dict) and "param" in days_raw:
            p = params.get(days_raw["param"])
            if p is None:
                chk.error(
                    (*path, "period", "days"),
                    "未知参数",
                    f"timer '{name}': unknown parameter '{days_raw['param']}'",
                )
            elif (isinstance(p.value, int) and not isinstance(p.value, bool)
                  and not 1 <= p.value <= MAX_PERIOD_DAYS):
                chk.error(
                    ("parameters", p.name, "value"),
                    f"期限天数须在 1 至 {MAX_PERIOD_DAYS} 之间",
                    f"parameter '{p.name}' (the days of timer '{name}') must be between 1 and "
                    f"{MAX_PERIOD_DAYS}, not {p.value}",
                )
            elif isinstance(p.value, int) and not isinstance(p.value, bool):
                days = p.value
                if p.unit and p.unit != period["unit"]:
                    chk.error(
                        (*path, "period"),
                        "参数单位与期限单位不一致",
                        f"timer '{name}': parameter unit '{p.unit}' differs from the period unit",
                    )
            else:
                chk.error(
                    (*path, "period", "days"),
                    "参数须为整数天数",
                    f"timer '{name}': parameter '{p.name}' must be a whole number of days",
                )
        elif isinstance(days_raw, dict) and "data" in days_raw:
            days_from_data = days_raw["data"]
        if days is None and days_from_data is None and due_from_data is None:
            chk.error(
                (*path, "period"),
                "期限天数留空：来源未写明的期限须在 parameters 中明确声明（数值与说明），不得臆造",
                f"timer '{name}' has no days: a period the source leaves blank must be declared "
                "as an explicit parameter (value and note), never invented",
            )
        start_on = tuple(t["start"]["by"])
        for i, s in enumerate(start_on):
            trig(s, "start", "by", i)
        start_from = t["start"].get("from")
        for s in start_on:
            for key in filter(None, (start_from, days_from_data, due_from_data)):
                spec = triggers.get(s)
                if spec is not None and key not in spec.data:
                    chk.error(
                        (*path, "start"),
                        "起算依据字段未声明",
                        f"timer '{name}': start trigger '{s}' declares no data field '{key}'",
                    )
        stop = tuple(t.get("stop") or ())
        cancel = tuple(t.get("cancel") or ())
        for key, refs in (("stop", stop), ("cancel", cancel)):
            for i, s in enumerate(refs):
                trig(s, key, i)
        expiry = t.get("on_expiry", "escalate")
        on_expiry = expiry.get("fire") if isinstance(expiry, dict) else None
        if on_expiry:
            trig(on_expiry, "on_expiry")
        if not stop:
            chk.error(path, "计时器没有停止事件", f"timer '{name}' has no stop trigger")
        pause = t.get("pause")
        if pause:
            trig(pause["by"], "pause", "by")
            trig(pause["resume_by"], "pause", "resume_by")
        ext = t.get("extension")
        extension = None
        if ext:
            trig(ext["by"], "extension", "by")
            extension = ExtensionRule(
                ext["by"],
                ext["max_times"],
                ext["max_days"],
                ext["approval_required"],
                ext["article"],
            )
            spec = triggers.get(ext["by"])
            if spec is not None and "days" not in spec.data:
                chk.error(
                    (*path, "extension"),
                    "延期触发器须声明 days 字段",
                    f"timer '{name}': extension trigger '{ext['by']}' must declare 'days'",
                )
            if (
                spec is not None
                and ext["approval_required"]
                and not (spec.data.get("approved_by") and spec.data["approved_by"].required)
            ):
                chk.error(
                    (*path, "extension"),
                    "须批准的延期必须要求 approved_by",
                    f"timer '{name}': approval required, so '{ext['by']}' must require "
                    "'approved_by'",
                )
        reminders: tuple[int, ...] = ()
        rem = t.get("reminders")
        if rem:
            if "param" in rem:
                p = params.get(rem["param"])
                if p is not None and isinstance(p.value, list) and not _working_days(p.value):
                    chk.error(
                        ("parameters", p.name, "value"),
                        "提醒须为互不相同的正整数工作日数",
                        f"parameter '{p.name}': reminders must be distinct whole numbers of "
                        f"working days of at least 1, not {p.value!r}",
                    )
                elif p is None or p.basis != "policy" or not isinstance(p.value, list):
                    chk.error(
                        (*path, "reminders"),
                        "提醒须引用 basis: policy 的整数列表参数",
                        f"timer '{name}': reminders must refer to a 'basis: policy' "
                        "parameter holding a list of working days",
                    )
                else:
                    reminders = tuple(sorted((int(v) for v in p.value), reverse=True))
            elif not _working_days(rem.get("working_days_before")):
                chk.error(
                    (*path, "reminders", "working_days_before"),
                    "提醒须为互不相同的正整数工作日数",
                    f"timer '{name}': reminders must be distinct whole numbers of working days "
                    f"of at least 1, not {rem.get('working_days_before')!r}",
                )
            else:
                reminders = tuple(sorted(rem["working_days_before"], reverse=True))
        esc = t.get("escalation")
        rungs = tuple(
            Rung(i + 1, r["offset_working_days"], r["to"], r.get("to_en", ""), r.get("article"))
            for i, r in enumerate((esc or {}).get("rungs", []))
        )
        offsets = [r.offset_working_days for r in rungs]
        if offsets != sorted(offsets):
            chk.error(
                (*path, "escalation"),
                "升级阶梯须按时间先后排列",
                f"timer '{name}': escalation rungs must be in order of their offsets",
            )
        kind = t.get("kind", "deadline")
        if kind == "window" and (reminders or rungs):
            chk.error(
                path,
                "申请期间不设提醒或升级",
                f"timer '{name}': a window owes no reminders or escalation",
            )
        timers[name] = TimerSpec(
            name=name,
            label_zh=t["label_zh"],
            label_en=t.get("label_en", ""),
            article=t["article"],
            kind=kind,
            unit=period["unit"],
            days=days,
            days_from_data=days_from_data,
            due_from_data=due_from_data,
            rollover=period.get("rollover", True),
            start_on=start_on,
            start_from=start_from,
            stop=stop,
            cancel=cancel,
            pause_by=pause["by"] if pause else None,
            resume_by=pause["resume_by"] if pause else None,
            pause_article=pause["article"] if pause else None,
            extension=extension,
            reminders=reminders,
            escalation=rungs,
            on_expiry=on_expiry,
        )
    return timers


def _catalogue(
    raw: Mapping[str, Any] | None, chk: _Checker
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
            n,
            o["label_zh"],
            o.get("label_en", ""),
            tuple(o["articles"]),
            o["correction"],
            o["article"],
        )
    return outcomes, arts


def _check_guard_refs(
    triggers: Mapping[str, TriggerSpec], timers: Mapping[str, TimerSpec], chk: _Checker
) -> None:
    for t in triggers.values():
        guards = list(t.guards) + [g for tr in t.transitions for g in tr.guards]
        for g in guards:
            timer = g.params.get("timer")
            if timer is not None and timer not in timers:
                chk.error(
                    ("triggers", t.name),
                    "规则引用了未知计时器",
                    f"trigger '{t.name}': guard '{g.rule}' refers to unknown timer '{timer}'",
                )
            for key in g.params.get("keys", ()):
                if key not in t.data:
                    chk.error(
                        ("triggers", t.name),
                        "规则引用了未声明字段",
                        f"trigger '{t.name}': guard '{g.rule}' refers to undeclared '{key}'",
                    )


def _check_graph(
    states: Mapping[str, StateSpec],
    triggers: Mapping[str, TriggerSpec],
    opener: TriggerSpec,
    chk: _Checker,
) -> None:
    edges: dict[str, set[str]] = {s: set() for s in states}
    for t in triggers.values():
        for tr in t.transitions:
            if tr.dest is None:
                continue
            for s in tr.sources:
                if tr.dest != s:
                    edges[s].add(tr.dest)
    start = opener.transitions[0].dest
    if start is None:
        return
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    for s, spec in states.items():
        if s not in seen:
            chk.error(("states", s), "状态不可达", f"state '{s}' is unreachable from '{start}'")
        if not spec.final and not edges[s]:
            chk.error(
                ("states", s), "非终结状态没有出路", f"state '{s}' is not final but has no way out"
            )
        if spec.final and edges[s]:
            chk.error(("states", s), "终结状态不应有出路", f"final state '{s}' has a way out")
