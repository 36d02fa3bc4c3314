"""What each endpoint depends on: the service context and the authenticated principal."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote, unquote_plus

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from rongcuo import logging as rlog
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.service import identity
from rongcuo.service.context import App
from rongcuo.service.errors import AuthenticationFailed
from rongcuo.service.identity import Principal
from rongcuo.service.identity.accounts import BAD_TOKEN

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False,
                              description="a session token (password login) or an API token")


NUL_TEXT = message("input.nul", "请求中含有空字符（U+0000），不能记录",
                   "the request contains a NUL character (U+0000), which cannot be recorded")


async def refuse_nul(request: Request) -> None:
    """Refuse a NUL anywhere in the path, query or body before anything reads it (PostgreSQL
    cannot store one in text, SQLite would: the two must agree)."""
    if "\x00" in unquote(request.url.path) or "\x00" in unquote_plus(request.url.query):
        raise InvalidInput.of(NUL_TEXT)
    if request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # parsed once, kept for the endpoint
        if any("\x00" in str(v) for v in form.values()):
            raise InvalidInput.of(NUL_TEXT)
        return
    body = await request.body()
    if b"\x00" in body or b"\\u0000" in body:
        raise InvalidInput.of(NUL_TEXT)


def get_app(request: Request) -> App:
    app: App = request.app.state.rongcuo
    return app


def get_principal(request: Request, token: Annotated[str | None, Depends(oauth2)],
                  app: Annotated[App, Depends(get_app)]) -> Principal:
    """The principal of the ``Authorization: Bearer`` token (401 without a valid one)."""
    if not token:
        raise AuthenticationFailed.of(BAD_TOKEN)
    principal = identity.authenticate_token(app, token, app.clock.now())
    request.state.user = principal.login
    rlog.bind(user=principal.login, unit=principal.unit_id)
    return principal


AppDep = Annotated[App, Depends(get_app)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
