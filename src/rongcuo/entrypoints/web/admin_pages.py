"""审计 (verify the record as a job with its status, replay a case as of an instant, export
its case file) and 管理 (admin only)."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rongcuo import audit
from rongcuo.audit import api as audit_api
from rongcuo.clock import parse_cst
from rongcuo.domain.errors import RongcuoError
from rongcuo.domain.identity import ROLES, UNIT_KINDS
from rongcuo.entrypoints.web import session as ws
from rongcuo.entrypoints.web.app import render, web_state
from rongcuo.entrypoints.web.i18n import t
from rongcuo.service import queries
from rongcuo.service.errors import CaseNotFound
from rongcuo.service.labels import label

router = APIRouter()
User = Annotated[ws.WebUser, Depends(ws.current_principal)]
Form = Annotated[dict[str, Any], Depends(ws.checked_form)]
_ = audit  # the audit package is the one reader of the record here


@dataclass
class Job:
    """A long operation run in the background, its status polled by the page."""

    id: str
    status: str = "running"  # running / done / failed
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""


_JOBS: dict[str, Job] = {}
_LOCK = threading.Lock()


def _run_verify(app: Any, job: Job) -> None:
    try:
        report = audit_api.verify(app, drift=False)
        job.result = report.to_dict()
        job.status = "done"
    except Exception as exc:  # the page says it failed, with the reason
        job.error = str(exc)
        job.status = "failed"


@router.get("/audit")
def audit_page(request: Request, user: User, job: str | None = None) -> Response:
    return render(request, "audit.html", job=_JOBS.get(job or ""), replayed=None, error=None,
                  ref="", as_of="")


@router.post("/audit/verify")
def start_verify(request: Request, user: User, form: Form) -> Response:
    job = Job(uuid.uuid4().hex[:12])
    with _LOCK:
        _JOBS[job.id] = job
    threading.Thread(target=_run_verify, args=(web_state(request).app, job),
                     daemon=True).start()
    return RedirectResponse(f"/audit?job={job.id}", status_code=303)


@router.get("/audit/jobs/{job_id}")
def job_status(request: Request, job_id: str, user: User) -> Response:
    return render(request, "job.html", job=_JOBS.get(job_id))


@router.get("/audit/replay")
def replay(request: Request, user: User, ref: str = "", as_of: str = "") -> Response:
    web = web_state(request)
    lang = ws.lang_of(request)
    error = None
    replayed = None
    try:
        # the reader may see it at all (another unit's case is not found)
        queries.case_view(web.app, ref, with_events=False, principal=user.principal)
        at: datetime | None = parse_cst(as_of) if as_of else None
        r = audit_api.replay(web.app, ref, at)
        d = web.app.definition(r.case.workflow_id, r.case.workflow_version)
        state = r.state.state if r.state else "—"
        replayed = {"case": r.case, "state": label(d.states.get(state), lang, state),
                    "events": r.events, "deadlines": r.deadlines, "as_of": at,
                    "definition": d}
    except CaseNotFound:
        error = t("not_found_text", lang)
    except (RongcuoError, ValueError) as exc:
        error = exc.message(lang) if isinstance(exc, RongcuoError) else str(exc)
    return render(request, "audit.html", job=None, replayed=replayed, error=error, ref=ref,
                  as_of=as_of, status=404 if error else 200)


@router.get("/audit/export")
def export(request: Request, user: User, ref: str) -> Response:
    web = web_state(request)
    # 404 for another unit's case
    view = queries.case_view(web.app, ref, with_events=False, principal=user.principal)
    html = audit_api.export_case(web.app, view.record.id, "html", now=web.app.clock.now())
    name = quote(f"{view.record.number}.html")
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


def _admin(request: Request, user: ws.WebUser) -> Response | None:
    """Not found for anyone but an admin (the page does not exist for them)."""
    lang = ws.lang_of(request)
    if user.has("admin") and user.principal is not None:
        return None
    return render(request, "message.html", status=404, title=t("not_found", lang),
                  text=t("not_found_text", lang))


def _admin_page(request: Request, *, error: str | None = None, token: str | None = None,
                status: int = 200) -> Response:
    from rongcuo.service.identity import accounts

    app = web_state(request).app
    return render(request, "admin.html", status=status, units=accounts.list_units(app),
                  users=accounts.list_users(app), tokens=accounts.list_tokens(app),
                  error=error, token=token, roles=ROLES, kinds=UNIT_KINDS)


@router.get("/admin")
def admin_page(request: Request, user: User) -> Response:
    return _admin(request, user) or _admin_page(request)


@router.post("/admin/{what}")
def admin_post(request: Request, what: str, user: User, form: Form) -> Response:
    from rongcuo.service.identity import accounts

    if (refused := _admin(request, user)) is not None:
        return refused
    app = web_state(request).app
    lang = ws.lang_of(request)
    roles = form.get("roles") or []
    roles = roles if isinstance(roles, list) else [roles]
    token = None
    try:
        if what == "unit":
            accounts.add_unit(app, str(form.get("id", "")).strip(), str(form.get("name", "")),
                              str(form.get("kind", "")), str(form.get("parent") or "") or None)
        elif what == "user":
            accounts.add_user(app, str(form.get("login", "")).strip(), str(form.get("name", "")),
                              str(form.get("unit", "")), roles, str(form.get("password", "")),
                              sees_subunits=bool(form.get("sees_subunits")))
        elif what == "token":
            days = str(form.get("days", "90"))
            token, _ = accounts.create_token(app, str(form.get("name", "")).strip(),
                                             str(form.get("unit", "")), roles,
                                             days=int(days) if days.isdigit() else 0)
        elif what == "revoke":
            accounts.revoke_token(app, str(form.get("token", "")))
    except RongcuoError as exc:
        return _admin_page(request, error=exc.message_zh if lang == "zh" else exc.message_en,
                           status=422)
    if token is not None:  # shown once, on this answer only; never stored or logged
        return _admin_page(request, token=token)
    return RedirectResponse("/admin", status_code=303)
