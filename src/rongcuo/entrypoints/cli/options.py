"""Options shared by the CLI's sub-commands, and the service context a command works in."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from rongcuo.bootstrap import bootstrap
from rongcuo.service.context import App

F = TypeVar("F", bound=Callable[..., Any])


def db_option(f: F) -> F:
    """``--db URL`` on a sub-command (the group's ``--db`` is the default)."""
    return click.option(
        "--db",
        "db",
        default=None,
        metavar="URL",
        help="SQLAlchemy URL (default: RONGCUO_DATABASE_URL or the embedded SQLite file).",
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="machine-readable output")(f)


def lang_option(f: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="language of the readable view",
    )(f)


@contextmanager
def app_for(db: str | None, **options: Any) -> Iterator[App]:
    """The service context on ``db`` (or the group's ``--db``), closed when the command ends."""
    ctx = click.get_current_context()
    url = db or (ctx.find_root().meta.get("rongcuo.db"))
    app = bootstrap(url, **options)
    # the archiving step issues the case file (案卷, 历城办法第十四条) once it is committed
    from rongcuo.entrypoints.cli.case_files import on_step_committed

    app.step_hooks.append(on_step_committed)
    try:
        yield app
    finally:
        app.close()


def echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=None, default=str))
