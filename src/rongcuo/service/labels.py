"""One glossary of the words a person reads about a case (Chinese and English).

The case worker's views, the CLI and the exported case file name a deadline's status with
these words — never each its own.  Labels of states, steps, fields and timers come from the
definition (``label_zh`` / ``label_en``); this module holds only what no definition says.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from rongcuo.domain.case import CaseState, met_late_on, window_closed_on

STATUS = {
    "running": ("进行中", "running"),
    "paused": ("已暂停计时", "clock stopped"),
    "met": ("已按期完成", "met"),
    "met_late": ("逾期完成", "met late"),
    "overdue": ("已逾期", "overdue"),
    "cancelled": ("已取消", "cancelled"),
    "closed": ("已届满（未使用）", "closed (not used)"),
}
"""A deadline's status words: the stored status, plus ``met_late`` and ``closed`` (a window
that ran out unused), which views derive (:func:`deadline_status`)."""

STATUS_ZH = {k: zh for k, (zh, _) in STATUS.items()}

NOTICE_KIND = {
    "reminder": ("到期提醒", "reminder"),
    "overdue": ("逾期标记", "overdue mark"),
    "escalation": ("逐级督办（升级）", "escalation"),
    "recomputed": ("期限重新计算", "due date recomputed"),
}


def status_word(key: str, lang: str = "zh") -> str:
    zh, en = STATUS.get(key, (key, key))
    return zh if lang == "zh" else en


def deadline_status(
    d: Any, state: CaseState | None, kind: str, today: date
) -> tuple[str, date | None]:
    """The status a person reads for a deadline row: ``met_late`` (with the date it was met)
    when a met timer was met after its due date, ``closed`` (with its last day) for a window
    that ran out unused, else the stored status."""
    late = met_late_on(d, state)
    if late is not None:
        return "met_late", late
    closed = window_closed_on(d, state, kind, today)
    if closed is not None:
        return "closed", closed
    return str(d.status), None


def label(spec: Any, lang: str, fallback: str) -> str:
    """A definition element's label in ``lang`` (its name when it has none)."""
    if spec is None:
        return fallback
    value = getattr(spec, "label_zh" if lang == "zh" else "label_en", "")
    return str(value or fallback)


def notice_label(data: Mapping[str, Any], definition: Any, lang: str) -> str:
    """What a system ``notice`` event was, for people: the scheduler's reminder, overdue mark
    or escalation rung, or a due date recomputed from a new calendar — with the timer's label
    (``提醒：告知期限到期前3个工作日`` / ``reminder: notice period, 3 working days before due``)."""
    zh = lang == "zh"
    timer = str(data.get("timer", ""))
    name = label(definition.timers.get(timer) if definition else None, lang, timer)
    kind, _, rest = str(data.get("notice", "")).partition(":")
    if kind == "reminder":
        return f"提醒：{name}到期前{rest}个工作日" if zh else (
            f"reminder: {name}, {rest} working days before due")
    if kind == "overdue":
        return f"逾期：{name}" if zh else f"overdue: {name}"
    if kind == "escalation":
        to = data.get("to" if zh else "to_en") or data.get("to", "")
        return f"逾期升级：{name}第{rest}级，报{to}" if zh else (
            f"escalation: {name}, rung {rest}, to {to}")
    if kind == "recomputed":
        return f"期限重新计算：{name}，新到期日 {rest}" if zh else (
            f"due date recomputed: {name}, now due {rest}")
    return "notice"


# The event data a reader is shown besides the declared fields: a notice's due date, whom it
# went to, and whether it was recorded late.  Everything else the engine records for replay
# (from_state, to_state, due_at, swept_at, what a guard saw…) is the record's, not the view's.
_NOTICE_SHOWN = ("due", "to", "caught_up", "skipped", "expiry_refused", "note_zh", "note_en")


def _shown_value(value: Any, field: Any, zh: bool) -> str:
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if isinstance(value, list | tuple):
        return ("、" if zh else ", ").join(_shown_value(v, field, zh) for v in value)
    if isinstance(value, Mapping):
        return ("；" if zh else "; ").join(f"{k}：{v}" for k, v in value.items())
    text = "" if value is None else str(value)
    if zh and field is not None and getattr(field, "type", "") == "enum":
        return str(field.value_label(text))
    return text


def event_details(data: Mapping[str, Any], spec: Any, lang: str = "zh",
                  notice: bool = False) -> list[tuple[str, str]]:
    """(label, value) of what a person reads about one event: the step's declared data
    fields by their labels, values in words (是/否, 容错免责, 10.2、10.3), never an internal
    key; for a scheduler notice its due date, addressee and whether it was caught up."""
    zh = lang == "zh"
    out: list[tuple[str, str]] = []
    fields = dict(getattr(spec, "data", {}) or {}) if spec is not None else {}
    for key, f in fields.items():
        v = data.get(key)
        if v in (None, "", [], {}):
            continue
        name = (f.label_zh if zh else getattr(f, "label_en", "")) or key
        out.append((name, _shown_value(v, f, zh)))
    if not notice:
        return out
    if data.get("due"):
        out.append(("到期日" if zh else "due", str(data["due"])))
    to = data.get("to" if zh else "to_en") or data.get("to")
    if to and to != "default":
        out.append(("报送" if zh else "to", str(to)))
    if data.get("expiry_refused"):
        out.append(("届满处理" if zh else "on expiry",
                    "期限届满，依规定不自动办理" if zh else "not acted on by rule"))
    if data.get("caught_up"):
        out.append(("补记" if zh else "caught up",
                    "服务中断后补记" if zh else "recorded after an outage"))
    if data.get("skipped"):
        days = [str(x).partition(":")[2] for x in data["skipped"]]
        out.append(("未发送的过期提醒" if zh else "stale reminders skipped",
                    "、".join(f"到期前{n}个工作日" for n in days) if zh
                    else ", ".join(f"{n} working days before" for n in days)))
    note = data.get("note_zh" if zh else "note_en")
    if note:
        out.append(("说明" if zh else "note", str(note)))
    return out
