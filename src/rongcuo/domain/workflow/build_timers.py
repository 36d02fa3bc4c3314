"""Building the legal timers of a definition: period length, start and stop, pause,
extension, reminders and escalation — and refusing a period the source leaves blank."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rongcuo.domain.workflow.model import ExtensionRule, Parameter, Rung, TimerSpec, TriggerSpec
from rongcuo.domain.workflow.problems import Checker

Path = tuple[Any, ...]

# A legal period in a definition: at least a day, at most ten years (a typo such as
# 99999999999999999999 would otherwise pass validation and fail every case it opens).
MAX_PERIOD_DAYS = 3660


@dataclass
class _Timer:
    """One timer being built: its name, path and what it may refer to."""

    name: str
    path: Path
    params: Mapping[str, Parameter]
    triggers: Mapping[str, TriggerSpec]
    chk: Checker

    def error(self, where: Path, zh: str, en: str) -> None:
        self.chk.error((*self.path, *where), zh, en)

    def trigger(self, ref: str, *where: Any) -> None:
        if ref not in self.triggers:
            self.error(where, "未知的触发器", f"timer '{self.name}': unknown trigger '{ref}'")


def build_timers(
    raw: Mapping[str, Any],
    params: Mapping[str, Parameter],
    triggers: Mapping[str, TriggerSpec],
    chk: Checker,
) -> dict[str, TimerSpec]:
    return {
        name: _timer(_Timer(name, ("timers", name), params, triggers, chk), t)
        for name, t in raw.items()
    }


def _timer(tm: _Timer, t: Mapping[str, Any]) -> TimerSpec:
    period = t["period"]
    days, days_from_data = _period_days(tm, period)
    raw_days = period.get("days")
    ref = raw_days.get("param") if isinstance(raw_days, dict) else None
    adopter = tm.params.get(ref) if ref else None
    days_from_param = ref if adopter is not None and adopter.adopter else None
    due_from_data = (period.get("due") or {}).get("data")
    if days is None and days_from_data is None and due_from_data is None \
            and days_from_param is None:
        tm.error(
            ("period",),
            "期限天数留空：来源未写明的期限须在 parameters 中明确声明（数值与说明），不得臆造",
            f"timer '{tm.name}' has no days: a period the source leaves blank must be declared "
            "as an explicit parameter (value and note), never invented",
        )
    start_on = tuple(t["start"]["by"])
    start_from = t["start"].get("from")
    _check_start(tm, start_on, (start_from, days_from_data, due_from_data))
    stop, cancel = tuple(t.get("stop") or ()), tuple(t.get("cancel") or ())
    for key, refs in (("stop", stop), ("cancel", cancel)):
        for i, s in enumerate(refs):
            tm.trigger(s, key, i)
    if not stop:
        tm.error((), "计时器没有停止事件", f"timer '{tm.name}' has no stop trigger")
    expiry = t.get("on_expiry", "escalate")
    on_expiry = expiry.get("fire") if isinstance(expiry, dict) else None
    if on_expiry:
        tm.trigger(on_expiry, "on_expiry")
    pause = t.get("pause")
    if pause:
        tm.trigger(pause["by"], "pause", "by")
        tm.trigger(pause["resume_by"], "pause", "resume_by")
        _check_pause_from(tm, pause)
    reminders, rungs = _reminders(tm, t.get("reminders")), _escalation(tm, t.get("escalation"))
    kind = t.get("kind", "deadline")
    if kind == "window" and (reminders or rungs):
        tm.error((), "申请期间不设提醒或升级", f"timer '{tm.name}': a window owes no reminders "
                 "or escalation")
    return TimerSpec(
        name=tm.name,
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
        extension=_extension(tm, t.get("extension")),
        reminders=reminders,
        escalation=rungs,
        on_expiry=on_expiry,
        start_unless=_start_unless(t["start"].get("unless")),
        days_from_param=days_from_param,
        pause_from=pause.get("from") if pause else None,
    )


def _start_unless(raw: Mapping[str, Any] | None) -> tuple[str, tuple[Any, ...]] | None:
    return None if not raw else (str(raw["fact"]), tuple(raw["in"]))


def _check_pause_from(tm: _Timer, pause: Mapping[str, Any]) -> None:
    """The pause step declares the date field that says when the pause began, as a date."""
    key = pause.get("from")
    spec = tm.triggers.get(pause["by"])
    if key is None or spec is None:
        return
    field = spec.data.get(key)
    if field is None or field.type != "date":
        tm.error(("pause", "from"), "中止起始日字段须为中止操作声明的日期字段",
                 f"timer '{tm.name}': pause 'from' must name a date field of '{pause['by']}'")


def _period_days(tm: _Timer, period: Mapping[str, Any]) -> tuple[int | None, str | None]:
    """(fixed days, data field giving the days): from a number, a parameter or the data."""
    raw = period.get("days")
    if isinstance(raw, int) and not 1 <= raw <= MAX_PERIOD_DAYS:
        tm.error(
            ("period", "days"),
            f"期限天数须在 1 至 {MAX_PERIOD_DAYS} 之间",
            f"timer '{tm.name}': days must be between 1 and {MAX_PERIOD_DAYS}, not {raw}",
        )
        return None, None
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, dict) and "param" in raw:
        return _param_days(tm, raw["param"], period["unit"]), None
    if isinstance(raw, dict) and "data" in raw:
        return None, raw["data"]
    return None, None


def _param_days(tm: _Timer, ref: str, unit: str) -> int | None:
    p = tm.params.get(ref)
    if p is None:
        tm.error(("period", "days"), "未知参数", f"timer '{tm.name}': unknown parameter '{ref}'")
        return None
    if p.adopter:  # C2: its value is the case's, recorded when the case opened
        if p.unit and p.unit != unit:
            tm.error(("period",), "参数单位与期限单位不一致",
                     f"timer '{tm.name}': parameter unit '{p.unit}' differs from the period unit")
        return None
    if not isinstance(p.value, int) or isinstance(p.value, bool):
        tm.error(
            ("period", "days"),
            "参数须为整数天数",
            f"timer '{tm.name}': parameter '{p.name}' must be a whole number of days",
        )
        return None
    if not 1 <= p.value <= MAX_PERIOD_DAYS:
        tm.chk.error(
            ("parameters", p.name, "value"),
            f"期限天数须在 1 至 {MAX_PERIOD_DAYS} 之间",
            f"parameter '{p.name}' (the days of timer '{tm.name}') must be between 1 and "
            f"{MAX_PERIOD_DAYS}, not {p.value}",
        )
        return None
    if p.unit and p.unit != unit:
        tm.error(
            ("period",),
            "参数单位与期限单位不一致",
            f"timer '{tm.name}': parameter unit '{p.unit}' differs from the period unit",
        )
    return p.value


def _check_start(tm: _Timer, start_on: tuple[str, ...], keys: tuple[str | None, ...]) -> None:
    """The start triggers exist and declare the data fields the period reads."""
    for i, s in enumerate(start_on):
        tm.trigger(s, "start", "by", i)
        spec = tm.triggers.get(s)
        for key in filter(None, keys):
            if spec is not None and key not in spec.data:
                tm.error(
                    ("start",),
                    "起算依据字段未声明",
                    f"timer '{tm.name}': start trigger '{s}' declares no data field '{key}'",
                )


def _extension(tm: _Timer, ext: Mapping[str, Any] | None) -> ExtensionRule | None:
    if not ext:
        return None
    tm.trigger(ext["by"], "extension", "by")
    spec = tm.triggers.get(ext["by"])
    if spec is not None and "days" not in spec.data:
        tm.error(
            ("extension",),
            "延期触发器须声明 days 字段",
            f"timer '{tm.name}': extension trigger '{ext['by']}' must declare 'days'",
        )
    approver = spec.data.get("approved_by") if spec is not None else None
    if spec is not None and ext["approval_required"] and not (approver and approver.required):
        tm.error(
            ("extension",),
            "须批准的延期必须要求 approved_by",
            f"timer '{tm.name}': approval required, so '{ext['by']}' must require "
            "'approved_by'",
        )
    return ExtensionRule(
        ext["by"], ext["max_times"], ext["max_days"], ext["approval_required"], ext["article"]
    )


def _working_days(value: Any) -> bool:
    """A list of distinct whole numbers of working days, each at least 1 (no bools, no 1.5)."""
    return (
        isinstance(value, list)
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
        and len(set(value)) == len(value)
    )


def _reminders(tm: _Timer, rem: Mapping[str, Any] | None) -> tuple[int, ...]:
    """Working days before due, latest first (policy: from a parameter or written inline)."""
    if not rem:
        return ()
    if "param" not in rem:
        if not _working_days(rem.get("working_days_before")):
            tm.error(
                ("reminders", "working_days_before"),
                "提醒须为互不相同的正整数工作日数",
                f"timer '{tm.name}': reminders must be distinct whole numbers of working days "
                f"of at least 1, not {rem.get('working_days_before')!r}",
            )
            return ()
        return tuple(sorted(rem["working_days_before"], reverse=True))
    p = tm.params.get(rem["param"])
    if p is not None and isinstance(p.value, list) and not _working_days(p.value):
        tm.chk.error(
            ("parameters", p.name, "value"),
            "提醒须为互不相同的正整数工作日数",
            f"parameter '{p.name}': reminders must be distinct whole numbers of "
            f"working days of at least 1, not {p.value!r}",
        )
        return ()
    if p is None or p.basis != "policy" or not isinstance(p.value, list):
        tm.error(
            ("reminders",),
            "提醒须引用 basis: policy 的整数列表参数",
            f"timer '{tm.name}': reminders must refer to a 'basis: policy' "
            "parameter holding a list of working days",
        )
        return ()
    return tuple(sorted((int(v) for v in p.value), reverse=True))


def _escalation(tm: _Timer, esc: Mapping[str, Any] | None) -> tuple[Rung, ...]:
    rungs = tuple(
        Rung(i + 1, r["offset_working_days"], r["to"], r.get("to_en", ""), r.get("article"))
        for i, r in enumerate((esc or {}).get("rungs", []))
    )
    offsets = [r.offset_working_days for r in rungs]
    if offsets != sorted(offsets):
        tm.error(
            ("escalation",),
            "升级阶梯须按时间先后排列",
            f"timer '{tm.name}': escalation rungs must be in order of their offsets",
        )
    return rungs
