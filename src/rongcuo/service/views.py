"""Read models for the case worker: ``case show``/``list``/``history`` as data and as text.

Input parsing for the CLI lives here too (dates, ``--set KEY=VALUE``), so bad input becomes an
:class:`InvalidInput` naming the problem in Chinese and English (exit code 3), not a usage error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from rongcuo.adapters.db.store import CaseRecord, DeadlineRecord, StoredEvent
from rongcuo.bootstrap import App
from rongcuo.clock import today_cst
from rongcuo.domain.case import CaseState, met_late_on, window_closed_on
from rongcuo.domain.engine import NOTICE_TRIGGER
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.strict import iso_date

STATUS_ZH = {
    "running": "进行中",
    "paused": "已暂停",
    "met": "已完成",
    "met_late": "逾期完成",
    "overdue": "已逾期",
    "cancelled": "已取消",
}


# event data the engine records for replay, not what the case worker entered
_BOOKKEEPING = frozenset({"from_state", "to_state", "workflow", "repeated_mistake"})


def parse_date(value: str, option: str = "--on") -> date:
    """A date option: exactly ``YYYY-MM-DD`` (not ``20250901``, ``2025-W39-5`` or an empty
    value, which Python would read or a caller might take for "no filter")."""
    try:
        return iso_date(value)
    except ValueError:
        raise InvalidInput(
            f"{option} 的日期“{value}”无效：请写成 YYYY-MM-DD（例如 2025-10-09）",
            f"{option} {value!r} is not a date: write YYYY-MM-DD (e.g. 2025-10-09)",
            code="input.date",
        ) from None


def parse_sets(pairs: Sequence[str]) -> dict[str, str]:
    """``--set KEY=VALUE`` pairs; a key given twice is refused (which value was meant?)."""
    out: dict[str, str] = {}
    for p in pairs:
        key, sep, value = p.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(
                f"--set “{p}” 无效：请写成 键=值（例如 matter=罚款）",
                f"--set {p!r} is not KEY=VALUE (e.g. matter=fine)",
                code="input.set",
            )
        key = key.strip()
        if key in out:
            raise InvalidInput(
                f"--set {key} 给了两次（“{out[key]}”和“{value}”）：每个键只能给一次",
                f"--set {key} is given twice ({out[key]!r} and {value!r}): give each key once",
                code="input.set_repeated",
                details={"key": key},
            )
        out[key] = value
    return out


def _definition(app: App, case: CaseRecord) -> Any:
    try:
        return app.definition(case.workflow_id, case.workflow_version)
    except Exception:
        return None


def _label(spec: Any, lang: str, fallback: str) -> str:
    if spec is None:
        return fallback
    value = getattr(spec, "label_zh" if lang == "zh" else "label_en", "")
    return str(value or fallback)


def event_json(e: StoredEvent) -> dict[str, Any]:
    """A stored event with every hashed field (so ``jq … | sha256sum`` recomputes ``hash``),
    its global ``id``, and ``by`` (the actor, as the CLI contract names it)."""
    return {**e.to_dict(), "by": e.actor}


def deadline_json(d: DeadlineRecord, state: CaseState | None = None) -> dict[str, Any]:
    """A deadline row; with the case's state, also ``met_late_on``: the date a met timer was
    met when that was after its due date (逾期完成), else null."""
    out = d.to_dict()
    if state is not None:
        late = met_late_on(d, state)
        out["met_late_on"] = late.isoformat() if late else None
    return out


def allowed(app: App, case: CaseRecord) -> list[str]:
    if case.state.closed:
        return []
    try:
        engine = app.engine_for(case.workflow_id, case.workflow_version)
        return list(engine.allowed_triggers(case.state))
    except Exception:
        return []


def case_json(app: App, case: CaseRecord, *, with_events: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": case.id,
        "number": case.number,
        "workflow": case.workflow_id,
        "workflow_version": case.workflow_version,
        "state": case.state.state,
        "closed": case.state.closed,
        "subject": case.subject,
        "agency": case.agency,
        "opened_on": case.opened_on.isoformat(),
        "last_on": case.state.last_on.isoformat() if case.state.last_on else None,
        "version": case.version,
        "facts": dict(case.state.facts),
        "deadlines": [deadline_json(d, case.state)
                      for d in app.store.deadlines(case_id=case.id)],
    }
    if with_events:
        out["events"] = [event_json(e) for e in app.store.case_events(case.id)]
        out["allowed"] = allowed(app, case)
    return out


def show_text(app: App, case: CaseRecord, lang: str = "zh") -> str:
    d = _definition(app, case)
    zh = lang == "zh"
    state_spec = d.states.get(case.state.state) if d else None
    lines = [
        (f"案件 {case.number}（id {case.id}）" if zh else f"Case {case.number} (id {case.id})"),
        (
            f"办法：{d.title if d else case.workflow_id}"
            f"（{case.workflow_id} {case.workflow_version}）"
            if zh
            else f"Procedure: {getattr(d, 'title_en', '') or case.workflow_id} "
            f"({case.workflow_id} {case.workflow_version})"
        ),
        (
            f"对象：{case.subject}　执法机关：{case.agency}　启动日期：{case.opened_on}"
            if zh
            else f"Subject: {case.subject}  Agency: {case.agency}  Opened: {case.opened_on}"
        ),
        (
            f"状态：{_label(state_spec, lang, case.state.state)}（{case.state.state}）"
            + ("　已结案" if case.state.closed else "")
            if zh
            else "State: "
            + _named(_label(state_spec, lang, case.state.state), case.state.state, zh)
            + (" — closed" if case.state.closed else "")
        ),
        "期限：" if zh else "Deadlines:",
    ]
    dls = app.store.deadlines(case_id=case.id)
    if not dls:
        lines.append("  （无）" if zh else "  (none)")
    for dl in dls:
        timer = d.timers.get(dl.timer) if d else None
        label = (dl.label_zh if zh else dl.label_en) or _label(timer, lang, dl.timer)
        status = STATUS_ZH.get(dl.status, dl.status) if zh else dl.status
        late = met_late_on(dl, case.state)
        if late is not None:
            status = f"逾期完成（{late.isoformat()} 完成）" if zh else f"met late (on {late})"
        closed = window_closed_on(dl, case.state, getattr(timer, "kind", ""),
                                  today_cst(app.clock))
        if closed is not None:
            status = "已届满（未使用）" if zh else "closed (not used)"
        due = dl.due.isoformat() if dl.due else ("—（暂停计时）" if zh else "— (clock stopped)")
        prov = (
            (
                "　暂定（该年度放假安排尚未发布）"
                if zh
                else "  provisional (that year's holiday notice is not loaded)"
            )
            if dl.provisional
            else ""
        )
        lines.append(
            f"  {label}：到期 {due}（当日24:00止）　{status}{prov}"
            if zh
            else f"  {label}: due {due} (ends 24:00 CST)  {status}{prov}"
        )
    lines.append("步骤：" if zh else "Steps:")
    lines.extend(_timeline(app, case, d, lang, with_article=False))
    ok = allowed(app, case)
    if ok:
        names = [_named(_label(d.triggers.get(t) if d else None, lang, t), t, zh) for t in ok]
        lines.append(
            ("当前可以进行的操作：" if zh else "Allowed now: ") + ("、" if zh else ", ").join(names)
        )
    return "\n".join(lines)


def _timeline(
    app: App, case: CaseRecord, d: Any, lang: str, *, with_article: bool = True
) -> Iterable[str]:
    zh = lang == "zh"
    for e in app.store.case_events(case.id):
        trig = d.triggers.get(e.trigger) if d else None
        label = (notice_label(e.data, d, lang) if e.trigger == NOTICE_TRIGGER
                 else _label(trig, lang, e.trigger))
        data = ("，" if zh else ", ").join(
            f"{k}={v}"
            for k, v in e.data.items()
            if v not in (None, "", [], {}) and k not in _BOOKKEEPING
        )
        line = f"  {e.seq:>3}  {e.on}  {_named(label, e.trigger, zh)}  {e.actor}"
        if with_article:
            line += ("  依据：" if zh else "  basis: ") + e.article
            line += ("  记录于 " if zh else "  recorded ") + e.hashed_fields()["recorded_at"]
        if data:
            line += f"  [{data}]"
        yield line


def notice_label(data: Mapping[str, Any], d: Any, lang: str) -> str:
    """What a system ``notice`` event was, for people: the scheduler's reminder, overdue mark
    or escalation rung, or a due date recomputed from a new calendar — with the timer's label
    (``提醒：告知期限到期前3个工作日`` / ``reminder: notice period, 3 working days before due``)."""
    zh = lang == "zh"
    timer = str(data.get("timer", ""))
    name = _label(d.timers.get(timer) if d else None, lang, timer)
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
    return NOTICE_TRIGGER


def _named(label: str, name: str, zh: bool) -> str:
    """A label with the trigger name a user types, once (``立案（file）`` / ``file``)."""
    if label == name:
        return name
    return f"{label}（{name}）" if zh else f"{label} ({name})"


def history_text(app: App, case: CaseRecord, lang: str = "zh") -> str:
    d = _definition(app, case)
    head = (
        f"案件 {case.number} 的办理过程（每一步的法律依据）"
        if lang == "zh"
        else f"History of case {case.number} (the article behind each step)"
    )
    return "\n".join([head, *_timeline(app, case, d, lang)])


def list_text(app: App, cases: Sequence[CaseRecord], lang: str = "zh") -> str:
    zh = lang == "zh"
    if not cases:
        return "没有符合条件的案件" if zh else "no matching cases"
    lines = []
    for c in cases:
        d = _definition(app, c)
        st = _label(d.states.get(c.state.state) if d else None, lang, c.state.state)
        running = [
            x for x in app.store.deadlines(case_id=c.id) if x.status in ("running", "overdue")
        ]
        nxt = min((x for x in running if x.due), key=lambda x: x.due or date.max, default=None)
        due = ""
        if nxt is not None:
            lab = (nxt.label_zh if zh else nxt.label_en) or nxt.timer
            due = (f"　{lab} {nxt.due}" if zh else f"  {lab} {nxt.due}") + (
                "（已逾期）"
                if zh and nxt.status == "overdue"
                else " (overdue)"
                if nxt.status == "overdue"
                else ""
            )
        lines.append(f"{c.number}  {c.id}  {st}  {c.subject}{due}")
    return "\n".join(lines)
