"""`rongcuo case` — open cases, record steps on the date they happened, see where cases stand.

Refusals are :class:`~rongcuo.domain.errors.DomainError` subclasses; the CLI root prints them
(what, why, which article, what is allowed instead) and exits non-zero.  Nothing is written by a
refused command.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from rongcuo import logging as rlog
from rongcuo.bootstrap import App, bootstrap
from rongcuo.service import handlers, views

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


def app_for(db: str | None) -> App:
    ctx = click.get_current_context()
    url = db or (ctx.find_root().meta.get("rongcuo.db"))
    return bootstrap(url)


def echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=None, default=str))


@click.group(name="case")
@click.option(
    "--db", "group_db", default=None, metavar="URL", help="database URL for all sub-commands"
)
@click.pass_context
def command(ctx: click.Context, group_db: str | None) -> None:
    """open cases and record steps (开案、记录办理步骤、查看期限)"""
    if group_db:
        ctx.find_root().meta["rongcuo.db"] = group_db


@command.command("open")
@click.option("--workflow", required=True, help="definition id, e.g. licheng")
@click.option("--subject", required=True, help="容错纠错对象 (officer or agency examined)")
@click.option("--agency", required=True, help="行政执法机关")
@click.option("--on", "on", required=True, metavar="DATE", help="business date (YYYY-MM-DD, CST)")
@click.option("--by", "by", required=True, metavar="ACTOR", help="who records the step")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="step data")
@click.option("--idempotency-key", default=None, help="a retry with the same key is applied once")
@db_option
@json_option
def open_cmd(
    workflow: str,
    subject: str,
    agency: str,
    on: str,
    by: str,
    sets: tuple[str, ...],
    idempotency_key: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Open a case; prints its id as the last line (历城办法第十三条)."""
    rlog.bind(actor=by)
    app = app_for(db)
    try:
        r = handlers.open_case(
            app,
            workflow_id=workflow,
            subject=subject,
            agency=agency,
            on=views.parse_date(on),
            actor=by,
            data=views.parse_sets(sets),
            idempotency_key=idempotency_key,
        )
    finally:
        app.close()
    if as_json:
        echo_json({**r.to_json(), "replayed": r.replayed})
        return
    # the summary goes to stderr so that C=$(rongcuo case open …) captures just the id
    note = "（重复提交，未重复记录）" if r.replayed else ""
    click.echo(f"已立卷：{r.number}（状态 {r.state}）{note}", err=True)
    click.echo(r.case_id)


@command.command("fire")
@click.argument("case")
@click.argument("trigger")
@click.option("--on", "on", required=True, metavar="DATE", help="business date (YYYY-MM-DD, CST)")
@click.option("--by", "by", required=True, metavar="ACTOR")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE")
@click.option("--idempotency-key", default=None)
@db_option
@json_option
@lang_option
def fire_cmd(
    case: str,
    trigger: str,
    on: str,
    by: str,
    sets: tuple[str, ...],
    idempotency_key: str | None,
    db: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Record step TRIGGER on CASE (id or number) on the date it happened."""
    rlog.bind(actor=by)
    app = app_for(db)
    try:
        r = handlers.fire(
            app,
            case,
            trigger,
            on=views.parse_date(on),
            actor=by,
            data=views.parse_sets(sets),
            idempotency_key=idempotency_key,
        )
        if as_json:
            echo_json({**r.to_json(), "replayed": r.replayed})
            return
        rec = app.store.load_case(r.case_id)
        note = (
            ("（重复提交，未重复记录）" if lang == "zh" else " (retry: not recorded twice)")
            if r.replayed
            else ""
        )
        click.echo(
            
                f"已记录：{trigger}，日期 {on}{note}"
                if lang == "zh"
                else f"recorded: {trigger} on {on}{note}"
            
        )
        click.echo(views.show_text(app, rec, lang))
    finally:
        app.close()


@command.command("show")
@click.argument("case")
@db_option
@json_option
@lang_option
def show_cmd(case: str, db: str | None, as_json: bool, lang: str) -> None:
    """Where CASE stands: state, deadlines, steps, what may be done next."""
    app = app_for(db)
    try:
        rec = app.store.load_case(case)
        if as_json:
            echo_json(views.case_json(app, rec))
        else:
            click.echo(views.show_text(app, rec, lang))
    finally:
        app.close()


@command.command("list")
@click.option("--workflow", default=None)
@click.option("--state", default=None)
@click.option(
    "--due-before",
    default=None,
    metavar="DATE",
    help="cases with a running deadline due strictly before DATE",
)
@click.option("--overdue", is_flag=True, help="cases with a deadline overdue as of --as-of")
@click.option(
    "--as-of", default=None, metavar="DATE", help="the date for --overdue (default: today CST)"
)
@db_option
@json_option
@lang_option
def list_cmd(
    workflow: str | None,
    state: str | None,
    due_before: str | None,
    overdue: bool,
    as_of: str | None,
    db: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Cases by workflow, state, what is due, what is overdue."""
    from rongcuo.clock import today_cst

    # a date option given, even empty, must be a date: an unset shell variable
    # (--due-before "$D") must not silently mean "no filter"
    due = views.parse_date(due_before, "--due-before") if due_before is not None else None
    given_as_of = views.parse_date(as_of, "--as-of") if as_of is not None else None
    app = app_for(db)
    try:
        overdue_as_of = None
        if overdue:
            overdue_as_of = given_as_of or today_cst(app.clock)
        cases = app.store.list_cases(
            workflow_id=workflow,
            state=state,
            due_before=due,
            overdue_as_of=overdue_as_of,
        )
        if as_json:
            echo_json([views.case_json(app, c, with_events=False) for c in cases])
        else:
            click.echo(views.list_text(app, cases, lang))
    finally:
        app.close()


@command.command("history")
@click.argument("case")
@db_option
@json_option
@lang_option
def history_cmd(case: str, db: str | None, as_json: bool, lang: str) -> None:
    """The timeline of CASE with the article behind each step."""
    app = app_for(db)
    try:
        rec = app.store.load_case(case)
        if as_json:
            echo_json([views.event_json(e) for e in app.store.case_events(rec.id)])
        else:
            click.echo(views.history_text(app, rec, lang))
    finally:
        app.close()
