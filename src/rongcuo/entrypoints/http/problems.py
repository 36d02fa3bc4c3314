"""Errors as ``application/problem+json`` (RFC 9457), statuses chosen here only.

A problem carries ``type``, ``title``, ``status``, ``detail`` and the same ``code``,
``article``, ``message_zh``, ``message_en`` and ``allowed`` as the CLI's JSON errors:

=====  =================================================================================
401    no valid credentials (``auth.failed``, ``auth.locked``)
403    a known caller holding no role that may do this (``authz.forbidden``, …)
404    no such case — or a case of a unit the caller does not see (``case.not_found``)
409    a refused step (a guard, a closed case, four eyes …) or a lost race (``case.conflict``)
412    ``If-Match`` names a version the case has moved on from (``case.version_stale``)
422    malformed or invalid input (``input.malformed``, ``date.future``, …)
503    the database cannot be used (``store.*``)
=====  =================================================================================
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rongcuo import logging as rlog
from rongcuo.domain.errors import Refused, RongcuoError
from rongcuo.service.errors import (
    AuthenticationFailed,
    CaseNotFound,
    ConcurrencyConflict,
    Forbidden,
    StaleVersion,
    StorageError,
)

PROBLEM = "application/problem+json"
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 409: "Conflict", 412: "Precondition Failed",
          415: "Unsupported Media Type", 422: "Unprocessable Content",
          500: "Internal Server Error", 503: "Service Unavailable"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code", "message_zh", "message_en",
                 "allowed"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "code": {"type": "string"}, "article": {"type": ["string", "null"]},
        "message_zh": {"type": "string"}, "message_en": {"type": "string"},
        "allowed": {"type": "array", "items": {"type": "string"}},
        "details": {"type": "object"},
    },
}


def status_for(err: RongcuoError) -> int:
    if isinstance(err, AuthenticationFailed):
        return 401
    if isinstance(err, Forbidden):
        return 403
    if isinstance(err, CaseNotFound):
        return 404
    if isinstance(err, StaleVersion):
        return 412
    if isinstance(err, Refused | ConcurrencyConflict):
        return 409
    if isinstance(err, StorageError):
        return 503
    return 422


def problem(status: int, code: str, zh: str, en: str, *, article: str | None = None,
            allowed: tuple[str, ...] | list[str] = (), details: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://rongcuo.example/problems/{code}", "title": TITLES.get(status, "Error"),
        "status": status, "detail": en, "code": code, "article": article,
        "message_zh": zh, "message_en": en, "allowed": list(allowed),
    }
    if details:
        body["details"] = details
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def from_error(err: RongcuoError) -> JSONResponse:
    status = status_for(err)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return problem(status, err.code, err.message_zh, err.message_en, article=err.article,
                   allowed=err.allowed, details=_safe(err.details), headers=headers)


def _safe(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if isinstance(v, str | int | bool | list | None)}


async def on_rongcuo_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RongcuoError)
    rlog.get_logger("rongcuo.http").info("refused", code=exc.code)
    return from_error(exc)


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    where = [".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()]
    shown = "、".join(where) or "请求"
    return problem(422, "input.malformed", f"请求格式不正确：{shown}",
                   f"malformed request: {', '.join(where) or 'body'}",
                   details={"fields": where})


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 400:  # a body that does not parse is malformed input, like any other
        return problem(422, "input.malformed", "请求格式不正确：请求体无法解析",
                       "malformed request: the body does not parse")
    zh = {404: "没有这个地址", 405: "该地址不支持此方法"}.get(status, "请求无法处理")
    en = str(exc.detail) if exc.detail else TITLES.get(status, "error")
    return problem(status, f"http.{status}", zh, en, headers=dict(exc.headers or {}) or None)


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    rlog.get_logger("rongcuo.http").exception("http.unexpected", error=type(exc).__name__)
    return problem(500, "server.error", "服务器内部错误，请查看案件后再试",
                   "internal server error; look at the case before trying again")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entries of these error statuses."""
    return {s: {"description": TITLES.get(s, "Error"),
                "content": {PROBLEM: {"schema": PROBLEM_SCHEMA}}} for s in statuses}
