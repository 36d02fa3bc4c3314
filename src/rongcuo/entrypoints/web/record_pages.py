"""案件详情's record actions: 查看 a reporter's identity (``reports`` role) and corrections of
the record (更正日期、撤销 for heads; 误录撤回) — issues 14, 15 §1, 17, 18.

Both post forms (CSRF-checked) that become the service's commands with the signed-in user's
principal: the service decides (a reporter's identity only for the ``reports`` role in the
case's unit, the read recorded as an event; an amendment or a voiding approved by a head of
the case's unit who did not make the entry).  The page only leaves out what the user's roles
could not do.  The identity is shown once, on a page that is not cached (``no-store``), and
never logged.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rongcuo import logging as rlog
from rongcuo.domain.errors import RongcuoError
from rongcuo.entrypoints.web import session as ws
from rongcuo.entrypoints.web.app import render, web_state
from rongcuo.entrypoints.web.case_pages import _on, _status, refusal
from rongcuo.entrypoints.web.i18n import t
from rongcuo.service import handlers, queries
from rongcuo.service.commands import AmendStep, RevealReporter, VoidStep, WithdrawCase
from rongcuo.service.errors import CaseNotFound

router = APIRouter()
log = rlog.get_logger("rongcuo.web")
User = Annotated[ws.WebUser, Depends(ws.current_principal)]
Form = Annotated[dict[str, Any], Depends(ws.checked_form)]


def reporter_reports(view: Any, user: ws.WebUser) -> list[str]:
    """The reports of the case given with a reporter's identity — for a ``reports`` user
    only (no one else sees that a report has one)."""
    if not user.has("reports"):
        return []
    facts = view.record.state.facts
    return [str(r.get("report_id")) for r in facts.get("reports") or ()
            if isinstance(r, dict) and r.get("reporter_ref")]


def correction_rights(view: Any, user: ws.WebUser) -> dict[str, bool]:
    """Which correction forms the case page offers (the service decides the rest)."""
    closed = view.record.state.closed
    return {"correct": user.has("head") and not view.record.state.withdrawn,
            "withdraw": (user.has("head") or user.has("handler")) and not closed}


def _refused(request: Request, exc: RongcuoError, view: Any) -> Response:
    lang = ws.lang_of(request)
    r = refusal(exc, view.definition, lang)
    text = r["message"] + (f"（{r['article']}）" if r["article"] else "")
    status = 404 if isinstance(exc, CaseNotFound) else _status(exc)  # reporter.not_found
    return render(request, "message.html", status=status,
                  title=t("refused", lang).rstrip("：: "),
                  text=f"{text}；{t('nothing_written', lang)}")


@router.post("/cases/{ref:path}/reporter")
def reveal(request: Request, ref: str, user: User, form: Form) -> Response:
    web = web_state(request)
    lang = ws.lang_of(request)
    view = queries.case_view(web.app, ref, with_events=False, principal=user.principal)
    report_id = str(form.get("report_id", "")).strip()
    try:
        identity = handlers.reveal_reporter(web.app, RevealReporter(
            case_ref=view.record.id, report_id=report_id, actor=user.actor,
            reason=str(form.get("reason", "")), principal=user.principal))
    except RongcuoError as exc:
        if exc.code == "case.not_found":
            raise
        return _refused(request, exc, view)
    log.info("web.reporter_revealed", case_id=view.record.id)  # never the identity
    page = render(request, "reporter.html", view=view, report_id=report_id,
                  identity=identity, title=t("reporter_of", lang, report=report_id))
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("/cases/{ref:path}/corrections")
def correct(request: Request, ref: str, user: User, form: Form) -> Response:
    web = web_state(request)
    view = queries.case_view(web.app, ref, with_events=False, principal=user.principal)
    action, reason = str(form.get("action", "")), str(form.get("reason", ""))
    case_id = view.record.id
    if action not in ("void", "amend", "withdraw"):
        lang = ws.lang_of(request)
        return render(request, "message.html", status=404, title=t("not_found", lang),
                      text=action)
    common: dict[str, Any] = {"case_ref": case_id, "reason": reason, "actor": user.actor,
                              "principal": user.principal}
    try:
        seq = int(form["seq"]) if str(form.get("seq", "")).isdigit() else 0
        if action == "void":
            handlers.void(web.app, VoidStep(seq=seq, **common))
        elif action == "amend":
            handlers.amend(web.app, AmendStep(seq=seq, on=_on(form), **common))
        else:  # withdraw
            handlers.withdraw(web.app, WithdrawCase(on=_on(form), **common))
    except RongcuoError as exc:
        if exc.code == "case.not_found":
            raise
        log.info("web.correction_refused", case_id=case_id, code=exc.code)
        return _refused(request, exc, view)
    log.info("web.corrected", case_id=case_id, action=action)
    return RedirectResponse(f"/cases/{quote(case_id)}", status_code=303)
