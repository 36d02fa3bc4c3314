"""What the pages show, built from the service layer's read models: countdowns, the progress
bar of a procedure's sequence, deadline rows with their explanation, timeline rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rongcuo.domain.engine import NOTICE_TRIGGER
from rongcuo.domain.identity import parse_actor
from rongcuo.domain.periods.explain import explain
from rongcuo.entrypoints.web.i18n import fmt_date, fmt_instant, t
from rongcuo.service.labels import deadline_status, label, notice_label, status_word
from rongcuo.service.queries import CaseView

_BOOKKEEPING = frozenset({"from_state", "to_state", "workflow", "repeated_mistake"})


@dataclass(frozen=True)
class Countdown:
    """How a deadline stands for a reader today: ``kind`` soon / today / late / paused."""

    kind: str
    days: int
    text: str


def countdown(dl: Any, timer: Any, state: Any, calendar: Any, today: date,
              lang: str) -> Countdown | None:
    """剩余 N 个工作日 / 自然日 (by the timer's own unit), 已逾期 N …, or 暂停计时 since when;
    None for a deadline that no longer runs."""
    working = getattr(timer, "unit", "calendar") == "working"
    if dl.status == "paused":
        ts = state.timers.get(dl.timer) if state is not None else None
        since = getattr(ts, "paused_since", None)
        return Countdown("paused", 0, t("paused_since", lang, since=fmt_date(since, lang)))
    if dl.status not in ("running", "overdue") or dl.due is None:
        return None
    if dl.due == today:
        return Countdown("today", 0, t("due_today", lang))
    if dl.due > today:
        # the days after today up to the due date, which itself counts (it ends at 24:00)
        n = (calendar.workdays_between(today + timedelta(days=1), dl.due) if working
             else (dl.due - today).days)
        return Countdown("soon", n, t("working_left" if working else "calendar_left", lang, n=n))
    n = (calendar.workdays_between(dl.due + timedelta(days=1), today) if working
         else (today - dl.due).days)
    return Countdown("late", n, t("working_late" if working else "calendar_late", lang, n=n))


def sequence(definition: Any, current: str) -> list[str]:
    """The procedure's sequence as its definition draws it: the longest simple path from the
    opening state to a final state that passes through ``current`` (Licheng: 已受理 → 已立案
    → 核实中 → 已认定 → 已告知 → … → 已归档)."""
    if definition is None:
        return [current]
    edges: dict[str, set[str]] = {s: set() for s in definition.states}
    start = None
    for trig in definition.triggers.values():
        for tr in trig.transitions:
            if trig.opens:
                start = tr.dest
                continue
            for src in tr.sources:
                if tr.dest and tr.dest != src:
                    edges.setdefault(src, set()).add(tr.dest)
    finals = set(definition.final_states)

    def longest(frm: str, goal: Any, seen: tuple[str, ...]) -> list[str] | None:
        if goal(frm):
            best: list[str] | None = [frm]
        else:
            best = None
        for nxt in sorted(edges.get(frm, ())):
            if nxt in seen:
                continue
            tail = longest(nxt, goal, (*seen, nxt))
            if tail is not None and (best is None or len(tail) + 1 > len(best)):
                best = [frm, *tail]
        return best

    if start is None:
        return [current]
    head = longest(start, lambda s: s == current, (start,)) or [current]
    tail = longest(current, lambda s: s in finals, (current,)) or [current]
    return head + tail[1:]


def main_sequence(definition: Any) -> list[str]:
    """The longest way from the opening state to a final state."""
    start = definition.open_trigger.transitions[0].dest
    return sequence(definition, start)


@dataclass(frozen=True)
class Stage:
    name: str
    label: str
    status: str  # done / current / todo


def progress(view: CaseView, lang: str) -> list[Stage]:
    d, state = view.definition, view.record.state.state
    visited = {state}
    for e in view.events or ():
        for key in ("from_state", "to_state"):
            if e.data.get(key):
                visited.add(str(e.data[key]))
    out = []
    path = sequence(d, state)
    here = path.index(state) if state in path else -1
    for i, name in enumerate(path):
        status = "current" if name == state else (
            "done" if i < here and name in visited else "todo")
        out.append(Stage(name, label(d.states.get(name) if d else None, lang, name), status))
    return out


@dataclass(frozen=True)
class DeadlineRow:
    timer: str
    label: str
    status_key: str
    status: str
    due: str
    provisional: bool
    explanation: str
    countdown: Countdown | None


def deadline_rows(view: CaseView, calendar: Any, lang: str) -> list[DeadlineRow]:
    d, case = view.definition, view.record
    rows = []
    for dl in view.deadlines:
        timer = d.timers.get(dl.timer) if d else None
        key, on = deadline_status(dl, case.state, getattr(timer, "kind", ""), view.today)
        status = status_word(key, lang)
        if key == "met_late" and on is not None:
            status += f"（{fmt_date(on, lang)}）" if lang == "zh" else f" ({fmt_date(on, lang)})"
        name = (dl.label_zh if lang == "zh" else dl.label_en) or label(timer, lang, dl.timer)
        rows.append(DeadlineRow(
            timer=dl.timer, label=name, status_key=key, status=status,
            due=fmt_date(dl.due, lang), provisional=dl.provisional,
            explanation=_explain(dl.basis, lang),
            countdown=countdown(dl, timer, case.state, calendar, view.today, lang)))
    return rows


def _explain(basis: Any, lang: str) -> str:
    if not basis:
        return ""
    try:
        return explain(basis, lang)
    except Exception:  # a basis of a format the explainer does not know: its raw fields
        return "; ".join(f"{k}={v}" for k, v in dict(basis).items())


@dataclass(frozen=True)
class EventRow:
    seq: int
    step: str
    trigger: str
    on: str
    recorded: str
    actor: str
    article: str
    data: list[tuple[str, str]]


def timeline(view: CaseView, lang: str) -> list[EventRow]:
    d = view.definition
    rows = []
    for e in view.events or ():
        trig = d.triggers.get(e.trigger) if d else None
        name = (notice_label(e.data, d, lang) if e.trigger == NOTICE_TRIGGER
                else label(trig, lang, e.trigger))
        fields = getattr(trig, "data", {}) or {}
        data = [(_field_label(fields.get(k), k, lang), _value(v, d, lang))
                for k, v in e.data.items()
                if v not in (None, "", [], {}) and k not in _BOOKKEEPING
                and e.trigger != NOTICE_TRIGGER]
        rows.append(EventRow(e.seq, name, e.trigger, fmt_date(e.on, lang),
                             fmt_instant(e.recorded_at, lang), actor_name(e.actor), e.article,
                             data))
    return rows


def actor_name(actor: str) -> str:
    """Who recorded an event, for people: a signed-in user's name (login), or the
    operator's own text."""
    who = parse_actor(actor)
    if who["kind"] == "operator":
        return str(who["name"])
    return f"{who['name']}（{who['login']}）"


def _field_label(spec: Any, name: str, lang: str) -> str:
    return str(getattr(spec, "label_zh", "") or name) if lang == "zh" else name


def _value(v: Any, definition: Any, lang: str) -> str:
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    if isinstance(v, list | tuple):
        return "、".join(str(x) for x in v)
    from rongcuo.entrypoints.web.forms import ENUM_WORDS

    if isinstance(v, str) and v in ENUM_WORDS:
        return ENUM_WORDS[v][0 if lang == "zh" else 1]
    if definition is not None and isinstance(v, str) and v in definition.outcomes:
        return label(definition.outcomes[v], lang, v)
    if isinstance(v, str) and len(v) == 10 and v[4:5] == "-" and v[7:8] == "-":
        try:
            return fmt_date(v, lang)
        except ValueError:
            return v
    return str(v)


def state_label(view: CaseView, lang: str) -> str:
    d = view.definition
    return label(d.states.get(view.record.state.state) if d else None, lang,
                 view.record.state.state)


def trigger_label(definition: Any, name: str, lang: str) -> str:
    return label(definition.triggers.get(name) if definition else None, lang, name)


def next_due(view: CaseView) -> Any:
    running = [x for x in view.deadlines if x.status in ("running", "overdue") and x.due]
    return min(running, key=lambda x: x.due or date.max, default=None)


def pairs(values: Iterable[str], labels: Sequence[str]) -> list[tuple[str, str]]:
    return list(zip(values, labels, strict=True))
