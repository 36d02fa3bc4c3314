"""Where rongcuo finds its workflow definitions, calendars and embedded database.

Settings come from the environment (the CLI's ``--db``/``--workflows`` options override):

* ``RONGCUO_HOME`` — data directory (default ``$XDG_DATA_HOME/rongcuo`` or
  ``~/.local/share/rongcuo``).  The embedded SQLite database is ``$RONGCUO_HOME/rongcuo.sqlite3``
  and imported calendar files go to ``$RONGCUO_HOME/calendars/``.
* ``RONGCUO_WORKFLOWS_DIR`` — the definitions directory (default: the repository's
  ``workflows/``).
* ``RONGCUO_DATABASE_URL`` — a SQLAlchemy URL; PostgreSQL for several processes.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO_WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def data_dir() -> Path:
    env = os.environ.get("RONGCUO_HOME")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "rongcuo"


def workflows_dir() -> Path:
    env = os.environ.get("RONGCUO_WORKFLOWS_DIR")
    return Path(env) if env else _REPO_WORKFLOWS


def shipped_calendars_dir() -> Path:
    return workflows_dir() / "calendars"


def imported_calendars_dir() -> Path:
    return data_dir() / "calendars"


def calendar_dirs() -> list[Path]:
    """Shipped calendars first, then the operator's imported ones (which may add years)."""
    return [shipped_calendars_dir(), imported_calendars_dir()]


def default_database_url() -> str:
    env = os.environ.get("RONGCUO_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{data_dir() / 'rongcuo.sqlite3'}"
