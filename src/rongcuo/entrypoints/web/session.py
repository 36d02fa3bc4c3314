"""Who is using the workplace: the session cookie, the CSRF token, and the one dependency
every page asks for the current user (:func:`current_principal`).

The cookie carries only the login and the session's CSRF token, signed (itsdangerous) with
the server's secret and stamped with the time it was issued; it is HttpOnly, SameSite=Strict
and Secure when the server is behind TLS.  A cookie older than the idle limit is an expired
session (its own page), a missing or forged one is a sign-in.  The user is looked up again
on every request, so a deactivated user loses access at once.  No password or token is ever
logged or put in the cookie.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from fastapi import Request
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

COOKIE = "rc_session"
PRE_COOKIE = "rc_csrf"  # the sign-in form's double-submit token (no session yet)
LANG_COOKIE = "rc_lang"
IDLE_SECONDS = 8 * 3600


@dataclass(frozen=True)
class WebUser:
    """The person behind a session, as the pages need them."""

    login: str
    name: str
    unit: str
    unit_name: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    principal: Any = None  # the service layer's principal, once identity is wired

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def actor(self) -> str:
        """Who a step recorded in this session is recorded as (the service layer records a
        signed-in principal by its id, login, unit and name)."""
        return str(self.principal.actor) if self.principal is not None else self.name


class Directory(Protocol):
    """Where users are found: ``authenticate`` checks a password (None, or the service
    layer's refusal: a wrong password, a locked account), ``lookup`` finds a user by login
    for each request (None: unknown or deactivated)."""

    def authenticate(self, login: str, password: str) -> WebUser | None: ...

    def lookup(self, login: str) -> WebUser | None: ...


class LoginRequired(Exception):
    """No session (or a forged one): go to the sign-in page."""


class SessionExpired(Exception):
    """The session was idle for longer than the limit."""


class CsrfFailed(Exception):
    """A form without the session's CSRF token."""


class Sessions:
    """Issues and reads the signed session cookie."""

    def __init__(self, secret: str, *, idle_seconds: int = IDLE_SECONDS, secure: bool = False,
                 now: Callable[[], float] = time.time) -> None:
        self.idle_seconds = idle_seconds
        self.secure = secure
        self._serializer = URLSafeTimedSerializer(
            secret, salt="rongcuo.web.session", signer=_ClockedSigner,
            signer_kwargs={"now": now})

    def issue(self, login: str) -> tuple[str, str]:
        """A new cookie value for ``login`` and its CSRF token."""
        token = secrets.token_urlsafe(24)
        return self._serializer.dumps({"u": login, "c": token}), token

    def read(self, value: str | None) -> tuple[str, str]:
        """(login, CSRF token) of a cookie value."""
        if not value:
            raise LoginRequired()
        try:
            data = self._serializer.loads(value, max_age=self.idle_seconds)
        except SignatureExpired as exc:
            raise SessionExpired() from exc
        except BadSignature as exc:
            raise LoginRequired() from exc
        return str(data["u"]), str(data["c"])

    def cookie_options(self, request: Request | None = None) -> dict[str, Any]:
        """HttpOnly, SameSite=Strict, and Secure when configured so or when the request came
        over TLS (a reverse proxy's ``X-Forwarded-Proto: https``, which uvicorn applies)."""
        https = request is not None and request.url.scheme == "https"
        return {"httponly": True, "samesite": "strict", "secure": self.secure or https,
                "path": "/"}


class _ClockedSigner(TimestampSigner):
    """A timestamp signer on an injected clock (tests age a session without waiting)."""

    def __init__(self, *args: Any, now: Callable[[], float] = time.time, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._now = now

    def get_timestamp(self) -> int:
        return int(self._now())


def web_state(request: Request) -> Any:
    return request.app.state.web


def current_principal(request: Request) -> WebUser:
    """The signed-in user (the one dependency every page uses), or :class:`LoginRequired` /
    :class:`SessionExpired`."""
    cached = getattr(request.state, "user", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    web = web_state(request)
    login, token = web.sessions.read(request.cookies.get(COOKIE))
    user = web.directory.lookup(login)
    if user is None:
        raise LoginRequired()
    request.state.user = user
    request.state.csrf = token
    return user  # type: ignore[no-any-return]


def csrf_token(request: Request) -> str:
    """The token the page's forms carry (the session's, or the sign-in form's)."""
    return str(getattr(request.state, "csrf", "") or request.cookies.get(PRE_COOKIE, ""))


async def checked_form(request: Request) -> dict[str, Any]:
    """The posted form, once its CSRF token matches the session's (else :class:`CsrfFailed`).
    Repeated keys (a checklist) become lists."""
    form = await request.form()
    expected = csrf_token(request)
    if not expected or not secrets.compare_digest(str(form.get("csrf", "")), expected):
        raise CsrfFailed()
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = values if len(values) > 1 else (values[0] if values else "")
    return out


def lang_of(request: Request) -> str:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "zh"


class IdentityDirectory:
    """The users of the identity service (Argon2id passwords, lock-out, units and roles)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def _user(self, principal: Any) -> WebUser:
        from rongcuo.service.identity import list_units

        names = {u["id"]: u["name"] for u in list_units(self.app)}
        return WebUser(principal.login, principal.name, principal.unit_id,
                       names.get(principal.unit_id, principal.unit_id), principal.roles,
                       principal)

    def authenticate(self, login: str, password: str) -> WebUser | None:
        from rongcuo.service.identity import authenticate

        return self._user(authenticate(self.app, login, password, self.app.clock.now()))

    def lookup(self, login: str) -> WebUser | None:
        from rongcuo.domain.errors import RongcuoError
        from rongcuo.service.identity import principal_for_login

        try:
            return self._user(principal_for_login(self.app, login))
        except RongcuoError:
            return None
