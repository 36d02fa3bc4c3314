"""Shared fixtures.

``db_url`` runs a test once on embedded SQLite and once on PostgreSQL, each time against a
fresh, empty database.  PostgreSQL is found at ``RONGCUO_TEST_PG_URL`` (default: the local
server as ``postgres`` on 127.0.0.1:5432).  Under CI (``CI=true``) a missing PostgreSQL is a
failure, never a skip: the storage tests must run on both backends.

``app`` is a migrated application on that database with the test's settable ``clock``.  A
module whose story needs another setting overrides one small fixture, never ``app`` itself:
``clock_start`` (when the clock starts), ``app_calendar`` (the calendar the app computes
with) or ``app_url`` (e.g. ``pg_url`` for a PostgreSQL-only module).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rongcuo.clock import FixedClock

if TYPE_CHECKING:
    from rongcuo.bootstrap import App
    from rongcuo.domain.calendar import WorkCalendar

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


LICHENG_OPENING = datetime(2025, 9, 26, 2, 0, tzinfo=UTC)
"""10:00 CST on 2025-09-26, the day ``tests.support.walks.walk_licheng`` opens its case."""


@pytest.fixture
def clock_start() -> datetime:
    """When ``clock`` starts (default :data:`LICHENG_OPENING`); a module overrides it."""
    return LICHENG_OPENING


@pytest.fixture
def clock(clock_start: datetime) -> FixedClock:
    """The app's clock; the test moves it (``clock.set``) as its story goes on."""
    return FixedClock(clock_start)


@pytest.fixture
def app_calendar() -> WorkCalendar | None:
    """The calendar ``app`` computes with; ``None``: bootstrap's own (shipped and imported
    years).  A module overrides it to compute with fewer years."""
    return None


@pytest.fixture
def app_url(db_url: str) -> str:
    """The database ``app`` runs on: ``db_url`` (once per backend) unless overridden."""
    return db_url


@pytest.fixture
def app(app_url: str, clock: FixedClock, app_calendar: WorkCalendar | None) -> Iterator[App]:
    """A migrated app on a fresh database, with the test's clock and calendar."""
    from rongcuo.bootstrap import bootstrap

    a = bootstrap(app_url, clock=clock, calendar=app_calendar, migrate=True)
    yield a
    a.close()
