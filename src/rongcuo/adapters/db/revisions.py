"""Is the database at the migrations' head?  Answered without importing Alembic.

Every command that opens the embedded SQLite database asks this on start; Alembic (and Mako)
cost more CPU than the rest of a ``case show`` (issue 16), and are imported only when a
migration must run (:mod:`rongcuo.adapters.db.migrate`).  The heads are read from the
``revision`` / ``down_revision`` lines of ``migrations/versions/*.py`` (a test keeps this
reading equal to Alembic's ``ScriptDirectory.get_heads()``); the database's revisions from its
``alembic_version`` table.
"""

from __future__ import annotations

import ast
import functools
import re

import sqlalchemy as sa

from rongcuo.paths import shipped

VERSIONS_DIR = shipped("migrations") / "versions"
_ASSIGN = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)


def _revisions_of(text: str) -> tuple[str | None, tuple[str, ...]]:
    """A migration file's revision and the revisions it follows."""
    found = {m.group(1): ast.literal_eval(m.group(2)) for m in _ASSIGN.finditer(text)}
    down = found.get("down_revision")
    downs = () if down is None else (down,) if isinstance(down, str) else tuple(down)
    return found.get("revision"), downs


@functools.cache
def head_revisions() -> tuple[str, ...]:
    """The revisions no other migration follows (read once per process)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in sorted(VERSIONS_DIR.glob("*.py")):
        rev, downs = _revisions_of(path.read_text(encoding="utf-8"))
        if rev is not None:
            revisions.add(rev)
            followed.update(downs)
    return tuple(sorted(revisions - followed))


def current_revisions(engine: sa.Engine) -> tuple[str, ...]:
    """The revisions the database is at (none: not migrated yet)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return ()
        rows = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        return tuple(sorted(str(r[0]) for r in rows))


def is_up_to_date(engine: sa.Engine) -> bool:
    return set(current_revisions(engine)) == set(head_revisions())
