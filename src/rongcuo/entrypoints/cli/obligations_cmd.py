"""`rongcuo obligations` — the registry of bodies and what is due from them.

``register`` a body (its kinds decide what it owes), ``bodies``, ``list`` the obligations and
the parameters the sources leave blank, ``set NAME=VALUE`` one of them, ``fulfil`` (something
done towards an obligation), ``occurred`` (an occurrence that starts a clock), ``status`` (where
everything stands on a date) and ``sweep`` (record every reminder, overdue mark and escalation
now due — the scheduler runs it too).
"""

from __future__ import annotations

import json

import click

from rongcuo import logging as rlog
from rongcuo.clock import today_cst
from rongcuo.definitions.obligation_files import body_kinds, load_obligations
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.entrypoints.cli.options import app_for, db_option, echo_json, json_option
from rongcuo.entrypoints.cli.parsing import parse_date
from rongcuo.service.supervision import obligations as ob
from rongcuo.service.supervision.status import STATUS_ZH, obligation_status
from rongcuo.service.supervision.sweep import sweep_obligations

MSG_INPUT_SET = message(
    "input.set",
    "应为 名称=取值：{assignment!r}",
    "expected NAME=VALUE: {assignment!r}",
)


@click.group(name="obligations")
def command() -> None:
    """bodies and their obligations (机构登记、应履行事项、提醒与逾期)"""


@command.command("register")
@click.argument("unit_id")
@click.option("--name", required=True)
@click.option("--kind", "kinds", multiple=True, required=True, help="body kind (repeatable)")
@click.option("--parent", default=None)
@click.option("--since", default=None, metavar="DATE",
              help="first day it owes anything (default: today)")
@click.option("--by", "by", required=True, metavar="ACTOR")
@db_option
def register_cmd(unit_id: str, name: str, kinds: tuple[str, ...], parent: str | None,
                 since: str | None, by: str, db: str | None) -> None:
    """Register a body of the registry (keyed by its unit id)."""
    cat = load_obligations()
    with app_for(db) as app:
        on = parse_date(since, "--since") if since else today_cst(app.clock)
        body = ob.register_body(app, cat, ob.RegisterBody(unit_id, name, kinds, on, by, parent),
                                list(body_kinds()))
    click.echo(f"已登记：{body.name}（{body.unit_id}，{'、'.join(body.kinds)}，自 {on}）")


@command.command("bodies")
@db_option
@json_option
def bodies_cmd(db: str | None, as_json: bool) -> None:
    """The registered bodies."""
    with app_for(db, existing=True) as app:
        bodies = ob.list_bodies(app)
    if as_json:
        echo_json([{"unit_id": b.unit_id, "name": b.name, "kinds": list(b.kinds),
                    "parent": b.parent, "since": b.since.isoformat()} for b in bodies])
        return
    for b in bodies:
        click.echo(f"{b.unit_id}\t{b.name}\t{'、'.join(b.kinds)}\t自 {b.since}")


@command.command("list")
@db_option
@json_option
def list_cmd(db: str | None, as_json: bool) -> None:
    """The obligations of the shipped systems and the parameters they read."""
    from rongcuo.domain.obligations.plan import catalogue_parameters

    cat = load_obligations()
    with app_for(db, existing=True) as app:
        params = catalogue_parameters(cat, ob.current_settings(app))
    if as_json:
        echo_json({"obligations": [{"id": o.id, "title_zh": o.title_zh, "article": o.article,
                                    "owners": list(o.owners), "period": o.period,
                                    "min": o.min} for o in cat.obligations],
                   "parameters": params})
        return
    for o in cat.obligations:
        click.echo(f"{o.id}\t{o.title_zh}\t{o.article}")
    for p in params:
        value = p["value"] if p["value"] is not None else "（未设定）"
        click.echo(f"参数 {p['name']} = {value}\t{p['article']}\t{p['note']}")


