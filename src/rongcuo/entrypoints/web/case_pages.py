"""案件详情, the step forms, 开案, 流程图.

A step is posted as a form, handed to the service layer as a :class:`FireStep` (the state
machine decides); a refusal (:class:`RongcuoError`) is shown in the form, in the case
worker's words, with its article and what is allowed now — nothing is written.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rongcuo import logging as rlog
from rongcuo.clock import today_cst
from rongcuo.domain.errors import InvalidInput, RongcuoError
from rongcuo.domain.messages import message
from rongcuo.entrypoints.web import session as ws
from rongcuo.entrypoints.web.app import render, web_state
from rongcuo.entrypoints.web.diagram import svg
from rongcuo.entrypoints.web.forms import Person, fields_for, open_fields, step_data
from rongcuo.entrypoints.web.i18n import t
from rongcuo.entrypoints.web.views import (
    deadline_rows,
    progress,
    state_label,
    timeline,
    trigger_label,
)
from rongcuo.service import handlers, queries
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.errors import Forbidden
from rongcuo.service.identity.authz import DEFAULT_STEP_ROLES

router = APIRouter()
log = rlog.get_logger("rongcuo.web")
User = Annotated[ws.WebUser, Depends(ws.current_principal)]
Form = Annotated[dict[str, Any], Depends(ws.checked_form)]


BAD_DATE = message("web.bad_date", "发生日期无效：“{text}”（应为年-月-日）",
                   "not a date: {text!r} (expected YYYY-MM-DD)")


def _on(form: dict[str, Any]) -> date:
    text = str(form.get("on", "")).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.of(BAD_DATE, text=text, details={"field": "on"}) from None


def refusal(exc: RongcuoError, definition: Any, lang: str) -> dict[str, Any]:
    """A refusal as the form shows it: the message, the article, what is allowed now."""
    text = exc.message_zh if lang == "zh" else exc.message_en
    for name in getattr(definition, "triggers", {}) or {}:  # the step as people know it
        text = text.replace(f"“{name}”", f"“{trigger_label(definition, name, lang)}”")
        text = text.replace(f"'{name}'", f"'{trigger_label(definition, name, lang)}'")
    return {"code": exc.code, "message": text,
            "article": exc.article,
            "allowed": [trigger_label(definition, a, lang) for a in exc.allowed]}


def _status(exc: RongcuoError) -> int:
    """The HTTP API's statuses: malformed input 422, a role missing 403, a refusal 409."""
    if isinstance(exc, InvalidInput):
        return 422
    return 403 if isinstance(exc, Forbidden) else 409


@router.get("/cases/{ref:path}/diagram")
def diagram(request: Request, ref: str, user: User) -> Response:
    web = web_state(request)
    lang = ws.lang_of(request)
    view = queries.case_view(web.app, ref, with_events=False, principal=user.principal)
    d = view.definition
    return render(request, "diagram.html", view=view, svg=svg(d, view.record.state.state, lang),
                  state=state_label(view, lang), transitions=_transitions(d, lang))


def _transitions(d: Any, lang: str) -> list[tuple[str, str, str, str]]:
    out = []
    for trig in d.triggers.values():
        for tr in trig.transitions:
            for src in tr.sources or ("—",):
                dest = tr.dest or src
                out.append((_state(d, src, lang), _state(d, dest, lang),
                            trigger_label(d, trig.name, lang), trig.article))
    return out


def _state(d: Any, name: str, lang: str) -> str:
    spec = d.states.get(name)
    return (spec.label_zh if lang == "zh" else spec.label_en) if spec else name


@router.get("/cases/{ref:path}/steps/{trigger}")
def step_form(request: Request, ref: str, trigger: str, user: User) -> Response:
    web = web_state(request)
    view = queries.case_view(web.app, ref, with_events=False, principal=user.principal)
    return _form_page(request, view, trigger, {}, None, user)


def people(app: Any, user: ws.WebUser) -> tuple[Person, ...]:
    """The users of the reader's units (none without identity)."""
    if user.principal is None:
        return ()
    from rongcuo.service.identity import list_users

    return tuple(Person(u["login"], u["name"], tuple(u["roles"]))
                 for u in list_users(app, user.principal) if u["active"])


def may_fire(spec: Any, user: ws.WebUser) -> bool:
    """Whether the user's roles name this step (the service layer decides; the page only
    leaves out the buttons the user could not press)."""
    if user.principal is None or spec is None:
        return True
    return bool(set(getattr(spec, "roles", ()) or DEFAULT_STEP_ROLES) & user.roles)


def _form_page(request: Request, view: Any, trigger: str, values: dict[str, Any],
               error: dict[str, Any] | None, user: ws.WebUser, status: int = 200) -> Response:
    lang = ws.lang_of(request)
    d = view.definition
    if d is None or trigger not in d.triggers:
        return render(request, "message.html", status=404, title=t("not_found", lang),
                      text=trigger)
    spec = d.triggers[trigger]
    today = today_cst(web_state(request).app.clock)
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "step_form.html" if partial else "step_page.html", status=status,
                  view=view, trigger=trigger, spec=spec, step=trigger_label(d, trigger, lang),
                  fields=fields_for(d, trigger, lang, values,
                                    me=user.login if user.principal is not None else None,
                                    people=people(web_state(request).app, user)),
                  on=values.get("on") or today,
                  error=error, state=state_label(view, lang))


