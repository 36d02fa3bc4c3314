"""`rongcuo db` — database maintenance: migrate (Alembic revisions in ``migrations/``)."""

from __future__ import annotations

import click

from rongcuo.adapters.db import migrate
from rongcuo.adapters.db.engine import make_engine, normalise_url
from rongcuo.paths import default_database_url


def _engine(db: str | None):  # type: ignore[no-untyped-def]
    return make_engine(normalise_url(db or default_database_url()))


@click.group(name="db")
def command() -> None:
    """database maintenance (数据库迁移)"""


@command.command("upgrade")
@click.option("--db", default=None, metavar="URL", help="default: RONGCUO_DATABASE_URL or embedded")
@click.option("--revision", default="heads", show_default=True)
def upgrade_cmd(db: str | None, revision: str) -> None:
    """Migrate the database to the latest revision (safe to run again)."""
    engine = _engine(db)
    try:
        before = migrate.current_revisions(engine)
        migrate.upgrade(engine, revision)
        after = migrate.current_revisions(engine)
    finally:
        engine.dispose()
    click.echo(f"{','.join(before) or '(empty)'} -> {','.join(after)}")


@command.command("current")
@click.option("--db", default=None, metavar="URL")
def current_cmd(db: str | None) -> None:
    """Print the database's revision and whether it is up to date."""
    engine = _engine(db)
    try:
        cur = migrate.current_revisions(engine)
        heads = migrate.head_revisions()
    finally:
        engine.dispose()
    state = "up to date" if set(cur) == set(heads) else f"behind (head: {','.join(heads)})"
    click.echo(f"{','.join(cur) or '(empty)'} — {state}")
