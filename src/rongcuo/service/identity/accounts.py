"""Units, users and API tokens; authenticating a login and password or a bearer token.

* A password login that fails :data:`LOCK_AFTER` times in a row locks the account for
  :data:`LOCK_FOR` (even the right password is refused until then); a success resets the
  count.  An unknown login, a wrong password and an inactive account answer alike.
* A token is ``rc_`` and 43 URL-safe characters (256 random bits), shown once; only its
  SHA-256 is stored.  ``api`` tokens (integrations) carry their own unit and roles and an
  expiry (at most :data:`MAX_TOKEN_DAYS`); ``session`` tokens come from the password login,
  last :data:`SESSION_SECONDS` and act with their user's *current* roles (a user deactivated
  or changed takes effect at the next request).  Both can be revoked.
* Every function takes ``now`` or reads the App's clock: no wall clock here.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from rongcuo import logging as rlog
from rongcuo.adapters.identity import repo
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.identity import DEFAULT_UNIT, LOGIN_MAX, NAME_MAX, ROLES, UNIT_KINDS
from rongcuo.domain.messages import message
from rongcuo.service.context import App
from rongcuo.service.errors import AuthenticationFailed
from rongcuo.service.identity import passwords
from rongcuo.service.identity.principal import Principal

log = rlog.get_logger("rongcuo.identity")

LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
SESSION_SECONDS = 8 * 3600
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366
_UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_LOGIN = re.compile(rf"^[a-z0-9][a-z0-9._-]{{1,{LOGIN_MAX - 1}}}$")

BAD_ID = message("identity.bad_id",
                 "{what_zh}“{value}”无效：只能使用小写字母、数字、点、下划线和连字符",
                 "{what_en} {value!r} is invalid: lower-case letters, digits, '.', '_', '-' only")
UNIT_EXISTS = message("unit.exists", "机构“{unit}”已存在", "unit {unit!r} already exists")
NO_UNIT = message("unit.unknown", "没有机构“{unit}”", "no unit {unit!r}")
BAD_KIND = message("unit.bad_kind", "机构类别“{kind}”无效（可用：{known}）",
                   "unit kind {kind!r} is invalid (known: {known})")
USER_EXISTS = message("user.exists", "登录名“{login}”已被使用", "login {login!r} is taken")
NO_USER = message("user.unknown", "没有可用的用户“{login}”", "no active user {login!r}")
BAD_ROLE = message("role.unknown", "角色“{role}”无效（可用：{known}）",
                   "role {role!r} is invalid (known: {known})")
NO_ROLE = message("role.none", "至少须指定一个角色", "at least one role is required")
BAD_NAME = message("user.bad_name", "姓名不能为空，且不超过 {max} 个字符",
                   "the display name must not be blank nor longer than {max} characters")
BAD_DAYS = message("token.bad_days", "有效期须为 1 至 {max} 天",
                   "the expiry must be 1 to {max} days")
NO_TOKEN = message("token.unknown", "没有未撤销的令牌“{token}”", "no unrevoked token {token!r}")
LOGIN_FAILED = message("auth.failed", "登录名或密码不正确", "wrong login or password")
LOCKED = message("auth.locked", "连续登录失败次数过多，账户已锁定至 {until}（北京时间）",
                 "too many failed logins: the account is locked until {until} (CST)")
BAD_TOKEN = message("auth.failed/token", "令牌无效、已过期或已撤销",
                    "the token is invalid, expired or revoked")


def _check_id(value: str, what: tuple[str, str], pattern: re.Pattern[str]) -> None:
    if not pattern.match(value):
        raise InvalidInput.of(BAD_ID, what_zh=what[0], what_en=what[1], value=value)


def _check_roles(roles: Iterable[str]) -> list[str]:
    out = sorted(set(roles))
    if not out:
        raise InvalidInput.of(NO_ROLE)
    for r in out:
        if r not in ROLES:
            raise InvalidInput.of(BAD_ROLE, role=r, known=", ".join(ROLES))
    return out


def _require_unit(app: App, unit_id: str) -> dict[str, Any]:
    row = repo.unit(app.store.engine, unit_id)
    if row is None:
        raise InvalidInput.of(NO_UNIT, unit=unit_id)
    return row


# -- units -------------------------------------------------------------------------------
def add_unit(app: App, unit_id: str, name: str, kind: str, parent: str | None = None) -> None:
    _check_id(unit_id, ("机构代码", "unit id"), _UNIT_ID)
    if kind not in UNIT_KINDS:
        raise InvalidInput.of(BAD_KIND, kind=kind, known=", ".join(UNIT_KINDS))
    if not name.strip() or len(name) > 200:
        raise InvalidInput.of(BAD_NAME, max=200)
    if repo.unit(app.store.engine, unit_id) is not None:
        raise InvalidInput.of(UNIT_EXISTS, unit=unit_id)
    if parent is not None:
        _require_unit(app, parent)
    repo.insert_unit(app.store.engine, {"id": unit_id, "name": name.strip(), "kind": kind,
                                        "parent": parent, "created_at": app.clock.now()})
    log.info("unit.added", unit=unit_id, kind=kind, parent=parent)


def list_units(app: App) -> list[dict[str, Any]]:
    return [{k: r[k] for k in ("id", "name", "kind", "parent")}
            for r in repo.units(app.store.engine)]


def units_below(app: App, unit_id: str) -> frozenset[str]:
    """``unit_id`` and every unit under it."""
    children: dict[str | None, list[str]] = {}
    for r in repo.units(app.store.engine):
        children.setdefault(r["parent"], []).append(r["id"])
    out, todo = {unit_id}, [unit_id]
    while todo:
        for c in children.get(todo.pop(), ()):
            if c not in out:
                out.add(c)
                todo.append(c)
    return frozenset(out)


# -- users -------------------------------------------------------------------------------
def add_user(app: App, login: str, name: str, unit_id: str, roles: Sequence[str],
             password: str, *, sees_subunits: bool = False) -> dict[str, Any]:
    """Add a user (the password is checked against the policy and stored as its Argon2id
    hash only).  Returns the user as :func:`list_users` shows it."""
    _check_id(login, ("登录名", "login"), _LOGIN)
    if not name.strip() or len(name) > NAME_MAX:
        raise InvalidInput.of(BAD_NAME, max=NAME_MAX)
    role_list = _check_roles(roles)
    _require_unit(app, unit_id)
    if repo.user_by(app.store.engine, login=login) is not None:
        raise InvalidInput.of(USER_EXISTS, login=login)
    passwords.check_policy(password, login)
    now = app.clock.now()
    row = {"id": uuid.uuid4().hex, "login": login, "display_name": name.strip(),
           "unit_id": unit_id, "roles": role_list, "active": True,
           "sees_subunits": sees_subunits, "password_hash": passwords.hash_password(password),
           "failed_logins": 0, "locked_until": None, "created_at": now, "updated_at": now}
    repo.insert_user(app.store.engine, row)
    log.info("user.added", login=login, unit=unit_id, roles=role_list)
    return _public(row)


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "login": row["login"], "name": row["display_name"],
            "unit": row["unit_id"], "roles": list(row["roles"]), "active": bool(row["active"]),
            "sees_subunits": bool(row["sees_subunits"])}


def list_users(app: App, principal: Principal | None = None) -> list[dict[str, Any]]:
    """Every user (an operator), or the users of the units ``principal`` sees."""
    units = None if principal is None or principal.is_operator else principal.units
    return [_public(r) for r in repo.users(app.store.engine, units)]


def _principal(app: App, row: dict[str, Any]) -> Principal:
    units = (units_below(app, row["unit_id"]) if row["sees_subunits"]
             else frozenset({row["unit_id"]}))
    return Principal("user", row["id"], row["login"], row["display_name"], row["unit_id"],
                     frozenset(row["roles"]), units)


def principal_for_login(app: App, login: str) -> Principal:
    """The active user ``login`` (``rongcuo case … --as LOGIN`` on the server's shell)."""
    row = repo.user_by(app.store.engine, login=login)
    if row is None or not row["active"]:
        raise InvalidInput.of(NO_USER, login=login)
    return _principal(app, row)


def authenticate(app: App, login: str, password: str, now: datetime) -> Principal:
    """The user whose login and password these are, or :class:`AuthenticationFailed`."""
    engine = app.store.engine
    row = repo.user_by(engine, login=login) if _LOGIN.match(login or "") else None
    if row is not None and row["locked_until"] is not None and row["locked_until"] > now:
        passwords.verify(None, password)  # the same time as any other answer
        from rongcuo.clock import CST

        log.info("auth.locked", login=login)
        raise AuthenticationFailed.of(
            LOCKED, until=row["locked_until"].astimezone(CST).strftime("%Y-%m-%d %H:%M"))
    ok = passwords.verify(row["password_hash"] if row else None, password)
    if row is None or not ok or not row["active"]:
        if row is not None:
            n = repo.record_failure(engine, row["id"], limit=LOCK_AFTER,
                                    lock_until=now + LOCK_FOR, now=now)
            log.info("auth.failed", login=login, failures=n)
        else:
            log.info("auth.failed", login="(unknown)")
        raise AuthenticationFailed.of(LOGIN_FAILED)
    changes: dict[str, Any] = {}
    if row["failed_logins"] or row["locked_until"] is not None:
        changes.update(failed_logins=0, locked_until=None)
    if passwords.needs_rehash(row["password_hash"]):
        changes["password_hash"] = passwords.hash_password(password)
    if changes:
        repo.update_user(engine, row["id"], updated_at=now, **changes)
    return _principal(app, row)


# -- tokens ------------------------------------------------------------------------------
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> str:
    return "rc_" + secrets.token_urlsafe(32)


def issue_session(app: App, principal: Principal, now: datetime) -> tuple[str, int]:
    """A session token for a user who just logged in, and its lifetime in seconds."""
    token = _new_token()
    repo.insert_token(app.store.engine, {
        "id": uuid.uuid4().hex, "token_hash": _digest(token), "kind": "session",
        "name": principal.login, "user_id": principal.id, "unit_id": principal.unit_id,
        "roles": sorted(principal.roles), "created_at": now,
        "expires_at": now + timedelta(seconds=SESSION_SECONDS), "revoked_at": None})
    return token, SESSION_SECONDS


def create_token(app: App, name: str, unit_id: str, roles: Sequence[str], *,
                 days: int = DEFAULT_TOKEN_DAYS) -> tuple[str, dict[str, Any]]:
    """An integration's API token (shown once: the caller prints it and forgets it)."""
    _check_id(name, ("令牌名称", "token name"), _LOGIN)
    role_list = _check_roles(roles)
    _require_unit(app, unit_id)
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput.of(BAD_DAYS, max=MAX_TOKEN_DAYS)
    now = app.clock.now()
    token = _new_token()
    row = {"id": uuid.uuid4().hex, "token_hash": _digest(token), "kind": "api", "name": name,
           "user_id": None, "unit_id": unit_id, "roles": role_list, "created_at": now,
           "expires_at": now + timedelta(days=days), "revoked_at": None}
    repo.insert_token(app.store.engine, row)
    log.info("token.created", token_id=row["id"], name=name, unit=unit_id, roles=role_list)
    return token, _token_public(row)


def _token_public(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "unit": row["unit_id"],
            "roles": list(row["roles"]), "expires_at": row["expires_at"].isoformat(),
            "revoked": row["revoked_at"] is not None}


def list_tokens(app: App) -> list[dict[str, Any]]:
    return [_token_public(r) for r in repo.tokens(app.store.engine, "api")]


def revoke_token(app: App, token_id: str) -> None:
    if not repo.revoke_token(app.store.engine, token_id, app.clock.now()):
        raise InvalidInput.of(NO_TOKEN, token=token_id)
    log.info("token.revoked", token_id=token_id)


def authenticate_token(app: App, token: str, now: datetime) -> Principal:
    """The principal a bearer token stands for, or :class:`AuthenticationFailed`."""
    row = repo.token_by_hash(app.store.engine, _digest(token)) if token else None
    if row is None or row["revoked_at"] is not None or row["expires_at"] <= now:
        raise AuthenticationFailed.of(BAD_TOKEN)
    if row["kind"] == "session":
        user = repo.user_by(app.store.engine, user_id=row["user_id"])
        if user is None or not user["active"]:
            raise AuthenticationFailed.of(BAD_TOKEN)
        return _principal(app, user)
    return Principal("token", row["id"], row["name"], row["name"], row["unit_id"],
                     frozenset(row["roles"]), frozenset({row["unit_id"]}))


__all__ = ["DEFAULT_UNIT", "add_unit", "add_user", "authenticate", "authenticate_token",
           "create_token", "issue_session", "list_tokens", "list_units", "list_users",
           "principal_for_login", "revoke_token", "units_below"]