@router.post("/cases/{ref:path}/steps/{trigger}")
def fire_step(request: Request, ref: str, trigger: str, user: User, form: Form) -> Response:
    web = web_state(request)
    lang = ws.lang_of(request)
    view = queries.case_view(web.app, ref, with_events=False, principal=user.principal)
    d = view.definition
    if d is None or trigger not in d.triggers:
        return _form_page(request, view, trigger, form, None, user)
    try:
        version = int(form["version"]) if str(form.get("version", "")).isdigit() else None
        cmd = FireStep(case_ref=view.record.id, trigger=trigger, on=_on(form), actor=user.actor,
                       data=step_data(d, trigger, form), expected_version=version,
                       principal=user.principal)
        handlers.fire(web.app, cmd)
    except RongcuoError as exc:
        if exc.code == "case.not_found":
            raise
        log.info("web.step_refused", case_id=view.record.id, trigger=trigger, code=exc.code)
        fresh = queries.case_view(web.app, ref, with_events=False, principal=user.principal)
        return _form_page(request, fresh, trigger, form, refusal(exc, d, lang), user,
                          status=_status(exc))
    log.info("web.step_recorded", case_id=view.record.id, trigger=trigger)
    target = f"/cases/{quote(view.record.id)}?done={quote(trigger)}"
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/cases/{ref:path}/deadlines/{timer}/explain")
def explain_fragment(request: Request, ref: str, timer: str, user: User) -> Response:
    web = web_state(request)
    lang = ws.lang_of(request)
    view = queries.case_view(web.app, ref, with_events=False, principal=user.principal)
    rows = [r for r in deadline_rows(view, web.app.calendar, lang) if r.timer == timer]
    return render(request, "explain.html", row=rows[0] if rows else None)


@router.get("/cases/{ref:path}")
def case_detail(request: Request, ref: str, user: User, done: str | None = None) -> Response:
    from rongcuo.entrypoints.web.record_pages import correction_rights, reporter_reports

    web = web_state(request)
    lang = ws.lang_of(request)
    view = queries.case_view(web.app, ref, principal=user.principal)
    d = view.definition
    return render(request, "case.html", view=view, state=state_label(view, lang),
                  stages=progress(view, lang), deadlines=deadline_rows(view, web.app.calendar,
                                                                       lang),
                  events=timeline(view, lang),
                  allowed=[(a, trigger_label(d, a, lang)) for a in view.allowed
                           if may_fire(d.triggers.get(a) if d else None, user)],
                  done=trigger_label(d, done, lang) if done else None,
                  reports=reporter_reports(view, user), rights=correction_rights(view, user),
                  today=today_cst(web.app.clock))


def in_force_on(app: Any, on: date) -> list[Any]:
    """The procedures in force on ``on`` (their newest version in force; art. 24)."""
    out = []
    for wid in app.definitions.ids():
        d = app.definitions.in_force(wid, on)
        frm, to = d.in_force
        if (frm is None or frm <= on) and (to is None or on <= to):
            out.append(d)
    return out


@router.get("/open")
def open_page(request: Request, user: User, workflow: str | None = None,
              on: str | None = None) -> Response:
    web = web_state(request)
    lang = ws.lang_of(request)
    day = _date_or_today(web.app, on)
    procedures = in_force_on(web.app, day)
    chosen = next((d for d in procedures if d.id == workflow), None)
    return render(request, "open.html", procedures=procedures, chosen=chosen, on=day,
                  fields=open_fields(chosen, lang) if chosen else [], values={}, error=None)


def _date_or_today(app: Any, text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else today_cst(app.clock)
    except ValueError:
        return today_cst(app.clock)


@router.post("/open")
def open_post(request: Request, user: User, form: Form) -> Response:
    web = web_state(request)
    lang = ws.lang_of(request)
    wid = str(form.get("workflow", ""))
    day = _date_or_today(web.app, str(form.get("on", "")))
    procedures = in_force_on(web.app, day)
    chosen = next((d for d in procedures if d.id == wid), None)
    try:
        if chosen is None:
            chosen = web.app.definition(wid)  # out of force: the engine says why (art. 24)
        data = step_data(chosen, chosen.open_trigger.name, form)
        data.pop("subject", None)
        data.pop("agency", None)
        result = handlers.open_case(web.app, OpenCase(
            workflow_id=chosen.id, subject=str(form.get("subject", "")).strip(),
            agency=str(form.get("agency", "")).strip(), on=_on(form), actor=user.actor,
            data=data, principal=user.principal))
    except RongcuoError as exc:
        return render(request, "open.html", status=_status(exc), procedures=procedures,
                      chosen=chosen, on=day, values=form,
                      fields=open_fields(chosen, lang, form) if chosen else [],
                      error=refusal(exc, chosen, lang))
    log.info("web.case_opened", case_id=result.case_id)
    return RedirectResponse(f"/cases/{quote(str(result.case_id))}?done=open", status_code=303)
