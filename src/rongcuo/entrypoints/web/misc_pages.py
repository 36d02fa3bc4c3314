"""登录 / 退出 / 语言, 工作台 (my work), 日历 (the year's rest and adjusted days)."""

from __future__ import annotations

import calendar as pycal
import secrets
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rongcuo import logging as rlog
from rongcuo.clock import today_cst
from rongcuo.domain.errors import RongcuoError
from rongcuo.entrypoints.web import session as ws
from rongcuo.entrypoints.web.app import render, web_state
from rongcuo.entrypoints.web.i18n import t
from rongcuo.entrypoints.web.views import countdown, state_label
from rongcuo.service.case_list import work_items
from rongcuo.service.labels import label

router = APIRouter()
log = rlog.get_logger("rongcuo.web")
User = Annotated[ws.WebUser, Depends(ws.current_principal)]
HORIZON_DAYS = 14  # 工作台 shows what falls due within two weeks (that day included)


def _local(target: str | None) -> str:
    """Only a path on this server (never an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    token = request.cookies.get(ws.PRE_COOKIE) or secrets.token_urlsafe(24)
    request.state.csrf = token
    response = render(request, "login.html", next=_local(next), error=None)
    response.set_cookie(ws.PRE_COOKIE, token, max_age=3600,
                        **web_state(request).sessions.cookie_options(request))
    return response


@router.post("/login")
def login(request: Request, form: Annotated[dict[str, Any], Depends(ws.checked_form)]) -> Response:
    web = web_state(request)
    login_name = str(form.get("username", "")).strip()
    target = _local(str(form.get("next", "/")))
    lang = ws.lang_of(request)
    try:
        user = web.directory.authenticate(login_name, str(form.get("password", "")))
        error = t("bad_login", lang)
    except RongcuoError as exc:  # a wrong password, a locked account: the service's words
        user, error = None, exc.message_zh if lang == "zh" else exc.message_en
    if user is None:
        log.info("web.login_failed")
        return render(request, "login.html", status=401, next=target, error=error,
                      username=login_name)
    value, _ = web.sessions.issue(user.login)
    rlog.bind(user=user.login)
    log.info("web.login", login=user.login)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(ws.COOKIE, value, **web.sessions.cookie_options(request))
    response.delete_cookie(ws.PRE_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, user: User,
           form: Annotated[dict[str, Any], Depends(ws.checked_form)]) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(ws.COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_lang(request: Request, code: str, back: str = "/") -> Response:
    response = RedirectResponse(_local(back), status_code=303)
    response.set_cookie(ws.LANG_COOKIE, "en" if code == "en" else "zh", max_age=365 * 86400,
                        **web_state(request).sessions.cookie_options(request))
    return response


@router.get("/")
def dashboard(request: Request, user: User) -> Response:
    web = web_state(request)
    app, lang = web.app, ws.lang_of(request)
    today = today_cst(app.clock)
    soon: list[dict[str, Any]] = []
    late: list[dict[str, Any]] = []
    paused: list[dict[str, Any]] = []
    approvals: list[dict[str, Any]] = []
    items = work_items(app, horizon=today + timedelta(days=HORIZON_DAYS + 1),
                       principal=user.principal)
    for view in items.views:
        d = view.definition
        for dl in view.deadlines:
            timer = d.timers.get(dl.timer) if d else None
            cd = countdown(dl, timer, view.record.state, app.calendar, today, lang)
            if cd is None:
                continue
            item = {"view": view, "deadline": dl, "countdown": cd, "state": state_label(view, lang),
                    "timer": (dl.label_zh if lang == "zh" else dl.label_en) or dl.timer}
            {"late": late, "paused": paused}.get(cd.kind, soon).append(item)
            ext = getattr(timer, "extension", None)
            approval = getattr(d.triggers.get(ext.by), "approval", None) if ext else None
            role = approval.role if approval is not None else "head"
            if (ext is not None and ext.approval_required and user.has(role)
                    and ext.by in view.allowed and cd.kind in ("soon", "today", "late")):
                approvals.append({**item, "trigger": ext.by, "step": label(
                    d.triggers.get(ext.by), lang, ext.by)})
    approvals.extend(_other_approvals(app, user, lang))
    late.sort(key=lambda i: -i["countdown"].days)
    return render(request, "dashboard.html", today=today, soon=soon, late=late,
                  paused=paused, approvals=approvals, shown=len(items.views), total=items.total)


def _other_approvals(app: Any, user: ws.WebUser, lang: str) -> list[dict[str, Any]]:
    """Approvals not tied to a deadline's extension that the user's roles may give (e.g. a
    committee's approval of a determination, 贵安办法第八条第三项): the cases waiting in a
    state where such a step is allowed."""
    from rongcuo.service.case_list import ListQuery, case_page

    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for wid in app.definitions.ids():
        d = app.definition(wid)
        extensions = {t.extension.by for t in d.timers.values() if t.extension is not None}
        for trig in d.triggers.values():
            approval = getattr(trig, "approval", None)
            if approval is None or trig.name in extensions or not user.has(approval.role):
                continue
            for state in trig.sources:
                if (wid, state) in seen:
                    continue
                seen.add((wid, state))
                page = case_page(app, ListQuery(workflow_id=wid, state=state, page_size=20),
                                 principal=user.principal)
                out.extend({"view": v, "trigger": trig.name, "timer": "", "countdown": None,
                            "step": label(trig, lang, trig.name)}
                           for v in page.views if trig.name in v.allowed)
    return out


@router.get("/calendar")
def calendar_page(request: Request, user: User, year: int | None = None,
                  recomputed: int | None = None) -> Response:
    web = web_state(request)
    cal = web.app.calendar
    today = today_cst(web.app.clock)
    y = year or today.year
    cy = cal.year(y)
    months = []
    for m in range(1, 13):
        weeks = []
        for week in pycal.Calendar(firstweekday=0).monthdatescalendar(y, m):
            weeks.append([_day(cal, cy, d, m) for d in week])
        months.append({"month": m, "weeks": weeks})
    special = []
    if cy is not None:
        for d in sorted(cy.rest_days | cy.workdays):
            special.append({"date": d, "kind": "adjusted" if d in cy.workdays else "rest",
                            "name": cy.holiday_names.get(d) or cy.workday_notes.get(d, "")})
    return render(request, "calendar.html", year=y, cy=cy, months=months, special=special,
                  years=cal.loaded_years, recomputed=recomputed)


IMPORT_ACTOR = "system:calendar-import"  # as `rongcuo calendar import` records it


@router.post("/calendar/import")
async def calendar_import(request: Request, user: User,
                          form: Annotated[dict[str, Any], Depends(ws.checked_form)]) -> Response:
    """An admin imports a year's calendar file (the State Council's notice, as YAML); the
    provisional due dates are recomputed, each move recorded in its case."""
    from starlette.concurrency import run_in_threadpool

    lang = ws.lang_of(request)
    if not user.has("admin"):
        return render(request, "message.html", status=404, title=t("not_found", lang),
                      text=t("not_found_text", lang))
    upload = (await request.form()).get("file")
    data = await upload.read() if upload is not None and not isinstance(upload, str) else b""
    try:
        year, moved = await run_in_threadpool(_import_calendar, web_state(request).app, data)
    except RongcuoError as exc:
        return render(request, "message.html", status=422, title=t("calendar", lang),
                      text=exc.message_zh if lang == "zh" else exc.message_en)
    log.info("web.calendar_imported", year=year, recomputed=moved)
    return RedirectResponse(f"/calendar?year={year}&recomputed={moved}", status_code=303)


def _import_calendar(app: Any, data: bytes) -> tuple[int, int]:
    import tempfile
    from pathlib import Path

    from rongcuo.calendars import import_calendar_file, load_calendar
    from rongcuo.service.commands import RecomputeDeadlines
    from rongcuo.service.handlers.deadlines import recompute_provisional

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.yaml"
        path.write_bytes(data)
        cy, _, _ = import_calendar_file(path)
    app.use_calendar(load_calendar())
    moved = recompute_provisional(app, RecomputeDeadlines(today_cst(app.clock), IMPORT_ACTOR))
    return int(cy.year), len(moved)


def _day(cal: Any, cy: Any, d: date, month: int) -> dict[str, Any]:
    if d.month != month:
        return {"date": None}
    kind = cal.day_kind(d)  # holiday / weekend / adjusted_workday / workday
    name = ""
    if kind == "holiday":
        name = cal.holiday_name(d) or ""
    elif kind == "adjusted_workday" and cy is not None:
        name = cy.workday_notes.get(d, "")
    return {"date": d, "kind": kind, "name": name}
