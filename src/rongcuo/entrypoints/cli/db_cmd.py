"""`rongcuo db` — database maintenance: migrate (Alembic revisions in ``migrations/``).

``db upgrade`` also warns when the data folder or an existing SQLite database (with its
``-wal``/``-shm``) is open to other accounts, naming each path and the ``chmod`` that closes
it: rongcuo creates them 0700/0600, but a database made by an older release, or copied in,
may be readable by every local account (the whole record, and what it holds of people).
"""

from __future__ import annotations

import click

from rongcuo.bootstrap import database_revisions, sqlite_path, upgrade_database
from rongcuo.paths import exposed


@click.group(name="db")
def command() -> None:
    """database maintenance (数据库迁移)"""


def warn_exposed(url: str | None) -> int:
    """Print one warning per path other accounts can open (see the module docstring)."""
    found = exposed(sqlite_path(url))
    for path, mode, fix in found:
        click.echo(
            f"警告：{path} 的权限为 {mode:04o}，本机其他账户可以访问（案卷记录及其中的个人信息）；"
            f"请运行：{fix}\n"
            f"warning: {path} has mode {mode:04o}: other local accounts can open it (the "
            f"case record and the personal data in it); run: {fix}",
            err=True,
        )
    return len(found)


@command.command("upgrade")
@click.option("--db", default=None, metavar="URL", help="default: RONGCUO_DATABASE_URL or embedded")
@click.option("--revision", default="heads", show_default=True)
def upgrade_cmd(db: str | None, revision: str) -> None:
    """Migrate the database to the latest revision (safe to run again).  Warns about a data
    folder or SQLite database that other accounts can read, with the chmod that fixes it."""
    warn_exposed(db)  # before anything is created: only what existed is reported
    before, after = upgrade_database(db, revision)
    click.echo(f"{','.join(before) or '(empty)'} -> {','.join(after)}")


@command.command("current")
@click.option("--db", default=None, metavar="URL")
def current_cmd(db: str | None) -> None:
    """Print the database's revision and whether it is up to date."""
    cur, heads = database_revisions(db)
    state = "up to date" if set(cur) == set(heads) else f"behind (head: {','.join(heads)})"
    click.echo(f"{','.join(cur) or '(empty)'} — {state}")
