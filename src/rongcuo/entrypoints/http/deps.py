"""What each endpoint depends on: the service context and the authenticated principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from rongcuo import logging as rlog
from rongcuo.service import identity
from rongcuo.service.context import App
from rongcuo.service.errors import AuthenticationFailed
from rongcuo.service.identity import Principal
from rongcuo.service.identity.accounts import BAD_TOKEN

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False,
                              description="a session token (password login) or an API token")


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
