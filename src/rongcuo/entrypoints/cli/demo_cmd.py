"""`rongcuo demo` — the README's main job: open a sample Licheng case, walk it through several
steps with the business dates passed in (around National Day 2025), and show it.  Every step
goes through the same handlers as ``rongcuo case``.

The demo writes into a database of its own — ``$RONGCUO_HOME/demo.sqlite3``, emptied at each
run unless ``--keep`` — never into the operator's (the default file or
``RONGCUO_DATABASE_URL``): a fictitious case must not take a real case number, be swept and
escalated like a real one, or trip the repeated-mistake rule on a second run.  ``--db URL``
names another database explicitly (then nothing is emptied).  It says where it wrote."""

from __future__ import annotations

from datetime import date

import click

from rongcuo.bootstrap import demo_database
from rongcuo.entrypoints.cli.options import app_for
from rongcuo.entrypoints.cli.render import show_text
from rongcuo.service import handlers, queries
from rongcuo.service.commands import FireStep, OpenCase

# (trigger, business date, data) — Licheng articles 13, 14, 16, 17 (see docs/store.md).
STEPS: tuple[tuple[str, date, dict[str, str]], ...] = (
    ("file", date(2025, 9, 29), {}),
    ("assign_investigator", date(2025, 9, 30), {"investigator": "李明"}),
    ("assign_investigator", date(2025, 9, 30), {"investigator": "赵芳"}),
    ("start_verification", date(2025, 10, 9), {}),
    ("hear_statement", date(2025, 10, 15), {}),
    (
        "determine",
        date(2025, 10, 24),
        {"outcome": "exempted", "items": "10.2", "correction_required": "true"},
    ),
)


@click.command(name="demo")
@click.option("--db", default=None, metavar="URL",
              help="default: the demo's own file $RONGCUO_HOME/demo.sqlite3 (emptied each run)")
@click.option("--keep", is_flag=True,
              help="keep the demo file's earlier cases (default: start from an empty one)")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def command(db: str | None, keep: bool, lang: str) -> None:
    """walk through a sample Licheng case (历城办法) in a demo database and show it"""
    where = db if db else str(demo_database(reset=not keep))
    click.echo(f"演示数据库 demo database: {where}")
    with app_for(where) as app:
        # a database that already holds the sample's exemption would refuse the same matter
        # again (历城办法第十二条第（五）项, repeated mistake): each kept run has its own matter
        earlier = len(queries.list_cases(app, queries.CaseFilter(workflow_id="licheng")))
        matter = "超期作出行政处罚决定" + (f"（演示第{earlier + 1}次）" if earlier else "")
        opened = handlers.open_case(app, OpenCase(
            workflow_id="licheng",
            subject="张某（历城区市场监管局执法人员）",
            agency="历城区市场监督管理局",
            on=date(2025, 9, 26),
            actor="区司法局执法监督科",
            data={"matter": matter, "source": "supervision_case"},
        ))
        click.echo(f"opened {opened.number} ({opened.case_id}) on 2025-09-26")
        for trigger, on, data in STEPS:
            r = handlers.fire(app, FireStep(opened.case_id, trigger, on=on,
                                            actor="区司法局执法监督科", data=data))
            click.echo(f"  {on}  {trigger:<22} -> {r.state}")
        click.echo("")
        click.echo(show_text(queries.case_view(app, opened.case_id), lang))
        click.echo("")
        db_arg = f" --db {where}"
        click.echo(f"rongcuo case show {opened.case_id}{db_arg} --json   # the same case, as JSON")
        click.echo(f"演示数据写入 {where}，未改动您的数据库 / the demo wrote to {where}, "
                   "not to your database")
