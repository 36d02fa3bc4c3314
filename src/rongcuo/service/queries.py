"""Read models: what a case worker, an integration or an auditor reads about cases.

Every presentation (the CLI's text and ``--json``, the HTTP API, the web pages) renders these,
so the document ``rongcuo case show --json`` prints and ``GET /api/v1/cases/{id}`` answers is
built once (:func:`case_document`).  After a write, :func:`view_after_write` builds the view
from what the handler already had (the case as committed, its deadline projection) and reads
only the events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rongcuo.adapters.db.records import CaseRecord, CommitResult, DeadlineRecord, StoredEvent
from rongcuo.clock import today_cst
from rongcuo.domain.case import CaseState, Deadline, met_late_on
from rongcuo.domain.corrections import Links, links
from rongcuo.domain.errors import InvalidInput, RongcuoError
from rongcuo.domain.messages import message
from rongcuo.service.context import App
from rongcuo.service.handlers.cases import load_case


@dataclass(frozen=True)
class CaseView:
    """One case as a reader sees it: its row, definition, deadlines, events, next steps."""

    record: CaseRecord
    definition: Any  # None when the case's definition version is no longer loaded
    deadlines: tuple[DeadlineRecord, ...]
    events: tuple[StoredEvent, ...] | None  # None: not read (lists)
    allowed: tuple[str, ...]
    today: date


@dataclass(frozen=True)
class CaseFilter:
    """The filters of a case list (``due_before`` strict; ``overdue_as_of`` a legal date)."""

    workflow_id: str | None = None
    state: str | None = None
    due_before: date | None = None
    overdue_as_of: date | None = None
    withdrawn: bool = False  # True: only the cases withdrawn as opened by mistake


def _definition(app: App, case: CaseRecord) -> Any:
    try:
        return app.definition(case.workflow_id, case.workflow_version)
    except RongcuoError:
        return None


def _allowed(app: App, case: CaseRecord) -> tuple[str, ...]:
    return allowed_now(app, case.state)


def allowed_now(app: App, state: CaseState | None) -> tuple[str, ...]:
    """The steps that may be recorded today: open in the case's state and not refused by a
    guard that can be judged without the step's data (a window closed, a fact that bars)."""
    if state is None or state.closed:
        return ()
    try:
        engine = app.engine_for(state.workflow_id, state.workflow_version)
    except RongcuoError:
        return ()
    on = today_cst(app.clock)
    if state.last_on is not None and state.last_on > on:
        on = state.last_on
    return tuple(engine.available_triggers(state, on))


def case_view(app: App, ref: str, *, with_events: bool = True) -> CaseView:
    """The case ``ref`` (id or number) with its deadlines, and its events unless told not."""
    case = load_case(app, ref)
    return CaseView(
        record=case,
        definition=_definition(app, case),
        deadlines=tuple(app.store.deadlines(case_id=case.id)),
        events=tuple(app.store.case_events(case.id)) if with_events else None,
        allowed=_allowed(app, case),
        today=today_cst(app.clock),
    )


def view_after_write(app: App, result: CommitResult) -> CaseView:
    """The case just written, from the handler's result (reads the events only; an
    idempotent retry carries no record and is read whole)."""
    if result.record is None:
        return case_view(app, result.case_id)
    case = result.record
    return CaseView(
        record=case,
        definition=_definition(app, case),
        # in the order the rows are read (due date, nulls last; then timer)
        deadlines=tuple(sorted((_as_row(case.id, d) for d in result.deadlines),
                               key=lambda r: (r.due is None, r.due or date.min, r.timer))),
        events=tuple(app.store.case_events(case.id)),
        allowed=_allowed(app, case),
        today=today_cst(app.clock),
    )


def _as_row(case_id: str, d: Deadline) -> DeadlineRecord:
    return DeadlineRecord(
        case_id=case_id, timer=d.timer, status=d.status, due=d.due, provisional=d.provisional,
        basis=dict(d.basis), started_on=d.started_on, label_zh=d.label_zh,
        label_en=d.label_en, next_notice=d.next_notice, next_notice_at=d.next_notice_at,
    )


