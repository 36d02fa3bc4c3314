"""The one composition root: ``bootstrap(...) -> App`` (CLI, HTTP, scheduler, audit and tests
use it; :class:`~rongcuo.service.context.App` is the service layer's own context).

``bootstrap`` builds the store on ``database_url`` (default: ``RONGCUO_DATABASE_URL`` or the
embedded SQLite file under the data directory, see :mod:`rongcuo.paths`), migrating a fresh or
older embedded SQLite database by itself.  A PostgreSQL database is migrated with
``rongcuo db upgrade`` (several processes share it; one of them must not race the others'
DDL) — or ``bootstrap(..., migrate=True)``.  The calendar and the definitions are loaded lazily
(the store alone needs neither), or injected (tests pass fakes or fixed ones).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.util import CommandError as AlembicCommandError

from rongcuo.adapters.db import migrate as db_migrate
from rongcuo.adapters.db.engine import is_sqlite, make_engine, normalise_url, sqlite_file
from rongcuo.adapters.db.store import Store
from rongcuo.clock import Clock, SystemClock
from rongcuo.paths import default_database_url
from rongcuo.service.context import App
from rongcuo.service.errors import StorageError

__all__ = ["App", "bootstrap"]


def bootstrap(
    database_url: str | None = None,
    clock: Clock | None = None,
    calendar: Any = None,
    definitions: Any = None,
    *,
    migrate: bool | None = None,
    engine_options: dict[str, Any] | None = None,
    existing: bool = False,
) -> App:
    """Compose the application.  ``migrate``: None = automatic for embedded SQLite only.
    ``existing``: a SQLite file that is not there is an error rather than a new, empty
    database (commands that only read or sweep a database the operator named: a typo in
    the path must not look like "nothing due")."""
    url = normalise_url(database_url or default_database_url())
    try:
        missing = sqlite_file(url) if existing else None
        if missing is not None and not missing.exists():
            raise _missing(missing)
        file = sqlite_file(url)
        if file is not None and file.exists():
            _check_sqlite_file(file, empty_ok=not existing)
        engine = make_engine(url, **(engine_options or {}))
    except OSError as exc:
        # the SQLite file's directory cannot be made: RONGCUO_HOME (or a --db path) names a
        # regular file, a directory under one, or a place we may not write
        where = exc.filename or sqlite_file(url)
        if isinstance(exc, FileExistsError):
            zh, en = f"{where} 是文件，不是目录", f"{where} is a file, not a directory"
        elif isinstance(exc, NotADirectoryError):
            zh, en = f"{where} 的上级中有文件", f"a parent of {where} is a file"
        else:
            zh = en = f"{where}: {exc.strerror or exc}"
        raise StorageError(
            f"无法创建数据库所在的目录：{zh}（请检查 RONGCUO_HOME 或 --db）",
            f"cannot create the database directory: {en} (check RONGCUO_HOME or --db)",
            code="store.bad_path",
            details={"path": str(where)},
        ) from exc
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError, ImportError) as exc:
        raise StorageError(
            f"数据库地址无效：{database_url!r}（应为 sqlite:///文件路径、文件路径，"
            "或 postgresql://用户@主机/库名）",
            f"not a database URL: {database_url!r} (expected sqlite:///PATH, a file path, or "
            "postgresql://USER@HOST/DB)",
            code="store.bad_url",
        ) from exc
    should_migrate = is_sqlite(url) if migrate is None else migrate
    try:
        ready = not should_migrate and _has_tables(engine)
        if should_migrate and not db_migrate.is_up_to_date(engine):
            db_migrate.upgrade(engine)
    except AlembicCommandError as exc:
        engine.dispose()
        raise StorageError(
            f"数据库 {_shown(url)} 的结构版本本程序不认识（可能由更新版本的 rongcuo 创建）：{exc}",
            f"the database {_shown(url)} is at a schema revision this rongcuo does not know "
            f"(perhaps made by a newer version): {exc}",
            code="store.unknown_revision",
        ) from exc
    except sa.exc.OperationalError as exc:
        engine.dispose()
        reason = "; ".join(x.strip() for x in str(exc.orig or exc).splitlines() if x.strip())
        raise StorageError(
            f"无法连接数据库 {_shown(url)}：{reason}",
            f"cannot connect to the database {_shown(url)}: {reason}",
            code="store.unreachable",
        ) from exc
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        reason = str(exc.orig or exc).splitlines()[0]
        raise StorageError(
            f"{_shown(url)} 不是可用的数据库：{reason}",
            f"{_shown(url)} is not a usable database: {reason}",
            code="store.not_a_database",
        ) from exc
    if not should_migrate and not ready:
        raise StorageError(
            "数据库尚未初始化：请先运行 rongcuo db upgrade --db <URL>",
            "the database has no rongcuo tables yet: run `rongcuo db upgrade --db URL` first",
            code="store.not_migrated",
        )
    return App(
        store=Store(engine),
        clock=clock or SystemClock(),
        database_url=url,
        load_calendar=_load_calendar,
        load_definitions=_load_definitions,
        _calendar=calendar,
        _definitions=definitions,
    )


def _load_calendar() -> Any:
    from rongcuo.calendars import load_calendar
    from rongcuo.paths import calendar_dirs

    dirs = calendar_dirs()
    return _cached(("calendar", *dirs), dirs, load_calendar)


def _load_definitions() -> Any:
    from rongcuo.definitions import load_definitions
    from rongcuo.paths import workflows_dir

    d = workflows_dir()
    return _cached(("definitions", d), [d], load_definitions)


_CACHE: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}


def _cached(key: tuple[Any, ...], dirs: Sequence[Path], load: Callable[[], Any]) -> Any:
    """Parsing and validating the definitions takes most of a CLI command's time; within one
    process reuse them until a file in their directories changes (name, size or mtime)."""
    stamp = tuple(
        (str(f), f.stat().st_mtime_ns, f.stat().st_size)
        for d in dirs
        if d.is_dir()
        for f in sorted(d.iterdir())
        if f.is_file()
    )
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    value = load()
    _CACHE[key] = (stamp, value)
    return value


def _missing(file: Path) -> StorageError:
    """A command that reads refuses a SQLite file that is not there (never creates it)."""
    return StorageError(
        f"数据库文件不存在：{file}（请检查数据库地址；新数据库由开案或 "
        "rongcuo db upgrade 创建）",
        f"no database file at {file} (check the database URL; a new database is "
        "created by opening a case or by `rongcuo db upgrade`)",
        code="store.missing",
    )


def _shown(url: str) -> str:
    """The URL without its password (for messages)."""
    return sa.make_url(url).render_as_string(hide_password=True)


def _check_sqlite_file(file: Path, *, empty_ok: bool) -> None:
    """Refuse, before anything opens it for writing, a SQLite file that holds another
    program's tables — or, unless ``empty_ok``, no tables at all: migrating it would write
    into it, and an audit or a sweep would then report "sound" or "nothing due"."""
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro",
                                                uri=True)) as conn:
            names = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"{file} 不是可用的数据库：{exc}",
            f"{file} is not a usable database: {exc}",
            code="store.not_a_database",
        ) from exc
    if "events" in names or (not names and empty_ok):
        return
    raise StorageError(
        f"{file} 不是 rongcuo 数据库（其中没有案件表），未作任何改动；请检查 --db",
        f"{file} is not a rongcuo database (it has no case tables); nothing was changed — "
        "check --db",
        code="store.not_rongcuo",
    )


def _has_tables(engine: sa.Engine) -> bool:
    return "events" in sa.inspect(engine).get_table_names()


def demo_database(*, reset: bool) -> Path:
    """The demo's own SQLite file under the data directory (``rongcuo demo``), emptied first
    unless ``reset`` is false: the demo never writes into the operator's database, and runs
    any number of times (a fresh file has no earlier sample case to repeat)."""
    from rongcuo.paths import SQLITE_COMPANIONS, demo_database_file

    file = demo_database_file()
    if reset:
        for f in (file, *(file.with_name(file.name + x) for x in SQLITE_COMPANIONS)):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
                f.unlink()
    return file


# -- database maintenance (``rongcuo db``): the schema is the composition root's business ----
def sqlite_path(database_url: str | None) -> Path | None:
    """The SQLite file behind ``database_url`` (or the default), None for another backend."""
    return sqlite_file(normalise_url(database_url or default_database_url()))


def upgrade_database(
    database_url: str | None, revision: str = "heads"
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Migrate the database to ``revision``; the revisions before and after."""
    engine = make_engine(normalise_url(database_url or default_database_url()))
    try:
        before = db_migrate.current_revisions(engine)
        db_migrate.upgrade(engine, revision)
        return before, db_migrate.current_revisions(engine)
    finally:
        engine.dispose()


def database_revisions(database_url: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The database's revisions and the migrations' heads (a SQLite file that is not there
    is refused, never created: asking is not making)."""
    url = normalise_url(database_url or default_database_url())
    missing = sqlite_file(url)
    if missing is not None and not missing.exists():
        raise _missing(missing)
    engine = make_engine(url)
    try:
        return db_migrate.current_revisions(engine), db_migrate.head_revisions()
    finally:
        engine.dispose()
