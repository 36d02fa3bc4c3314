"""`rongcuo case` — open cases, record steps on the date they happened, see where cases stand.

Refusals are :class:`~rongcuo.domain.errors.RongcuoError` subclasses; the CLI root prints them
(what, why, which article, what is allowed instead) and exits non-zero.  Nothing is written by a
refused command.  The commands build service-layer commands and render its read models; they
never touch the store.
"""

from __future__ import annotations

import click

from rongcuo.clock import today_cst
from rongcuo.entrypoints.cli.acting import acting, as_option, by_option, one_actor
from rongcuo.entrypoints.cli.options import app_for, db_option, echo_json, json_option, lang_option
from rongcuo.entrypoints.cli.parsing import parse_date, parse_sets
from rongcuo.entrypoints.cli.render import history_text, list_text, show_text
from rongcuo.service import handlers, queries
from rongcuo.service.commands import FireStep, OpenCase, RevealReporter


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
@by_option
@as_option
@click.option("--unit", "unit_id", default=None, metavar="ID",
              help="the unit that handles the case (default: the --as user's; else default)")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="step data")
@click.option("--idempotency-key", default=None, help="a retry with the same key is applied once")
@db_option
@json_option
def open_cmd(
    workflow: str,
    subject: str,
    agency: str,
    on: str,
    by: str | None,
    as_login: str | None,
    unit_id: str | None,
    sets: tuple[str, ...],
    idempotency_key: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Open a case; prints its id as the last line (历城办法第十三条)."""
    one_actor(by, as_login)
    with app_for(db) as app:
        principal = acting(app, by, as_login)
        cmd = OpenCase(workflow_id=workflow, subject=subject, agency=agency,
                       on=parse_date(on), actor=principal.actor, data=parse_sets(sets),
                       idempotency_key=idempotency_key, principal=principal, unit_id=unit_id)
        r = handlers.open_case(app, cmd)
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
@by_option
@as_option
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE")
@click.option("--idempotency-key", default=None)
@click.option("--expect-version", "expect_version", type=int, default=None, metavar="N",
              help="refuse (exit 4, nothing written) unless the case is at version N "
                   "(the `version` of `case show --json`)")
@click.option("--reporter", default=None, metavar="IDENTITY",
              help="a report step: the reporter's identity (信访举报人), kept encrypted apart "
                   "from the record, never printed or logged; '-' reads it from stdin")
@db_option
@json_option
@lang_option
def fire_cmd(
    case: str,
    trigger: str,
    on: str,
    by: str | None,
    as_login: str | None,
    sets: tuple[str, ...],
    idempotency_key: str | None,
    expect_version: int | None,
    reporter: str | None,
    db: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Record step TRIGGER on CASE (id or number) on the date it happened.

    TRIGGER is the step's code or its Chinese label (file or 立案); enum values likewise
    (outcome=exempted or outcome=容错免责).  What each step needs — every field with its
    Chinese label, type, required mark and allowed values — is listed by
    `rongcuo workflows show WORKFLOW --trigger TRIGGER`."""
    one_actor(by, as_login)
    if reporter == "-":
        reporter = click.get_text_stream("stdin").readline().strip()
    with app_for(db) as app:
        principal = acting(app, by, as_login)
        cmd = FireStep(case_ref=case, trigger=trigger, on=parse_date(on),
                       actor=principal.actor, data=parse_sets(sets),
                       idempotency_key=idempotency_key, expected_version=expect_version,
                       reporter=reporter, principal=principal)
        r = handlers.fire(app, cmd)
        if as_json:
            echo_json({**r.to_json(), "replayed": r.replayed})
            return
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
        click.echo(show_text(queries.view_after_write(app, r), lang))


@command.command("show")
@click.argument("case")
@db_option
@json_option
@lang_option
def show_cmd(case: str, db: str | None, as_json: bool, lang: str) -> None:
    """Where CASE stands: state, deadlines, steps, what may be done next."""
    with app_for(db, existing=True) as app:
        view = queries.case_view(app, case)
        if as_json:
            echo_json(queries.case_document(view))
        else:
            click.echo(show_text(view, lang))


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
@click.option("--withdrawn", is_flag=True,
              help="only the cases withdrawn as opened by mistake (left out otherwise)")
@db_option
@json_option
@lang_option
def list_cmd(
    workflow: str | None,
    state: str | None,
    due_before: str | None,
    overdue: bool,
    as_of: str | None,
    withdrawn: bool,
    db: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Cases by workflow, state, what is due, what is overdue."""
    # a date option given, even empty, must be a date: an unset shell variable
    # (--due-before "$D") must not silently mean "no filter"
    due = parse_date(due_before, "--due-before") if due_before is not None else None
    given_as_of = parse_date(as_of, "--as-of") if as_of is not None else None
    with app_for(db, existing=True) as app:
        overdue_as_of = (given_as_of or today_cst(app.clock)) if overdue else None
        views = queries.list_cases(app, queries.CaseFilter(
            workflow_id=workflow, state=state, due_before=due, overdue_as_of=overdue_as_of,
            withdrawn=withdrawn))
        if as_json:
            echo_json([queries.case_document(v, with_events=False) for v in views])
        else:
            click.echo(list_text(views, lang))


@command.command("history")
@click.argument("case")
@db_option
@json_option
@lang_option
def history_cmd(case: str, db: str | None, as_json: bool, lang: str) -> None:
    """The timeline of CASE with the article behind each step."""
    with app_for(db, existing=True) as app:
        view = queries.case_view(app, case)
        if as_json:
            echo_json(queries.events_json(view.events or ()))
        else:
            click.echo(history_text(view, lang))


@command.command("reporter")
@click.argument("case")
@click.argument("report_id")
@click.option("--reveal", is_flag=True, required=True,
              help="decrypt and print the reporter's identity; the reading is recorded as an "
                   "event of the case (who, when, which report, why)")
@click.option("--reason", required=True, help="why the identity is read (recorded)")
@by_option
@as_option
@db_option
@lang_option
def reporter_cmd(case: str, report_id: str, reveal: bool, reason: str, by: str | None,
                 as_login: str | None, db: str | None, lang: str) -> None:
    """The identity of the reporter of REPORT_ID on CASE (``--reveal``): the operator
    (``--by``), or ``--as`` a user with the ``reports`` role in the case's unit."""
    if not reveal:  # pragma: no cover - click requires the flag
        raise click.UsageError("--reveal is required")
    one_actor(by, as_login)
    with app_for(db) as app:
        who = acting(app, by, as_login)
        identity = handlers.reveal_reporter(app, RevealReporter(
            case_ref=case, report_id=report_id, actor=who.actor, reason=reason,
            principal=who))
    click.echo("已记录本次查看" if lang == "zh" else "this reading is recorded", err=True)
    click.echo(identity)


from rongcuo.entrypoints.cli import correct_cmd as _correct  # noqa: E402  (adds to the group)

_correct.register(command)
