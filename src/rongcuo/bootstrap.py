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

from rongcuo.adapters.db import revisions
from rongcuo.adapters.db.engine import is_sqlite, make_engine, normalise_url, sqlite_file
from rongcuo.adapters.db.store import Store
from rongcuo.clock import Clock, SystemClock
from rongcuo.domain.messages import message
from rongcuo.paths import default_database_url
from rongcuo.service.context import App
from rongcuo.service.errors import StorageError

__all__ = ["App", "bootstrap"]


# The messages of opening a database (the catalogue: ``rongcuo messages``).
MISSING = message(
    "store.missing",
    "数据库文件不存在：{path}（请检查数据库地址；新数据库由开案或 rongcuo db upgrade 创建）",
    "no database file at {path} (check the database URL; a new database is created by opening "
    "a case or by `rongcuo db upgrade`)",
)
BAD_PATH = message(
    "store.bad_path",
    "无法创建数据库所在的目录：{zh}（请检查 RONGCUO_HOME 或数据库地址）",
    "cannot create the database directory: {en} (check RONGCUO_HOME or the database URL)",
)
BAD_URL = message(
    "store.bad_url",
    "数据库地址无效：{url}（应为 sqlite:///文件路径、文件路径，或 postgresql://用户@主机/库名）",
    "not a database URL: {url} (expected sqlite:///PATH, a file path, or "
    "postgresql://USER@HOST/DB)",
)
UNKNOWN_REVISION = message(
    "store.unknown_revision",
    "数据库 {url} 的结构版本本程序不认识（可能由更新版本的 rongcuo 创建）：{reason}",
    "the database {url} is at a schema revision this rongcuo does not know (perhaps made by a "
    "newer version): {reason}",
)
UNREACHABLE = message(
    "store.unreachable",
    "无法连接数据库 {url}：{reason}",
    "cannot connect to the database {url}: {reason}",
)
NOT_A_DATABASE = message(
    "store.not_a_database",
    "{url} 不是可用的数据库：{reason}",
    "{url} is not a usable database: {reason}",
)
NOT_MIGRATED = message(
    "store.not_migrated",
    "数据库尚未初始化：请先运行 rongcuo db upgrade（数据库：{url}）",
    "the database has no rongcuo tables yet: run `rongcuo db upgrade` first (database: {url})",
)
NOT_RONGCUO = message(
    "store.not_rongcuo",
    "{path} 不是 rongcuo 数据库（其中没有案件表），未作任何改动；请检查数据库地址",
    "{path} is not a rongcuo database (it has no case tables); nothing was changed — check "
    "the database URL",
)


_DB = {"field": "database"}  # the CLI names its option (--db) for this field


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
    engine = _open_engine(url, database_url, existing, engine_options or {})
    _prepare_schema(engine, url, is_sqlite(url) if migrate is None else migrate)
    return App(
        store=Store(engine),
        clock=clock or SystemClock(),
        database_url=url,
        load_calendar=_load_calendar,
        load_definitions=_load_definitions,
        load_settings=_load_settings,
        load_catalogues=_load_catalogues,
        _calendar=calendar,
        _definitions=definitions,
    )


def _open_engine(
    url: str, given: str | None, existing: bool, options: dict[str, Any]
) -> sa.Engine:
    """The engine on ``url``, after refusing a missing (when ``existing``) or foreign SQLite
    file, an uncreatable directory or a string that is no database URL."""
    try:
        file = sqlite_file(url)
        if existing and file is not None and not file.exists():
            raise StorageError.of(MISSING, path=file, details=_DB)
        if file is not None and file.exists():
            _check_sqlite_file(file, empty_ok=not existing)
        return make_engine(url, **options)
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
        raise StorageError.of(BAD_PATH, zh=zh, en=en,
                              details={**_DB, "path": str(where)}) from exc
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError, ImportError) as exc:
        raise StorageError.of(BAD_URL, url=repr(given), details=_DB) from exc


def _prepare_schema(engine: sa.Engine, url: str, should_migrate: bool) -> None:
    """Migrate (embedded SQLite, or when asked) or check that the tables are there; every
    failure disposes of the engine and says which database and why."""
    shown = _shown(url)
    try:
        ready = not should_migrate and _has_tables(engine)
        if should_migrate and not revisions.is_up_to_date(engine):
            _migrate(engine, shown)
    except sa.exc.OperationalError as exc:
        engine.dispose()
        reason = "; ".join(x.strip() for x in str(exc.orig or exc).splitlines() if x.strip())
        raise StorageError.of(UNREACHABLE, url=shown, reason=reason) from exc
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        reason = str(exc.orig or exc).splitlines()[0]
        raise StorageError.of(NOT_A_DATABASE, url=shown, reason=reason) from exc
    if not should_migrate and not ready:
        engine.dispose()
        raise StorageError.of(NOT_MIGRATED, url=shown)


def _migrate(engine: sa.Engine, shown: str) -> None:
    """Upgrade to the head (Alembic is imported here only: issue 16)."""
    from alembic.util import CommandError as AlembicCommandError

    from rongcuo.adapters.db import migrate as db_migrate

    try:
        db_migrate.upgrade(engine)
    except AlembicCommandError as exc:
        engine.dispose()
        raise StorageError.of(UNKNOWN_REVISION, url=shown, reason=exc) from exc


def _load_calendar() -> Any:
    from rongcuo.calendars.loader import calendar_files, read_calendar_file
    from rongcuo.definitions.cache import BuiltCache
    from rongcuo.domain.calendar import WorkCalendar
    from rongcuo.paths import calendar_dirs

    def load() -> Any:
        # built once per set of calendar files (their paths and bytes), then read back:
        # a command that reads a case does not parse YAML (issue 16)
        files = calendar_files(dirs)
        sources = [(f, f.read_bytes()) for f in files]
        years = BuiltCache("calendars").built(
            sources, lambda: [read_calendar_file(f) for f in files])
        return WorkCalendar(years)

    dirs = calendar_dirs()
    return _cached(("calendar", *dirs), dirs, load)


def _load_settings(workflow_id: str) -> Any:
    from rongcuo.definitions.adopter import read_settings

    return read_settings(workflow_id)


def _load_catalogues() -> Any:
    from rongcuo.definitions.catalogues import load_catalogues
    from rongcuo.paths import workflows_dir

    d = workflows_dir()
    return _cached(("catalogues", d), [d], load_catalogues)


def _load_definitions() -> Any:
    from rongcuo.definitions import load_definitions
    from rongcuo.definitions.cache import DefinitionCache
    from rongcuo.paths import workflows_dir

    d = workflows_dir()
    return _cached(("definitions", d), [d],
                   lambda: load_definitions(d, cache=DefinitionCache()))


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
        raise StorageError.of(NOT_A_DATABASE, url=file, reason=exc) from exc
    if "events" in names or (not names and empty_ok):
        return
    raise StorageError.of(NOT_RONGCUO, path=file, details=_DB)


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
    from rongcuo.adapters.db import migrate as db_migrate

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
    from rongcuo.adapters.db import migrate as db_migrate

    url = normalise_url(database_url or default_database_url())
    missing = sqlite_file(url)
    if missing is not None and not missing.exists():
        raise StorageError.of(MISSING, path=missing, details=_DB)
    engine = make_engine(url)
    try:
        return db_migrate.current_revisions(engine), db_migrate.head_revisions()
    finally:
        engine.dispose()
