"""Obligation files (``workflows/<jurisdiction>/obligations/*.yaml``) → an ObligationCatalogue.

Each file lists the body kinds its obligations name, the parameters the source leaves blank,
and the obligations (who owes what, per which period, due when, which article).  Every problem
is reported ``FILE:LINE``; a file with any problem is refused whole.  All files load into one
catalogue (ids unique across them).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from rongcuo import paths
from rongcuo.definitions.yaml_source import parse_yaml
from rongcuo.domain.errors import DefinitionError
from rongcuo.domain.messages import message
from rongcuo.domain.obligations import (
    DueRule,
    FulfilledBy,
    Obligation,
    ObligationCatalogue,
    Parameter,
    Rung,
)
from rongcuo.domain.obligations.periods import CALENDAR_KINDS
from rongcuo.domain.workflow.problems import Checker, Problem

MSG_OBLIGATIONS_INVALID = message(
    "obligations.invalid",
    "义务文件无效：\n{listing}",
    "invalid obligations file:\n{listing}",
)

MSG_OBLIGATIONS_DUPLICATE = message(
    "obligations.duplicate",
    "义务编号 {id} 重复：{path}",
    "obligation id {id} is used twice: {path}",
)

FOLDER = "obligations"
PERIODS = (*CALENDAR_KINDS, "occurrence")
DUE_RULES = ("end_of_period", "fixed", "after_period_end", "within")


class _File:
    def __init__(self, doc: Mapping[str, Any], chk: Checker) -> None:
        self.doc, self.chk = doc, chk
        self.kinds = set(doc.get("kinds") or {})
        self.params: dict[str, Parameter] = {}
        raw = doc.get("parameters") or {}
        if not isinstance(raw, Mapping):
            chk.error(("parameters",), "parameters 须为映射", "'parameters' must be a mapping")
            raw = {}
        for name, p in raw.items():
            if not isinstance(p, Mapping) or not p.get("article") or not p.get("note"):
                chk.error(("parameters", name), f"参数 {name} 须写明 article 和 note",
                          f"parameter '{name}' needs an article and a note")
                continue
            self.params[str(name)] = Parameter(str(name), str(p["article"]), str(p["note"]),
                                               str(p.get("basis", "local")))
        in_force = doc.get("in_force")
        if not isinstance(in_force, date):
            chk.error(("in_force",), "in_force 须为日期", "'in_force' must be a date")
            in_force = date.min
        self.in_force: date = in_force

    def text(self, ob: Mapping[str, Any], path: tuple[Any, ...], key: str) -> str:
        v = ob.get(key)
        if not isinstance(v, str) or not v.strip():
            self.chk.error((*path, key), f"缺少 {key}", f"'{key}' must be non-empty text")
            return ""
        return v

    def due(self, raw: Any, path: tuple[Any, ...], used: list[str]) -> DueRule:
        chk = self.chk
        if not isinstance(raw, Mapping) or raw.get("rule") not in DUE_RULES:
            chk.error(path, f"due.rule 须为 {', '.join(DUE_RULES)} 之一",
                      f"'due' needs a rule, one of {', '.join(DUE_RULES)}")
            return DueRule("end_of_period")
        kind = raw["rule"]
        days = raw.get("days")
        if kind in ("after_period_end", "within"):
            if isinstance(days, str):
                if days not in self.params:
                    chk.error((*path, "days"), f"参数 {days} 未在 parameters 中声明",
                              f"parameter '{days}' is not declared under 'parameters'")
                used.append(days)
            elif not isinstance(days, int) or isinstance(days, bool) or days < 1:
                chk.error((*path, "days"), "days 须为正整数或参数名",
                          "'days' must be a positive whole number or a parameter's name")
        if kind == "fixed":
            try:
                date(2001, int(raw.get("month", 0)), int(raw.get("day", 0)))
            except (TypeError, ValueError):
                chk.error(path, "固定日期须有有效的 month 和 day",
                          "'fixed' needs a valid month and day")
            if not isinstance(raw.get("rollover"), bool):
                chk.error((*path, "rollover"), "固定日期须写明遇休息日是否顺延（rollover）",
                          "a fixed date must declare whether it rolls over (rollover)")
        return DueRule(kind, raw.get("month"), raw.get("day"), int(raw.get("years_after", 0)),
                       days, bool(raw.get("rollover", True)), str(raw.get("reading", "")))

    def obligation(self, ob: Any, path: tuple[Any, ...]) -> Obligation | None:
        chk = self.chk
        if not isinstance(ob, Mapping):
            chk.error(path, "义务须为映射", "an obligation must be a mapping")
            return None
        used: list[str] = []
        owners = ob.get("owners")
        if not isinstance(owners, list) or not owners:
            chk.error((*path, "owners"), "owners 须为非空列表", "'owners' must be a non-empty list")
            owners = []
        for o in owners:
            if o not in self.kinds:
                chk.error((*path, "owners"), f"机构类别 {o} 未在 kinds 中声明",
                          f"body kind '{o}' is not declared under 'kinds'")
        period = ob.get("period")
        if period not in PERIODS:
            if isinstance(period, str) and period in self.params:
                used.append(period)
            else:
                chk.error((*path, "period"), f"period 须为 {', '.join(PERIODS)} 之一或参数名",
                          f"'period' must be one of {', '.join(PERIODS)} or a parameter")
        minimum = ob.get("min")
        if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
            chk.error((*path, "min"), "min 须为正整数", "'min' must be a positive whole number")
            minimum = 1
        due = self.due(ob.get("due"), (*path, "due"), used)
        reminders = ob.get("reminders", [])
        if not isinstance(reminders, list) or not all(
                isinstance(r, int) and not isinstance(r, bool) and r > 0 for r in reminders):
            chk.error((*path, "reminders"), "reminders 须为正整数列表（到期前天数）",
                      "'reminders' must be a list of positive days before the due date")
            reminders = []
        rungs = []
        for k, r in enumerate(ob.get("escalation", []) or []):
            if not isinstance(r, Mapping) or not isinstance(r.get("days"), int) or not r.get("to"):
                chk.error((*path, "escalation", k), "升级须有 days 和 to",
                          "an escalation rung needs 'days' and 'to'")
                continue
            rungs.append(Rung(int(r["days"]), str(r["to"])))
        fulfilled = []
        for k, f in enumerate(ob.get("fulfilled_by", []) or []):
            if not isinstance(f, Mapping) or not f.get("workflow") or not f.get("trigger"):
                chk.error((*path, "fulfilled_by", k), "fulfilled_by 须有 workflow 和 trigger",
                          "'fulfilled_by' needs 'workflow' and 'trigger'")
                continue
            facts = f.get("facts") or {}
            fulfilled.append(FulfilledBy(str(f["workflow"]), str(f["trigger"]),
                                         tuple(sorted(facts.items())), f.get("period_fact")))
        return Obligation(
            id=self.text(ob, path, "id"), title_zh=self.text(ob, path, "title_zh"),
            title_en=self.text(ob, path, "title_en"), article=self.text(ob, path, "article"),
            owners=tuple(owners), period=str(period), min=minimum, due=due,
            in_force=self.in_force, reminders=tuple(reminders), escalation=tuple(rungs),
            overdue_article=str(ob.get("overdue_article") or ob.get("article") or ""),
            fulfilled_by=tuple(fulfilled), to=str(ob.get("to", "default")),
            note=str(ob.get("note", "")), parameters=tuple(dict.fromkeys(used)))


def check_obligations(text: str, filename: str) -> tuple[ObligationCatalogue | None,
                                                         list[Problem]]:
    """The catalogue one file describes (None if any problem) and every problem."""
    try:
        doc, lines = parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(filename, mark.line + 1 if mark else None,
                              f"YAML syntax: {getattr(exc, 'problem', exc)} (YAML 语法错误)")]
    chk = Checker(filename, lines)
    for line, key in lines.duplicates:
        chk.at_line(line, f"duplicate key '{key}' (重复的键)")
    if not isinstance(doc, dict) or not isinstance(doc.get("obligations"), list):
        chk.error((), "义务文件须为含 obligations 列表的映射",
                  "an obligations file must be a mapping with an 'obligations' list")
        return None, chk.problems
    f = _File(doc, chk)
    obs = [o for i, raw in enumerate(doc["obligations"])
           if (o := f.obligation(raw, ("obligations", i))) is not None]
    ids = [o.id for o in obs]
    for i, o in enumerate(obs):
        if ids.index(o.id) != i:
            chk.error(("obligations", i, "id"), f"义务编号 {o.id} 重复", f"obligation {o.id} twice")
    if chk.problems:
        return None, chk.problems
    return ObligationCatalogue(tuple(obs), tuple(f.params.values())), []


def obligation_files(root: Path | None = None) -> list[Path]:
    base = root if root is not None else paths.workflows_dir()
    return sorted(base.glob(f"*/{FOLDER}/*.yaml"))


def load_obligations(root: Path | None = None) -> ObligationCatalogue:
    """Every obligation file under ``root`` (default: the workflows directory), merged."""
    obs: list[Obligation] = []
    params: list[Parameter] = []
    for path in obligation_files(root):
        cat, problems = check_obligations(path.read_text(encoding="utf-8"), str(path))
        if cat is None:
            listing = "\n".join(str(p) for p in problems)
            raise DefinitionError.of(
                MSG_OBLIGATIONS_INVALID,
                listing=listing,
                details={"problems": [p.__dict__ for p in problems]},
            )
        for o in cat.obligations:
            if any(x.id == o.id for x in obs):
                raise DefinitionError.of(
                    MSG_OBLIGATIONS_DUPLICATE,
                    id=o.id,
                    path=path,
                )
        obs += cat.obligations
        params += [p for p in cat.parameters if all(q.name != p.name for q in params)]
    return ObligationCatalogue(tuple(obs), tuple(params))


def body_kinds(root: Path | None = None) -> dict[str, str]:
    """Every body kind the obligation files declare, with its Chinese label."""
    out: dict[str, str] = {}
    for path in obligation_files(root):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for k, v in (doc.get("kinds") or {}).items():
            out[str(k)] = str((v or {}).get("label_zh", k))
    return out
