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
from rongcuo.domain.case import Deadline, met_late_on
from rongcuo.domain.errors import RongcuoError
from rongcuo.domain.identity import parse_actor
from rongcuo.service.context import App
from rongcuo.service.handlers.cases import load_case
from rongcuo.service.identity import authz
from rongcuo.service.identity.principal import Principal


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


def _definition(app: App, case: CaseRecord) -> Any:
    try:
        return app.definition(case.workflow_id, case.workflow_version)
    except RongcuoError:
        return None


def _allowed(app: App, case: CaseRecord) -> tuple[str, ...]:
    if case.state.closed:
        return ()
    try:
        engine = app.engine_for(case.workflow_id, case.workflow_version)
    except RongcuoError:
        return ()
    return tuple(engine.allowed_triggers(case.state))


def case_view(app: App, ref: str, *, with_events: bool = True,
              principal: Principal | None = None) -> CaseView:
    """The case ``ref`` (id or number) with its deadlines, and its events unless told not
    (not found when ``principal`` may not see it)."""
    case = load_case(app, ref, principal)
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


def list_cases(app: App, f: CaseFilter, principal: Principal | None = None) -> list[CaseView]:
    """The cases matching ``f`` that ``principal`` sees, each with its deadlines."""
    cases = app.store.list_cases(workflow_id=f.workflow_id, state=f.state,
                                 due_before=f.due_before, overdue_as_of=f.overdue_as_of)
    if principal is not None and not principal.is_operator:
        seen = authz.visible_ids(app, principal, [c.id for c in cases])
        cases = [c for c in cases if c.id in seen]
    rows: dict[str, list[DeadlineRecord]] = {c.id: [] for c in cases}
    if cases:
        for d in app.store.deadlines(case_ids=list(rows)):
            rows[d.case_id].append(d)
    today = today_cst(app.clock)
    return [CaseView(c, _definition(app, c), tuple(rows[c.id]), None, _allowed(app, c), today)
            for c in cases]


def event_json(e: StoredEvent) -> dict[str, Any]:
    """A stored event with every hashed field (so ``jq … | sha256sum`` recomputes ``hash``),
    its global ``id``, ``by`` (the actor, as the CLI contract names it) and ``recorded_by``:
    who recorded it, read from the actor (a signed-in user's or token's id, login, display
    name and unit; ``{"kind": "operator", "name": …}`` for an operator's ``--by``)."""
    return {**e.to_dict(), "by": e.actor, "recorded_by": parse_actor(e.actor)}


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
    if with_events and view.events is not None:
        out["events"] = [event_json(e) for e in view.events]
        out["allowed"] = list(view.allowed)
    return out


def history(app: App, ref: str, principal: Principal | None = None) -> Sequence[StoredEvent]:
    """The case's events in order."""
    return app.store.case_events(load_case(app, ref, principal).id)
