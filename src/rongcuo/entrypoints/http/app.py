"""``create_app(app)``: the FastAPI application over one service context.

Request logs go through structlog, one line per request (``http.request``: request id,
method, route, status, milliseconds, user, case id) — never a header, a body, a query
string, a token or a password.  ``/docs`` is Swagger UI served from the package
(``swagger-ui-bundle``'s files under ``/docs/static``), never from a CDN: offices run on
intranets without internet.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from rongcuo import logging as rlog
from rongcuo.domain.errors import RongcuoError
from rongcuo.entrypoints.http import problems
from rongcuo.service.context import App

log = rlog.get_logger("rongcuo.http")


def swagger_dir() -> Path | None:
    """The Swagger UI files shipped in the ``swagger-ui-bundle`` package, if installed."""
    try:
        import swagger_ui_bundle  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return Path(swagger_ui_bundle.swagger_ui_path)


def create_app(app: App, *, title: str = "rongcuo 容错纠错 API") -> FastAPI:
    """The HTTP API on ``app`` (its clock is the API's clock)."""
    rlog.configure()  # once per process (``RONGCUO_LOG_LEVEL``, ``RONGCUO_LOG_FORMAT``)
    from fastapi import Depends

    from rongcuo.entrypoints.http import routes_auth, routes_cases, routes_meta, routes_records
    from rongcuo.entrypoints.http.deps import refuse_nul

    api = FastAPI(title=title, version="1", docs_url=None, redoc_url=None,
                  dependencies=[Depends(refuse_nul)],
                  openapi_url="/openapi.json",
                  description="容错纠错案件办理接口。错误为 application/problem+json（RFC 9457）。")
    api.state.rongcuo = app
    api.add_exception_handler(RongcuoError, problems.on_rongcuo_error)
    api.add_exception_handler(RequestValidationError, problems.on_validation_error)
    api.add_exception_handler(StarletteHTTPException, problems.on_http_error)
    api.add_exception_handler(Exception, problems.on_unexpected)
    api.include_router(routes_auth.router)
    api.include_router(routes_cases.router)
    api.include_router(routes_meta.router)
    api.include_router(routes_records.router)
    _docs(api)
    api.middleware("http")(_log_requests)
    return api


async def _log_requests(request: Request, call_next: Any) -> Response:
    rid = request.headers.get("x-request-id") or rlog.new_request_id()
    rid = rid if len(rid) <= 64 and rid.isprintable() else rlog.new_request_id()
    request.state.user = None
    request.state.case_id = None
    start = time.perf_counter()
    with rlog.bound(request_id=rid):
        response: Response = await call_next(request)
        route = request.scope.get("route")
        log.info("http.request", method=request.method,
                 route=getattr(route, "path", "(unmatched)"), status=response.status_code,
                 ms=round((time.perf_counter() - start) * 1000, 1),
                 user=request.state.user, case_id=request.state.case_id)
    response.headers["X-Request-Id"] = rid
    return response


def _docs(api: FastAPI) -> None:
    static = swagger_dir()
    if static is not None:
        api.mount("/docs/static", StaticFiles(directory=static), name="swagger")

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="rongcuo API",
            swagger_js_url="/docs/static/swagger-ui-bundle.js",
            swagger_css_url="/docs/static/swagger-ui.css",
            swagger_favicon_url="/docs/static/favicon-32x32.png",
            oauth2_redirect_url="/docs/oauth2-redirect")

    @api.get("/docs/oauth2-redirect", include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
