"""Definitions, the audit's verification, and the legal clock (``/api/v1/workflows``,
``/api/v1/audit/verify``, ``/api/v1/calendar/due``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from rongcuo import logging as rlog
from rongcuo.domain.errors import RongcuoError
from rongcuo.domain.periods import PeriodRule, compute_due
from rongcuo.entrypoints.cli.workflows_cmd import definition_json
from rongcuo.entrypoints.http import problems
from rongcuo.entrypoints.http.deps import AppDep, PrincipalDep
from rongcuo.entrypoints.http.problems import responses
from rongcuo.service.identity import authz

router = APIRouter(prefix="/api/v1", tags=["workflows", "audit", "calendar"])

OBJECT = {"type": "object"}
AUDIT_ROLES = ("auditor", "admin")


def _json(schema: dict[str, Any], *errors: int) -> dict[int | str, Any]:
    return {200: {"content": {"application/json": {"schema": schema}}},
            **responses(401, 422, *errors)}


@router.get("/workflows", responses=_json({"type": "array", "items": OBJECT}))
def workflows(request: Request, app: AppDep, principal: PrincipalDep) -> Any:
    """Every definition loaded (each version), newest last."""
    request.state.user = principal.login
    return [d.summary() for d in app.definitions]


@router.get("/workflows/{workflow_id}", responses=_json(OBJECT, 404))
def workflow(request: Request, workflow_id: str, app: AppDep, principal: PrincipalDep,
             version: Annotated[str | None, Query(max_length=40)] = None) -> Any:
    """One definition (default: its newest version): states, triggers with their roles and
    approvals, timers."""
    request.state.user = principal.login
    try:
        d = app.definition(workflow_id, version)
    except RongcuoError as err:
        return problems.problem(404, err.code, err.message_zh, err.message_en)
    return definition_json(d)


@router.get("/audit/verify", responses=_json(
    {"type": "object", "required": ["ok", "cases", "broken"]}, 403))
def verify(request: Request, app: AppDep, principal: PrincipalDep) -> Any:
    """Verify the record (chains, seq, replay against the stored rows); the answer names
    only the cases of the caller's units.  Roles: auditor, admin."""
    from rongcuo.audit.api import verify as audit_verify

    request.state.user = principal.login
    rlog.bind(user=principal.login)
    authz.require_role(principal, AUDIT_ROLES, ("审计校验", "verify the record"))
    report = audit_verify(app, drift=False)
    seen = authz.visible_ids(app, principal, [f.case_id for f in report.findings])
    shown = [f.to_dict() for f in report.findings if f.case_id in seen]
    n_cases = len(authz.visible_ids(app, principal, app_case_ids(app)))
    return {"ok": not shown and not report.extra, "cases": n_cases, "broken": shown}


def app_case_ids(app: Any) -> list[str]:
    from rongcuo.service import queries

    return [v.record.id for v in queries.list_cases(app, queries.CaseFilter())]


@router.get("/calendar/due", responses=_json(
    {"type": "object", "required": ["due", "provisional"]}, 422))
def due(request: Request, app: AppDep, principal: PrincipalDep, start: date,
        n: Annotated[int, Query(ge=0, le=3650)],
        unit: Literal["working", "calendar"] = "working") -> Any:
    """The due date of a period of ``n`` working or calendar days from ``start`` (the start
    day not counted; Civil Code arts. 201–203)."""
    request.state.user = principal.login
    result = compute_due(start, PeriodRule(unit=unit, days=n), app.calendar)
    out: dict[str, Any] = result.to_dict()
    return out
