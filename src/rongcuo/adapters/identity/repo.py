"""Reads and writes of the identity tables (:mod:`.tables`).  Plain rows in, plain rows out:
what a password, a token or a role means is the service layer's
(:mod:`rongcuo.service.identity`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.db.records import utc
from rongcuo.adapters.identity import tables as t
from rongcuo.domain.identity import DEFAULT_UNIT


def _row(r: Mapping[Any, Any] | None) -> dict[str, Any] | None:
    if r is None:
        return None
    out = dict(r)
    for k in ("created_at", "updated_at", "locked_until", "expires_at", "revoked_at"):
        if out.get(k) is not None:
            out[k] = utc(out[k])
    return out


def _one(r: Mapping[Any, Any]) -> dict[str, Any]:
    out = _row(r)
    assert out is not None
    return out


# -- units -------------------------------------------------------------------------------
def insert_unit(engine: sa.Engine, row: Mapping[str, Any]) -> None:
    with engine.begin() as conn:
        conn.execute(t.units.insert().values(**row))


def unit(engine: sa.Engine, unit_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        r = conn.execute(sa.select(t.units).where(t.units.c.id == unit_id)).mappings().first()
    return _row(r)


def units(engine: sa.Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.units).order_by(t.units.c.id)).mappings().all()
    return [dict(r) for r in rows]


# -- users -------------------------------------------------------------------------------
def insert_user(engine: sa.Engine, row: Mapping[str, Any]) -> None:
    with engine.begin() as conn:
        conn.execute(t.users.insert().values(**row))


def user_by(engine: sa.Engine, *, login: str | None = None,
            user_id: str | None = None) -> dict[str, Any] | None:
    c = t.users.c
    q = sa.select(t.users).where(c.login == login if login is not None else c.id == user_id)
    with engine.connect() as conn:
        return _row(conn.execute(q).mappings().first())


def users(engine: sa.Engine, unit_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    q = sa.select(t.users).order_by(t.users.c.unit_id, t.users.c.login)
    if unit_ids is not None:
        q = q.where(t.users.c.unit_id.in_(list(unit_ids)))
    with engine.connect() as conn:
        return [_one(r) for r in conn.execute(q).mappings()]


def update_user(engine: sa.Engine, user_id: str, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(t.users.update().where(t.users.c.id == user_id).values(**values))


def record_failure(engine: sa.Engine, user_id: str, *, limit: int, lock_until: datetime,
                   now: datetime) -> int:
    """Count one failed login (one UPDATE, so racing attempts all count); lock the account
    until ``lock_until`` when the count reaches ``limit``.  Returns the new count."""
    c = t.users.c
    with engine.begin() as conn:
        conn.execute(t.users.update().where(c.id == user_id).values(
            failed_logins=c.failed_logins + 1, updated_at=now))
        n = int(conn.execute(sa.select(c.failed_logins).where(c.id == user_id)).scalar_one())
        if n >= limit:
            conn.execute(t.users.update().where(c.id == user_id).values(
                locked_until=lock_until, failed_logins=0))
    return n


# -- tokens ------------------------------------------------------------------------------
def insert_token(engine: sa.Engine, row: Mapping[str, Any]) -> None:
    with engine.begin() as conn:
        conn.execute(t.api_tokens.insert().values(**row))


def token_by_hash(engine: sa.Engine, token_hash: str) -> dict[str, Any] | None:
    q = sa.select(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash)
    with engine.connect() as conn:
        return _row(conn.execute(q).mappings().first())


def tokens(engine: sa.Engine, kind: str | None = None) -> list[dict[str, Any]]:
    q = sa.select(t.api_tokens).order_by(t.api_tokens.c.created_at)
    if kind is not None:
        q = q.where(t.api_tokens.c.kind == kind)
    with engine.connect() as conn:
        return [_one(r) for r in conn.execute(q).mappings()]


def revoke_token(engine: sa.Engine, token_id: str, at: datetime) -> bool:
    c = t.api_tokens.c
    with engine.begin() as conn:
        n = conn.execute(t.api_tokens.update().where(c.id == token_id, c.revoked_at.is_(None))
                         .values(revoked_at=at)).rowcount
    return bool(n)


def revoke_user_sessions(engine: sa.Engine, user_id: str, at: datetime) -> None:
    c = t.api_tokens.c
    with engine.begin() as conn:
        conn.execute(t.api_tokens.update().where(c.user_id == user_id, c.revoked_at.is_(None))
                     .values(revoked_at=at))


# -- the unit of each case -------------------------------------------------------------------
def set_case_unit_in(conn: sa.Connection, case_id: str, unit_id: str) -> None:
    """Inside the unit of work that opens the case."""
    conn.execute(t.case_units.insert().values(case_id=case_id, unit_id=unit_id))


def case_units(engine: sa.Engine, case_ids: Sequence[str]) -> dict[str, str]:
    """The unit of each case (``default`` for a case recorded before units existed)."""
    out = dict.fromkeys(case_ids, DEFAULT_UNIT)
    if not case_ids:
        return out
    c = t.case_units.c
    with engine.connect() as conn:
        for i in range(0, len(case_ids), 500):
            q = sa.select(c.case_id, c.unit_id).where(c.case_id.in_(case_ids[i:i + 500]))
            out.update({r.case_id: r.unit_id for r in conn.execute(q)})
    return out


def is_empty(engine: sa.Engine) -> bool:
    """No case, no user, and no unit but ``default`` (``serve --demo`` refuses otherwise)."""
    from rongcuo.adapters.db import tables as db

    with engine.connect() as conn:
        n_cases = conn.execute(sa.select(sa.func.count()).select_from(db.cases)).scalar_one()
        n_users = conn.execute(sa.select(sa.func.count()).select_from(t.users)).scalar_one()
        n_units = conn.execute(sa.select(sa.func.count()).select_from(t.units)
                               .where(t.units.c.id != DEFAULT_UNIT)).scalar_one()
    return not (n_cases or n_users or n_units)