@command.command("set")
@click.argument("assignment", metavar="NAME=VALUE")
@click.option("--on", "on", default=None, metavar="DATE")
@click.option("--by", "by", required=True, metavar="ACTOR")
@db_option
def set_cmd(assignment: str, on: str | None, by: str, db: str | None) -> None:
    """Set a parameter the source leaves blank (e.g. half_year_report_days=15)."""
    if "=" not in assignment:
        raise InvalidInput.of(
            MSG_INPUT_SET,
            assignment=assignment,
        )
    name, value = assignment.split("=", 1)
    with app_for(db) as app:
        day = parse_date(on) if on else today_cst(app.clock)
        v = ob.set_parameter(app, load_obligations(), ob.SetParameter(name.strip(), value, day,
                                                                      by))
    click.echo(f"已设定：{name.strip()} = {v}（{day}）")


@command.command("fulfil")
@click.argument("unit_id")
@click.argument("obligation")
@click.option("--on", "on", required=True, metavar="DATE")
@click.option("--ref", required=True, help="what was done (文号、轮次名称)")
@click.option("--period", default=None, help="the period it counts for (default: by date)")
@click.option("--by", "by", required=True, metavar="ACTOR")
@db_option
def fulfil_cmd(unit_id: str, obligation: str, on: str, ref: str, period: str | None, by: str,
               db: str | None) -> None:
    """Record something done towards an obligation."""
    rlog.bind(actor=by)
    with app_for(db) as app:
        key = ob.record_fulfilment(app, load_obligations(), ob.RecordFulfilment(
            unit_id, obligation, parse_date(on), ref, by, period))
    click.echo(f"已记录：{unit_id} {obligation}（{key}）")


@command.command("occurred")
@click.argument("unit_id")
@click.argument("obligation")
@click.option("--on", "on", required=True, metavar="DATE")
@click.option("--ref", required=True, help="names the occurrence")
@click.option("--by", "by", required=True, metavar="ACTOR")
@db_option
def occurred_cmd(unit_id: str, obligation: str, on: str, ref: str, by: str,
                 db: str | None) -> None:
    """An occurrence that starts an obligation's clock (a report reviewed: 7 days to file)."""
    with app_for(db) as app:
        row = ob.note_occurrence(app, load_obligations(), ob.NoteOccurrence(
            unit_id, obligation, parse_date(on), ref, by))
    click.echo(f"期限：{row.due.isoformat()}（{ref}）")


@command.command("status")
@click.option("--as-of", "as_of", default=None, metavar="DATE")
@click.option("--unit", default=None)
@db_option
@json_option
def status_cmd(as_of: str | None, unit: str | None, db: str | None, as_json: bool) -> None:
    """Where every body's obligations stand at the end of a day."""
    with app_for(db, existing=True) as app:
        day = parse_date(as_of, "--as-of") if as_of else today_cst(app.clock)
        lines = obligation_status(app, load_obligations(), day, unit)
    if as_json:
        echo_json([x.to_dict() for x in lines])
        return
    for x in lines:
        waiting = f"（待设定：{'、'.join(x.waiting_for)}）" if x.waiting_for else ""
        click.echo(f"{x.body}\t{x.title_zh}\t{x.period}\t期限 {x.due or '—'}\t"
                   f"{STATUS_ZH[x.status]} {x.done}/{x.min}{waiting}\t{x.article}")


@command.command("sweep")
@click.option("--now", "now_text", metavar="DATETIME", help="as of this instant (CST)")
@db_option
@json_option
def sweep_cmd(now_text: str | None, db: str | None, as_json: bool) -> None:
    """Record every obligation notice now due (each once) and print them."""
    from rongcuo.entrypoints.cli.scheduler_cmd import instant

    with app_for(db) as app:
        res = sweep_obligations(app, load_obligations(), instant(app, now_text))
    if as_json:
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False, default=str))
        return
    for n in res.notices:
        click.echo(n["text"])
    click.echo(f"新开期间 {res.opened}，记录通知 {len(res.notices)}", err=True)
