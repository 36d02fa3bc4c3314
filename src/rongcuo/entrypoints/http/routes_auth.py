"""``POST /api/v1/auth/token`` (OAuth2 password form) and ``GET /api/v1/me``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request

from rongcuo import logging as rlog
from rongcuo.entrypoints.http.deps import AppDep, PrincipalDep
from rongcuo.entrypoints.http.problems import responses
from rongcuo.service import identity

router = APIRouter(prefix="/api/v1", tags=["auth"])

TOKEN_SCHEMA = {"type": "object", "required": ["access_token", "token_type", "expires_in"],
                "properties": {"access_token": {"type": "string"},
                               "token_type": {"const": "bearer"},
                               "expires_in": {"type": "integer"}}}


@router.post("/auth/token", responses={
    200: {"content": {"application/json": {"schema": TOKEN_SCHEMA}}}, **responses(401, 422)})
def token(request: Request, app: AppDep,
          username: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)],
          grant_type: Annotated[str | None, Form(pattern="^password$")] = None) -> Any:
    """Log in with a login and password: a session token (Bearer) and its lifetime."""
    now = app.clock.now()
    principal = identity.authenticate(app, username, password, now)
    request.state.user = principal.login
    rlog.bind(user=principal.login)
    access, ttl = identity.issue_session(app, principal, now)
    return {"access_token": access, "token_type": "bearer", "expires_in": ttl}


@router.get("/me", responses=responses(401, 422))
def me(request: Request, principal: PrincipalDep) -> dict[str, Any]:
    """Who the token stands for: kind, id, login, display name, unit, roles."""
    return principal.to_json()
