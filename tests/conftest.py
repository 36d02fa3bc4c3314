"""Shared fixtures.

``db_url`` runs a test once on embedded SQLite and once on PostgreSQL, each time against a
fresh, empty database.  PostgreSQL is found at ``RONGCUO_TEST_PG_URL`` (default: the local
server as ``postgres`` on 127.0.0.1:5432).  Under CI (``CI=true``) a missing PostgreSQL is a
failure, never a skip: the storage tests must run on both backends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get(
    "RONGCUO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(_libpq(PG_ADMIN_URL), connect_timeout=3) as conn:
            conn.execute("select 1")
        return None
    except Exception as exc:  # any failure means "not reachable"
        return str(exc)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


_PG_PROBLEM: str | bool | None = False  # False: not probed yet


def require_postgres() -> None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _pg_available()
    if _PG_PROBLEM:
        msg = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {_PG_PROBLEM}"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


def create_pg_database() -> str:
    """Create an empty PostgreSQL database; return its SQLAlchemy URL."""
    import psycopg

    name = f"rongcuo_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'rongcuo.sqlite3'}"
        return
    require_postgres()
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database URL, once per backend."""
    yield from make_db_url(backend, tmp_path)


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A fresh empty PostgreSQL database (for PostgreSQL-only tests such as SKIP LOCKED)."""
    yield from make_db_url("postgresql", tmp_path)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real data directory from a test."""
    monkeypatch.setenv("RONGCUO_HOME", str(tmp_path / "rongcuo-home"))
    monkeypatch.delenv("RONGCUO_DATABASE_URL", raising=False)
