"""Where rongcuo finds its workflow definitions, calendars and embedded database.

Settings come from the environment (the CLI's ``--db``/``--workflows`` options override):

* ``RONGCUO_HOME`` — data directory (default ``$XDG_DATA_HOME/rongcuo`` or
  ``~/.local/share/rongcuo``).  The embedded SQLite database is ``$RONGCUO_HOME/rongcuo.sqlite3``
  and imported calendar files go to ``$RONGCUO_HOME/calendars/``.
* ``RONGCUO_WORKFLOWS_DIR`` — the definitions directory (default: the shipped ``workflows/``:
  inside the installed package, or the checkout's own folder for an editable install —
  :func:`shipped`).
* ``RONGCUO_DATABASE_URL`` — a SQLAlchemy URL; PostgreSQL for several processes.
* ``RONGCUO_REPORTER_KEY_FILE`` — the key of the reporters' identities (default
  ``$RONGCUO_HOME/reporter.key``, created 0600 on first use).

What rongcuo creates there is its owner's only, whatever the umask: folders 0700
(:func:`make_private_dir`), the SQLite database 0600 (:func:`create_private_file`, before
SQLite opens it, so its ``-wal`` and ``-shm`` — which SQLite creates with the database file's
mode — are 0600 too).  An existing folder or file is never changed behind the operator's back:
:func:`exposed` lists those open to other accounts, with the command that closes them
(``rongcuo db upgrade`` prints it).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# An installed wheel carries the repository's top-level data folders (``workflows/``,
# ``migrations/``) inside the package, under ``_shipped/`` (setup.py copies them at build time);
# a source checkout (an editable install, the tests) reads them where they are.
_SHIPPED = _PACKAGE / "_shipped"
_CHECKOUT = _PACKAGE.parents[1]


def shipped(name: str) -> Path:
    """The shipped data folder ``name`` (``workflows``, ``migrations``) of this installation."""
    inside = _SHIPPED / name
    return inside if inside.exists() else _CHECKOUT / name


def data_dir() -> Path:
    env = os.environ.get("RONGCUO_HOME")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "rongcuo"


def cache_dir() -> Path:
    """Where built definitions are kept between processes (by the hash of their file):
    ``$RONGCUO_HOME/cache`` when ``RONGCUO_HOME`` is set, else ``$XDG_CACHE_HOME/rongcuo`` or
    ``~/.cache/rongcuo``.  Only a cache: removing it costs the next command a parse."""
    env = os.environ.get("RONGCUO_HOME")
    if env:
        return Path(env) / "cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "rongcuo"


def workflows_dir() -> Path:
    env = os.environ.get("RONGCUO_WORKFLOWS_DIR")
    return Path(env) if env else shipped("workflows")


def shipped_calendars_dir() -> Path:
    return workflows_dir() / "calendars"


def imported_calendars_dir() -> Path:
    return data_dir() / "calendars"


def calendar_dirs() -> list[Path]:
    """Shipped calendars first, then the operator's imported ones (which may add years)."""
    return [shipped_calendars_dir(), imported_calendars_dir()]


def reporter_key_file() -> Path:
    """The key file of the reporters' identities (AES-256-GCM): ``RONGCUO_REPORTER_KEY_FILE``,
    default ``$RONGCUO_HOME/reporter.key`` — a file, never a database row."""
    env = os.environ.get("RONGCUO_REPORTER_KEY_FILE")
    return Path(env) if env else data_dir() / "reporter.key"


def default_database_url() -> str:
    env = os.environ.get("RONGCUO_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{data_dir() / 'rongcuo.sqlite3'}"


DEMO_DATABASE = "demo.sqlite3"


def demo_database_file() -> Path:
    """The demo's own SQLite file (``rongcuo demo``): never the operator's database."""
    return data_dir() / DEMO_DATABASE


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def make_private_dir(path: Path) -> None:
    """Create ``path`` and its missing parents with mode 0700 (chmod after mkdir, so the umask
    cannot widen or narrow it); folders that already exist are left as they are."""
    if path.exists() and not path.is_dir():  # as mkdir(exist_ok=True) says it
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # made by another process meanwhile: theirs to set
        os.chmod(d, PRIVATE_DIR_MODE)


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 unless it exists; True if it was created here."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)  # exactly 0600, whatever the umask took away
    finally:
        os.close(fd)
    return True


def exposed(database_file: Path | None) -> list[tuple[Path, int, str]]:
    """The data folder and the SQLite database (with its -wal/-shm) where another account has
    any access: ``(path, mode, the command that closes it)``."""
    out: list[tuple[Path, int, str]] = []
    home = data_dir()
    candidates: list[tuple[Path, str]] = [(home, "700")]
    if database_file is not None:
        candidates.append((database_file.parent, "700"))
        candidates += [(Path(str(database_file) + s), "600") for s in ("", *SQLITE_COMPANIONS)]
    seen: set[Path] = set()
    for path, fix in candidates:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue  # not there (yet): nothing to warn about
        if path in seen or not mode & 0o077:
            continue
        if fix == "700" and path != home and path.parent != path and not _ours(path, home):
            continue  # a folder of the operator's (/srv/data): only the database inside it
        seen.add(path)
        out.append((path, mode, f"chmod {fix} {path}"))
    return out


def _ours(folder: Path, home: Path) -> bool:
    return folder == home or home in folder.parents
