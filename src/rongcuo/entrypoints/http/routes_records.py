"""Corrections of the record and a reporter's identity, through the API (issues 14, 15, 17).

* ``POST /api/v1/cases/{id}/amendments`` ``{"seq", "on"?, "data"?, "reason"}`` — 更正;
  ``POST /api/v1/cases/{id}/voidings`` ``{"seq", "reason"}`` — 撤销;
  ``POST /api/v1/cases/{id}/withdrawal`` ``{"on", "reason"}`` — 误录撤回.  The caller is
  the one who records; an amendment or a voiding is approved by the ``head`` of the case's
  unit who records it, not the corrected entry's author (``approved_by`` is filled with the
  caller's login; naming another is refused).  Each answers the case document after the
  correction (``ETag``: its version).
* ``POST /api/v1/cases/{id}/reports/{report_id}/reporter`` ``{"reason"}`` — the reporter's
  identity, for a user with the ``reports`` role in the case's unit; the reading is recorded
  as an event (who, when, why).  Anyone else, and a report without an identity, gets 404
  ``reporter.not_found``.  POST, not GET: it writes an event, and the reason stays out of
  URLs.  The answer is ``Cache-Control: no-store``; the identity is never logged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from rongcuo.entrypoints.http.deps import AppDep, PrincipalDep
from rongcuo.entrypoints.http.routes_cases import CASE_SCHEMA, _bind, _json, _written
from rongcuo.service import handlers
from rongcuo.service.commands import AmendStep, RevealReporter, VoidStep, WithdrawCase

router = APIRouter(prefix="/api/v1", tags=["corrections"])

REASON = Field(min_length=1, max_length=1000)
APPROVER = Field(default=None, min_length=1, max_length=200)


class AmendBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seq: int = Field(ge=1, le=10_000_000)
    on: date | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    reason: str = REASON
    approved_by: str | None = APPROVER


class VoidBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seq: int = Field(ge=1, le=10_000_000)
    reason: str = REASON
    approved_by: str | None = APPROVER


class WithdrawBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: date
    reason: str = REASON
    approved_by: str | None = APPROVER


class RevealBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = REASON


REPORTER_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["case", "report_id", "identity"],
    "properties": {"case": {"type": "string"}, "report_id": {"type": "string"},
                   "identity": {"type": "string"}}}
WRITES = _json(CASE_SCHEMA, 403, 404, 409)


@router.post("/cases/{case_ref}/amendments", responses=WRITES)
def amend(request: Request, response: Response, case_ref: str, body: AmendBody,
          app: AppDep, principal: PrincipalDep) -> Any:
    """更正 step ``seq``: the date (``on``) and/or data it really had, with the reason."""
    _bind(request, principal)
    r = handlers.amend(app, AmendStep(
        case_ref=case_ref, seq=body.seq, on=body.on, data=body.data, reason=body.reason,
        actor=principal.actor, approved_by=body.approved_by, principal=principal))
    _bind(request, principal, r.case_id)
    return _written(app, response, r)


@router.post("/cases/{case_ref}/voidings", responses=WRITES)
def void(request: Request, response: Response, case_ref: str, body: VoidBody,
         app: AppDep, principal: PrincipalDep) -> Any:
    """撤销 step ``seq``: it never happened (a step that depends on it is named)."""
    _bind(request, principal)
    r = handlers.void(app, VoidStep(
        case_ref=case_ref, seq=body.seq, reason=body.reason, actor=principal.actor,
        approved_by=body.approved_by, principal=principal))
    _bind(request, principal, r.case_id)
    return _written(app, response, r)


@router.post("/cases/{case_ref}/withdrawal", responses=WRITES)
def withdraw(request: Request, response: Response, case_ref: str, body: WithdrawBody,
             app: AppDep, principal: PrincipalDep) -> Any:
    """误录撤回: the case was opened by mistake (it keeps its number, leaves every list)."""
    _bind(request, principal)
    r = handlers.withdraw(app, WithdrawCase(
        case_ref=case_ref, on=body.on, reason=body.reason, actor=principal.actor,
        approved_by=body.approved_by, principal=principal))
    _bind(request, principal, r.case_id)
    return _written(app, response, r)


@router.post("/cases/{case_ref}/reports/{report_id}/reporter",
             responses=_json(REPORTER_SCHEMA, 404))
def reveal_reporter(request: Request, response: Response, case_ref: str, report_id: str,
                    body: RevealBody, app: AppDep, principal: PrincipalDep) -> Any:
    """The identity of the reporter of ``report_id`` (role ``reports`` in the case's unit);
    the reading is recorded as an event of the case."""
    _bind(request, principal)
    identity = handlers.reveal_reporter(app, RevealReporter(
        case_ref=case_ref, report_id=report_id, actor=principal.actor, reason=body.reason,
        principal=principal))
    case = handlers.load_case(app, case_ref, principal)
    _bind(request, principal, case.id)
    response.headers["Cache-Control"] = "no-store"
    return {"case": case.id, "report_id": report_id, "identity": identity}
