"""The CLI's readable views of the service layer's read models (Chinese, or English)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from rongcuo.domain.engine import NOTICE_TRIGGER
from rongcuo.entrypoints.cli.render_corrections import (
    correction_name,
    correction_text,
    is_correction,
    link_note,
    struck,
)
from rongcuo.service.labels import deadline_status, label, notice_label, status_word
from rongcuo.service.queries import CaseView, correction_links

# event data the engine records for replay, not what the case worker entered
_BOOKKEEPING = frozenset({"from_state", "to_state", "workflow", "repeated_mistake"})


def _named(text: str, name: str, zh: bool) -> str:
    """A label with the trigger name a user types, once (``立案（file）`` / ``file``)."""
    if text == name:
        return name
    return f"{text}（{name}）" if zh else f"{text} ({name})"


def show_text(view: CaseView, lang: str = "zh") -> str:
    """Where a case stands: header, deadlines, steps, what may be done next."""
    case, d = view.record, view.definition
    zh = lang == "zh"
    state_spec = d.states.get(case.state.state) if d else None
    state_label = label(state_spec, lang, case.state.state)
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
            f"状态：{state_label}（{case.state.state}）" + (
                "　已误录撤回（编号保留）" if case.state.withdrawn
                else "　已结案" if case.state.closed else "")
            if zh
            else "State: " + _named(state_label, case.state.state, zh)
            + (" — withdrawn (opened by mistake)" if case.state.withdrawn
               else " — closed" if case.state.closed else "")
        ),
        "期限：" if zh else "Deadlines:",
    ]
    if not view.deadlines:
        lines.append("  （无）" if zh else "  (none)")
    for dl in view.deadlines:
        timer = d.timers.get(dl.timer) if d else None
        name = (dl.label_zh if zh else dl.label_en) or label(timer, lang, dl.timer)
        key, on = deadline_status(dl, case.state, getattr(timer, "kind", ""), view.today)
        status = status_word(key, lang)
        if key == "met_late" and on is not None:
            status = f"逾期完成（{on.isoformat()} 完成）" if zh else f"met late (on {on})"
        due = dl.due.isoformat() if dl.due else ("—（暂停计时）" if zh else "— (clock stopped)")
        prov = ""
        if dl.provisional:
            prov = ("　暂定（该年度放假安排尚未发布）" if zh
                    else "  provisional (that year's holiday notice is not loaded)")
        lines.append(
            f"  {name}：到期 {due}（当日24:00止）　{status}{prov}"
            if zh
            else f"  {name}: due {due} (ends 24:00 CST)  {status}{prov}"
        )
    lines.append("步骤：" if zh else "Steps:")
    lines.extend(timeline(view, lang, with_article=False))
    if view.allowed:
        names = [_named(label(d.triggers.get(t) if d else None, lang, t), t, zh)
                 for t in view.allowed]
        lines.append(
            ("当前可以进行的操作：" if zh else "Allowed now: ") + ("、" if zh else ", ").join(names)
        )
    return "\n".join(lines)


def timeline(view: CaseView, lang: str, *, with_article: bool = True) -> Iterable[str]:
    """One line per event: seq, business date, step, who, (article, recording time), data."""
    zh = lang == "zh"
    d = view.definition
    linked = correction_links(view.events or ())
    for e in view.events or ():
        if is_correction(e.trigger):
            yield (f"  {e.seq:>3}  {e.on}  {correction_name(e.trigger, zh)}  {e.actor}  "
                   f"[{correction_text(e.trigger, e.data, zh)}]")
            continue
        trig = d.triggers.get(e.trigger) if d else None
        name = (notice_label(e.data, d, lang) if e.trigger == NOTICE_TRIGGER
                else label(trig, lang, e.trigger))
        data = ("，" if zh else ", ").join(
            f"{k}={v}"
            for k, v in e.data.items()
            if v not in (None, "", [], {}) and k not in _BOOKKEEPING
        )
        line = f"  {e.seq:>3}  {e.on}  {_named(name, e.trigger, zh)}  {e.actor}"
        note = link_note(e.seq, linked, zh)
        if note:
            line = f"  {e.seq:>3}  " + struck(line[7:]) + note
        if with_article:
            line += ("  依据：" if zh else "  basis: ") + e.article
            line += ("  记录于 " if zh else "  recorded ") + e.hashed_fields()["recorded_at"]
        if data:
            line += f"  [{data}]"
        yield line


def history_text(view: CaseView, lang: str = "zh") -> str:
    head = (
        f"案件 {view.record.number} 的办理过程（每一步的法律依据）"
        if lang == "zh"
        else f"History of case {view.record.number} (the article behind each step)"
    )
    return "\n".join([head, *timeline(view, lang)])


def list_text(views: Sequence[CaseView], lang: str = "zh") -> str:
    zh = lang == "zh"
    if not views:
        return "没有符合条件的案件" if zh else "no matching cases"
    lines = []
    for v in views:
        c, d = v.record, v.definition
        st = label(d.states.get(c.state.state) if d else None, lang, c.state.state)
        running = [x for x in v.deadlines if x.status in ("running", "overdue")]
        nxt = min((x for x in running if x.due), key=lambda x: x.due or date.max, default=None)
        due = ""
        if nxt is not None:
            lab = (nxt.label_zh if zh else nxt.label_en) or nxt.timer
            late = nxt.status == "overdue"
            due = (f"　{lab} {nxt.due}" if zh else f"  {lab} {nxt.due}") + (
                ("（已逾期）" if zh else " (overdue)") if late else "")
        lines.append(f"{c.number}  {c.id}  {st}  {c.subject}{due}")
    return "\n".join(lines)
