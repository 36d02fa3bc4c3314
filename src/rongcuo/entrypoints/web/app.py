"""The web workplace as a FastAPI application (or a router to mount next to the HTTP API).

``create_app(app, directory=…, secret=…)`` serves the pages at ``/``, the vendored static files
at ``/static`` (htmx 2.0.4, the stylesheet; no CDN, no external font), and answers the
errors every page shares: no session → the sign-in page, an expired session → its own page,
a case not found (or of another unit) → 404, a form without its CSRF token → 403.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from rongcuo import logging as rlog
from rongcuo.entrypoints.web import session as ws
from rongcuo.entrypoints.web.i18n import fmt_date, fmt_instant, t
from rongcuo.service.context import App
from rongcuo.service.errors import CaseNotFound

HERE = Path(__file__).resolve().parent
HTMX = "htmx-2.0.4.min.js"  # vendored from the htmx.org 2.0.4 package (BSD-2-Clause)
log = rlog.get_logger("rongcuo.web")

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


@dataclass
class WebState:
    """What every page handler reaches through ``request.app.state.web``."""

    app: App
    sessions: ws.Sessions
    directory: ws.Directory
    templates: Environment


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(t=t, fmt_date=fmt_date, fmt_instant=fmt_instant, htmx=HTMX)
    return env


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    web: WebState = request.app.state.web
    lang = ws.lang_of(request)
    user = getattr(request.state, "user", None)
    html = web.templates.get_template(name).render(
        request=request, lang=lang, user=user, csrf=ws.csrf_token(request),
        path=request.url.path, **ctx)
    return HTMLResponse(html, status_code=status)


def web_state(request: Request) -> WebState:
    return request.app.state.web  # type: ignore[no-any-return]


def install(api: FastAPI, app: App, *, directory: ws.Directory | None = None,
            secret: str | None = None,
            secure: bool = False, idle_seconds: int = ws.IDLE_SECONDS,
            now: Any = None) -> FastAPI:
    """Mount the workplace on ``api`` (the server's FastAPI application)."""
    from rongcuo.entrypoints.web import (
        admin_pages,
        case_pages,
        list_pages,
        misc_pages,
        record_pages,
    )

    kw = {"now": now} if now is not None else {}
    api.state.web = WebState(
        app=app,
        sessions=ws.Sessions(secret or secrets.token_urlsafe(32), idle_seconds=idle_seconds,
                             secure=secure, **kw),
        directory=directory or ws.IdentityDirectory(app), templates=templates())
    api.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (misc_pages, list_pages, record_pages, case_pages, admin_pages):
        api.include_router(module.router)
    _errors(api)

    @api.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        if not is_page(request):  # the JSON API and its /docs keep their own headers
            return await call_next(request)  # type: ignore[no-any-return]
        rlog.bind(request_id=request.headers.get("x-request-id") or rlog.new_request_id())
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return api


def is_page(request: Request) -> bool:
    """A request for the workplace (not the JSON API, its docs or its schema)."""
    path = request.url.path
    return not (path.startswith(("/api/", "/docs")) or path == "/openapi.json")


def create_app(app: App, **options: Any) -> FastAPI:
    """A FastAPI application serving the workplace alone (tests; the server mounts it next
    to the JSON API with :func:`install`)."""
    api = FastAPI(title="rongcuo web", docs_url=None, redoc_url=None, openapi_url=None)
    return install(api, app, **options)


def _errors(api: FastAPI) -> None:
    @api.exception_handler(ws.LoginRequired)
    async def login_required(request: Request, exc: ws.LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @api.exception_handler(ws.SessionExpired)
    async def expired(request: Request, exc: ws.SessionExpired) -> Response:
        response = render(request, "expired.html", status=401)
        response.delete_cookie(ws.COOKIE, path="/")
        return response

    @api.exception_handler(ws.CsrfFailed)
    async def csrf(request: Request, exc: ws.CsrfFailed) -> Response:
        log.warning("web.csrf_failed", path=request.url.path)
        return render(request, "message.html", status=403, title=t("login", ws.lang_of(request)),
                      text=t("forbidden_csrf", ws.lang_of(request)))

    @api.exception_handler(CaseNotFound)
    async def not_found(request: Request, exc: CaseNotFound) -> Response:
        if not is_page(request):  # the API answers problem+json (the server mounts both)
            from rongcuo.entrypoints.http import problems

            return await problems.on_rongcuo_error(request, exc)
        lang = ws.lang_of(request)
        return render(request, "message.html", status=404, title=t("not_found", lang),
                      text=t("not_found_text", lang))
