"""Cases: list, open, show, record a step, history, replay (``/api/v1/cases``).

The endpoints build the CLI's service commands (:class:`~rongcuo.service.commands.OpenCase`,
:class:`~rongcuo.service.commands.FireStep`) with the caller's principal and render the same
read models: ``GET /api/v1/cases/{id}`` is :func:`~rongcuo.service.queries.case_document`.
``{case_ref}`` is the stable id or the readable number (URL-encoded).  ``ETag`` is the case
version; ``If-Match`` on a step refuses (412, nothing written) when the case moved on;
``Idempotency-Key`` makes a retry return the first result.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from rongcuo import logging as rlog
from rongcuo.clock import parse_cst
from rongcuo.domain import limits
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.entrypoints.http.deps import AppDep, PrincipalDep
from rongcuo.entrypoints.http.problems import responses
from rongcuo.service import handlers, queries
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.identity import Principal

router = APIRouter(prefix="/api/v1", tags=["cases"])

BAD_IF_MATCH = message("input.bad_if_match", "If-Match 须为案件版本号（如 \"3\"）",
                       "If-Match must carry the case version (e.g. \"3\")")
BAD_AS_OF = message("input.bad_as_of", "as_of 须为 ISO-8601 时刻（无时区按北京时间）：{value}",
                    "as_of must be an ISO-8601 instant (naive = CST): {value!r}")

CASE_KEYS = ["id", "number", "workflow", "workflow_version", "state", "closed", "subject",
             "agency", "opened_on", "last_on", "version", "facts", "deadlines"]
CASE_SCHEMA: dict[str, Any] = {
    "type": "object", "required": [*CASE_KEYS, "events", "allowed"],
    "properties": {"id": {"type": "string"}, "number": {"type": "string"},
                   "version": {"type": "integer"}, "state": {"type": "string"},
                   "closed": {"type": "boolean"}, "facts": {"type": "object"},
                   "deadlines": {"type": "array"}, "events": {"type": "array"},
                   "allowed": {"type": "array", "items": {"type": "string"}}},
}
LIST_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["items", "page", "page_size", "total"],
    "properties": {"items": {"type": "array",
                             "items": {"type": "object", "required": CASE_KEYS}},
                   "page": {"type": "integer"}, "page_size": {"type": "integer"},
                   "total": {"type": "integer"}},
}
EVENTS_SCHEMA: dict[str, Any] = {
    "type": "array", "items": {"type": "object",
                               "required": ["seq", "trigger", "on", "actor", "by", "hash"]}}


def _json(schema: dict[str, Any], *errors: int, status: int = 200) -> dict[int | str, Any]:
    return {status: {"content": {"application/json": {"schema": schema}}},
            **responses(401, 422, *errors)}


class OpenCaseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workflow: str = Field(min_length=1, max_length=80)
    subject: str = Field(max_length=limits.SUBJECT)
    agency: str = Field(max_length=limits.AGENCY)
    on: date
    data: dict[str, Any] = Field(default_factory=dict)


class StepBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trigger: str = Field(min_length=1, max_length=80)
    on: date
    data: dict[str, Any] = Field(default_factory=dict)


def _bind(request: Request, principal: Principal, case_id: str | None = None) -> None:
    request.state.user = principal.login
    rlog.bind(user=principal.login, unit=principal.unit_id)
    if case_id is not None:
        request.state.case_id = case_id
        rlog.bind(case_id=case_id)


IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


@router.get("/cases", responses=_json(LIST_SCHEMA, 422))
def list_cases(
    request: Request, app: AppDep, principal: PrincipalDep,
    workflow: Annotated[str | None, Query(max_length=80)] = None,
    state: Annotated[str | None, Query(max_length=80)] = None,
    due_before: date | None = None, overdue_as_of: date | None = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    """The cases of the caller's units, filtered; ``due_before`` strict, ``overdue_as_of`` a
    legal date (CST)."""
    _bind(request, principal)
    views = queries.list_cases(app, queries.CaseFilter(
        workflow_id=workflow, state=state, due_before=due_before,
        overdue_as_of=overdue_as_of), principal)
    start = (page - 1) * page_size
    items = [queries.case_document(v, with_events=False)
             for v in views[start:start + page_size]]
    return {"items": items, "page": page, "page_size": page_size, "total": len(views)}


@router.post("/cases", status_code=201, responses=_json(CASE_SCHEMA, 403, 409, 422, status=201))
def open_case(request: Request, response: Response, body: OpenCaseBody, app: AppDep,
              principal: PrincipalDep, idempotency_key: IdemKey = None) -> Any:
    """Open a case in the caller's unit (its definition's opening trigger)."""
    _bind(request, principal)
    r = handlers.open_case(app, OpenCase(
        workflow_id=body.workflow, subject=body.subject, agency=body.agency, on=body.on,
        actor=principal.actor, data=body.data, idempotency_key=idempotency_key,
        principal=principal))
    _bind(request, principal, r.case_id)
    return _written(app, response, r)


def _written(app: Any, response: Response, r: Any) -> Any:
    doc = queries.case_document(queries.view_after_write(app, r))
    response.headers["ETag"] = f'"{doc["version"]}"'
    if r.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return doc


@router.get("/cases/{case_ref}", responses=_json(CASE_SCHEMA, 404))
def show_case(request: Request, response: Response, case_ref: str, app: AppDep,
              principal: PrincipalDep) -> Any:
    """The case as ``rongcuo case show --json`` prints it (the same keys)."""
    _bind(request, principal)
    view = queries.case_view(app, case_ref, principal=principal)
    _bind(request, principal, view.record.id)
    response.headers["ETag"] = f'"{view.record.version}"'
    return queries.case_document(view)


def _version(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 12:
        raise InvalidInput.of(BAD_IF_MATCH, details={"field": "If-Match"})
    return int(text)


@router.post("/cases/{case_ref}/steps", responses=_json(CASE_SCHEMA, 403, 404, 409, 412, 422))
def fire_step(request: Request, response: Response, case_ref: str, body: StepBody,
              app: AppDep, principal: PrincipalDep, idempotency_key: IdemKey = None,
              if_match: Annotated[str | None, Header(alias="If-Match", max_length=40)] = None,
              ) -> Any:
    """Record step ``trigger`` on the date it happened."""
    _bind(request, principal)
    r = handlers.fire(app, FireStep(
        case_ref=case_ref, trigger=body.trigger, on=body.on, actor=principal.actor,
        data=body.data, idempotency_key=idempotency_key, expected_version=_version(if_match),
        principal=principal))
    _bind(request, principal, r.case_id)
    return _written(app, response, r)


@router.get("/cases/{case_ref}/history", responses=_json(EVENTS_SCHEMA, 404))
def history(request: Request, case_ref: str, app: AppDep, principal: PrincipalDep) -> Any:
    """The case's events in order, each with every hashed field and ``recorded_by``."""
    _bind(request, principal)
    return [queries.event_json(e) for e in queries.history(app, case_ref, principal)]


@router.get("/cases/{case_ref}/replay",
            responses=_json({"type": "object", "required": ["id", "state", "events"]},
                            404, 422))
def replay(request: Request, case_ref: str, app: AppDep, principal: PrincipalDep,
           as_of: Annotated[str | None, Query(max_length=40)] = None) -> Any:
    """The case rebuilt from its events as known at ``as_of`` (ISO-8601; naive = CST)."""
    from rongcuo.audit.api import replay as audit_replay
    from rongcuo.audit.replay import replayed_json

    _bind(request, principal)
    case = handlers.load_case(app, case_ref, principal)  # another unit's: not found
    _bind(request, principal, case.id)
    try:
        at = parse_cst(as_of) if as_of else None
    except ValueError:
        raise InvalidInput.of(BAD_AS_OF, value=as_of, details={"field": "as_of"}) from None
    r = audit_replay(app, case.id, at)
    engine = app.engine_for(r.case.workflow_id, r.case.workflow_version)
    allowed = engine.allowed_triggers(r.state) if r.state and not r.state.closed else []
    return replayed_json(r, list(allowed))