UNKNOWN_WORKFLOW = message(
    "input.unknown_workflow",
    "没有流程“{value}”（已有：{known}）",
    "no workflow '{value}' (known: {known})",
)
UNKNOWN_STATE = message(
    "input.unknown_state",
    "没有状态“{value}”（可用：{known}）",
    "no state '{value}' (known: {known})",
)


def _filter_states(app: App, f: CaseFilter) -> tuple[str, ...] | None:
    """The state codes ``f`` asks for: a code or a state's Chinese or English label, of the
    named workflow or of any; an unknown workflow or state is refused by name (an empty list
    would look like "no such case")."""
    defs = list(app.definitions)
    if f.workflow_id is not None:
        ids = sorted({str(d.id) for d in defs})
        if f.workflow_id not in ids:
            raise InvalidInput.of(UNKNOWN_WORKFLOW, value=f.workflow_id, known=", ".join(ids),
                                  details={"field": "workflow", "value": f.workflow_id})
        defs = [d for d in defs if d.id == f.workflow_id]
    if f.state is None:
        return None
    wanted = f.state.strip()
    codes: set[str] = set()
    known: dict[str, str] = {}
    for d in defs:
        for code, spec in d.states.items():
            known.setdefault(code, spec.label_zh)
            if wanted in (code, spec.label_zh, spec.label_en):
                codes.add(code)
    if not codes:
        listing = "、".join(f"{c}（{z}）" for c, z in sorted(known.items()))
        raise InvalidInput.of(UNKNOWN_STATE, value=wanted, known=listing,
                              details={"field": "state", "value": wanted})
    return tuple(sorted(codes))


def list_cases(app: App, f: CaseFilter) -> list[CaseView]:
    """The cases matching ``f``, each with its deadlines (two queries, whatever the count).
    Closed cases owe no deadline: they are never listed as due or overdue."""
    states = _filter_states(app, f)
    cases = app.store.list_cases(workflow_id=f.workflow_id, states=states,
                                 due_before=f.due_before, overdue_as_of=f.overdue_as_of,
                                 withdrawn=f.withdrawn)
    rows: dict[str, list[DeadlineRecord]] = {c.id: [] for c in cases}
    if cases:
        for d in app.store.deadlines(case_ids=list(rows)):
            rows[d.case_id].append(d)
    today = today_cst(app.clock)
    return [CaseView(c, _definition(app, c), tuple(rows[c.id]), None, _allowed(app, c), today)
            for c in cases]


def event_json(e: StoredEvent) -> dict[str, Any]:
    """A stored event with every hashed field (so ``jq … | sha256sum`` recomputes ``hash``),
    its global ``id``, and ``by`` (the actor, as the CLI contract names it)."""
    return {**e.to_dict(), "by": e.actor}


def deadline_json(d: DeadlineRecord, view: CaseView) -> dict[str, Any]:
    """A deadline row, with ``met_late_on``: the date a met timer was met when that was
    after its due date (逾期完成), else null."""
    out = d.to_dict()
    late = met_late_on(d, view.record.state)
    out["met_late_on"] = late.isoformat() if late else None
    return out


def case_document(view: CaseView, *, with_events: bool = True) -> dict[str, Any]:
    """The case as ``rongcuo case show --json`` prints it (a contract: its keys)."""
    case = view.record
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
        "deadlines": [deadline_json(d, view) for d in view.deadlines],
    }
    out["withdrawn"] = case.state.withdrawn
    if with_events and view.events is not None:
        linked = correction_links(view.events)
        out["events"] = [{**event_json(e), "superseded_by": linked.superseded_by.get(e.seq),
                          "voided_by": linked.voided_by.get(e.seq)} for e in view.events]
        out["allowed"] = list(view.allowed)
    return out


def correction_links(events: Sequence[StoredEvent]) -> Links:
    """Which event each amendment supersedes and each voiding voids (by seq)."""
    return links([(e.seq, e.trigger, e.data) for e in events])


def history(app: App, ref: str) -> Sequence[StoredEvent]:
    """The case's events in order."""
    return app.store.case_events(load_case(app, ref).id)
