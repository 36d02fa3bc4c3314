"""Run the Alembic migrations in ``migrations/`` (used by ``rongcuo db upgrade`` and bootstrap)."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from rongcuo.paths import shipped

MIGRATIONS_DIR = shipped("migrations")
ALEMBIC_INI = MIGRATIONS_DIR.parent / "alembic.ini"  # a checkout's (an installed package: none)


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(ALEMBIC_INI)) if ALEMBIC_INI.exists() else Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("rongcuo.url", url.replace("%", "%%"))
    return cfg


@functools.cache
def head_revisions() -> tuple[str, ...]:
    """The head revision(s) of ``migrations/`` (read once per process)."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: sa.Engine) -> tuple[str, ...]:
    with engine.connect() as conn:
        return tuple(MigrationContext.configure(conn).get_current_heads())


def upgrade(engine: sa.Engine, revision: str = "heads") -> None:
    """Migrate the database behind ``engine`` to ``revision`` (default: every head)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def is_up_to_date(engine: sa.Engine) -> bool:
    return set(current_revisions(engine)) == set(head_revisions())
