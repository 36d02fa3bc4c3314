"""``audit export``: the case file's timeline in Chinese, for printing and for the archive.

Licheng art. 14 ends every case with 归档 (archiving).  The export is the document that goes
into the archive: each step with its business date, when it was recorded, who recorded it and
the article it rests on; each deadline with how its date was computed (the ``basis`` an
auditor can re-derive by hand); each reminder, overdue mark and escalation; and the head of the
hash chain so a printed copy can later be matched against the database.

Two formats from one view model (:func:`build_case_file`): JSON (``ensure_ascii=False``) and a
self-contained HTML page (Jinja2 with autoescaping, inline CSS, ``@media print``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from rongcuo.audit.log import LoggedEvent, StoredCase
from rongcuo.clock import CST
from rongcuo.domain import corrections as cx
from rongcuo.domain.case import CaseState, Deadline, met_late_on, window_closed_on

STATUS_ZH = {
    "running": "计时中",
    "paused": "中止计时",
    "met": "已按期完成",
    "met_late": "逾期完成",
    "overdue": "已逾期",
    "cancelled": "已撤销",
}

NOTICE_ZH = {"reminder": "到期提醒", "overdue": "逾期标记", "escalation": "逐级督办（升级）"}

DATA_LABELS_ZH = {
    "subject": "容错纠错对象",
    "agency": "行政执法机关",
    "matter": "事项",
    "source": "来源",
    "investigator": "调查人员",
    "reason": "理由",
    "kind": "类别",
    "days": "天数",
    "approved_by": "批准人",
    "host": "主持人",
    "outcome": "认定结果",
    "items": "依据的情形",
    "correction_required": "是否需要纠错",
    "received_on": "收到日期",
    "result": "结果",
    "due": "期限",
    "timer": "期限名称",
    "notice": "提醒类别",
    "to": "督办对象",
    "old_due": "原到期日",
    "new_due": "新到期日",
    "method": "送达方式",
    "received_by": "签收人",
    "documents": "签发文书（SHA-256）",
}


VALUE_ZH = {
    "application": "当事人申请",
    "supervision_case": "执法监督案件",
    "report": "信访举报",
    "upheld": "维持",
    "changed": "变更",
}


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _labels(definition: Any, section: str) -> dict[str, str]:
    items = _get(definition, section) or {}
    out: dict[str, str] = {}
    if isinstance(items, Mapping):
        for name, spec in items.items():
            label = _get(spec, "label_zh")
            if label:
                out[str(name)] = str(label)
    return out


def _outcome_labels(definition: Any) -> dict[str, str]:
    outcomes = _get(definition, "outcomes") or _get(_get(definition, "catalogue"), "outcomes")
    return {str(k): str(_get(v, "label_zh", k)) for k, v in dict(outcomes or {}).items()}


def _cst(recorded_at: str) -> str:
    at = datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
    return at.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S")


def _value(v: Any, outcomes: Mapping[str, str]) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, list | tuple):
        return "、".join(_value(x, outcomes) for x in v)
    if isinstance(v, Mapping):
        return "；".join(f"{k}：{_value(x, outcomes)}" for k, x in v.items())
    if isinstance(v, str) and v in outcomes:
        return f"{outcomes[v]}（{v}）"
    if isinstance(v, str) and v in VALUE_ZH:
        return VALUE_ZH[v]
    return "" if v is None else str(v)


def _documents(v: Any) -> str:
    """The issued PDFs an event lists: ``determination 济历城监容〔2025〕1号 91e20a32 3e17…``."""
    if not isinstance(v, list):
        return str(v)
    def grouped(h: Any) -> str:  # in groups of eight, so a printed cell can wrap it
        return " ".join(str(h)[i:i + 8] for i in range(0, len(str(h)), 8))

    return "；".join(" ".join(x for x in (str(d.get("kind")), d.get("number") or "",
                                          grouped(d.get("sha256"))) if x)
                    for d in v if isinstance(d, Mapping) and d.get("format") == "pdf")


def notice_kind(ev: LoggedEvent) -> str | None:
    """``reminder`` / ``overdue`` / ``escalation`` for a notice event, else None."""
    key = str(ev.data.get("notice") or "")
    for kind in ("reminder", "overdue", "escalation"):
        if key.startswith(kind):
            return kind
    t = ev.trigger.lower() + " " + ev.type.lower()
    for kind in ("escalation", "overdue", "reminder"):
        if kind in t or (kind == "escalation" and "escalat" in t):
            return kind
    return None


_HIDDEN = {"from_state", "to_state", "workflow", "to_en", "notice", "timer", "basis",
           "repeated_mistake"}


def _notice_text(key: str, to: Any) -> str:
    kind, _, rest = key.partition(":")
    if kind == "reminder":
        return f"到期前{rest}个工作日提醒"
    if kind == "overdue":
        return "期限届满未完成，标记逾期"
    if kind == "escalation":
        return f"第{rest}级督办，报{to or ''}"
    return key


def _details(
    ev: LoggedEvent,
    kind: str | None,
    outcomes: Mapping[str, str],
    states: Mapping[str, str],
    timers: Mapping[str, str],
) -> list[dict[str, str]]:
    """What a reader needs from the event data, labelled in Chinese (technical keys hidden)."""
    data = ev.data
    out: list[dict[str, str]] = []
    if kind:
        timer = str(data.get("timer") or "")
        out.append({"key": "timer", "label": "期限", "value": timers.get(timer, timer)})
        out.append({"key": "notice", "label": "内容",
                    "value": _notice_text(str(data.get("notice") or kind), data.get("to"))})
        if data.get("basis") == "policy":
            out.append({"key": "basis", "label": "依据性质", "value": "运行政策（非法律规定）"})
    for k, v in data.items():
        if k in _HIDDEN or (kind and k == "to"):
            continue
        value = _documents(v) if k == "documents" else _value(v, outcomes)
        out.append({"key": k, "label": DATA_LABELS_ZH.get(k, k), "value": value})
    seen = data.get("repeated_mistake")
    if isinstance(seen, Mapping) and seen.get("context_given"):
        n, m = seen.get("prior_tolerances_checked", 0), len(seen.get("matches") or [])
        out.append({"key": "repeated_mistake", "label": "重复失误核查",
                    "value": f"核查同一对象同一事项的先前容错案件 {n} 件，相同 {m} 件"})
    to_state = data.get("to_state")
    if to_state and to_state != data.get("from_state"):
        out.append({"key": "to_state", "label": "办理后状态",
                    "value": states.get(str(to_state), str(to_state))})
    return out


def explain_deadline(d: Deadline | Mapping[str, Any]) -> str:
    """How the due date was computed, in Chinese, from its ``basis``.

    Uses :meth:`rongcuo.domain.periods.DueDate.explain` (the legal clock's own wording) when the
    basis carries what it needs; otherwise lists the basis fields.
    """
    due = _get(d, "due")
    basis = dict(_get(d, "basis") or {})
    provisional = bool(_get(d, "provisional"))
    if due is not None and basis:
        try:
            from datetime import date

            from rongcuo.domain.periods import DueDate

            due_date = due if isinstance(due, date) else date.fromisoformat(str(due))
            text = DueDate(due=due_date, provisional=provisional, basis=basis).explain("zh")
            if text:
                return str(text)
        except Exception:  # a basis the explainer does not know: list its fields instead
            pass
    if not basis:
        return "（无计算依据记录）"
    return "；".join(f"{k}：{json.dumps(v, ensure_ascii=False)}" for k, v in basis.items())


def build_case_file(
    case: StoredCase,
    events: Sequence[LoggedEvent],
    deadlines: Sequence[Deadline],
    definition: Any,
    *,
    generated_at: datetime,
    as_of: datetime | None = None,
    state: str | None = None,
    chain_ok: bool | None = None,
    case_state: CaseState | None = None,
) -> dict[str, Any]:
    """The case file as a JSON-able view model (the HTML template renders the same dict)."""
    steps, notices = _step_rows(events, definition)
    today = (as_of or generated_at).astimezone(CST).date()
    return {
        "format": "rongcuo-case-file/1",
        "case": _case_header(case, definition, as_of=as_of, state=state, case_state=case_state),
        "workflow": {
            "id": case.workflow_id,
            "version": case.workflow_version,
            "title": _get(definition, "title", case.workflow_id),
            # the article that requires the archive (Licheng art. 14), if this procedure
            # has an archiving step; Banan has none
            "archive_article": _get(_get(definition, "triggers", {}).get("archive"), "article"),
        },
        "as_of": as_of.astimezone(UTC).isoformat() if as_of else None,
        "generated_at": generated_at.astimezone(UTC).isoformat(),
        "generated_at_cst": generated_at.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S"),
        "steps": steps,
        "deadlines": _deadline_rows(deadlines, definition, case_state, today),
        "notices": notices,
        "integrity": {
            "events": len(events),
            "head_seq": events[-1].seq if events else 0,
            "head_hash": events[-1].hash if events else None,
            "chain_ok": chain_ok,
        },
    }


def _step_rows(events: Sequence[LoggedEvent],
               definition: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every event as a row of the timeline, and the notices among them."""
    triggers = _labels(definition, "triggers")
    states = _labels(definition, "states")
    timers = _labels(definition, "timers")
    outcomes = _outcome_labels(definition)
    steps: list[dict[str, Any]] = []
    notices: list[dict[str, Any]] = []
    linked = cx.links([(ev.seq, ev.trigger, ev.data) for ev in events])
    for ev in events:
        correction = ev.trigger in cx.CORRECTION_TRIGGERS
        kind = None if correction else notice_kind(ev)
        details = ([{"key": "correction", "label": "更正内容",
                     "value": cx.describe(ev.trigger, ev.data, True)}] if correction
                   else _details(ev, kind, outcomes, states, timers))
        row = {
            "seq": ev.seq,
            "event_id": ev.id,
            "on": ev.on,
            "recorded_at": ev.recorded_at,
            "recorded_at_cst": _cst(ev.recorded_at),
            "trigger": ev.trigger,
            "type": ev.type,
            "step_zh": (cx.LABELS[ev.trigger][0] if correction else triggers.get(ev.trigger))
            or (NOTICE_ZH.get(kind, "") if kind else "")
            or ev.type,
            "actor": ev.actor,
            "article": ev.article,
            "details": details,
            "kind": "correction" if correction else (kind or "step"),
            "hash": ev.hash,
            # 更正/撤销: the original stays in the file, struck through, linked by seq
            "superseded_by": linked.superseded_by.get(ev.seq),
            "voided_by": linked.voided_by.get(ev.seq),
        }
        steps.append(row)
        if kind:
            notices.append(
                {
                    **row,
                    "kind_zh": NOTICE_ZH[kind],
                    "timer": ev.data.get("timer"),
                    "timer_zh": timers.get(str(ev.data.get("timer")), ev.data.get("timer")),
                    "to": ev.data.get("to"),
                }
            )
    return steps, notices


def _deadline_rows(deadlines: Sequence[Deadline], definition: Any,
                   case_state: CaseState | None, today: date) -> list[dict[str, Any]]:
    """Each deadline with its status in words and the explanation of its date."""
    timer_specs = _get(definition, "timers", {}) or {}
    rows = []
    for d in deadlines:
        late = met_late_on(d, case_state)
        closed = window_closed_on(d, case_state, _get(timer_specs.get(d.timer), "kind", ""),
                                  today)
        rows.append(
            {
                "timer": d.timer,
                "label_zh": d.label_zh or d.timer,
                "started_on": d.started_on.isoformat(),
                "due": d.due.isoformat() if d.due else None,
                "status": d.status,
                "status_zh": (f"逾期完成（{late.isoformat()} 完成，未按期）" if late
                              else "已届满（未使用）" if closed
                              else STATUS_ZH.get(d.status, d.status)),
                "met_late_on": late.isoformat() if late else None,
                "provisional": d.provisional,
                "explanation_zh": explain_deadline(d),
                "basis": json.loads(json.dumps(dict(d.basis), default=str)),
                "next_notice": d.next_notice,
            }
        )
    return rows


def _case_header(case: StoredCase, definition: Any, *, as_of: datetime | None,
                 state: str | None, case_state: CaseState | None) -> dict[str, Any]:
    """The case's identity, its state and outcome as of the file's instant."""
    states = _labels(definition, "states")
    outcomes = _outcome_labels(definition)
    if case_state is not None or as_of is not None:
        # the replay as of the instant asked for: no state, no outcome that was recorded later
        # (the case row holds today's)
        cur_state = case_state.state if case_state is not None else None
        outcome = case_state.facts.get("outcome") if case_state is not None else None
    else:
        cur_state = state or case.state
        outcome = case.facts.get("outcome")
    return {
        "id": case.id,
        "number": case.number,
        "subject": case.subject,
        "agency": case.agency,
        "opened_on": case.opened_on.isoformat(),
        "state": cur_state,
        "state_zh": states.get(cur_state, cur_state) if cur_state else "（尚无记录）",
        "outcome": outcome,
        "outcome_zh": outcomes.get(str(outcome), outcome) if outcome else None,
        "withdrawn": bool(case_state.withdrawn) if case_state is not None
        else case.withdrawn,
    }


_env: Environment | None = None


def _environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(
            loader=PackageLoader("rongcuo", "templates"),
            autoescape=select_autoescape(["html", "j2", "html.j2"], default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _env


def render_html(case_file: Mapping[str, Any]) -> str:
    return _environment().get_template("case_file.html.j2").render(f=case_file)


def render_json(case_file: Mapping[str, Any]) -> str:
    return json.dumps(case_file, ensure_ascii=False, indent=2, sort_keys=False)
