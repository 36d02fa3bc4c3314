"""`rongcuo demo` — the README's main job: open a sample Licheng case in the embedded database
(or ``--db``), walk it through several steps with the business dates passed in (around National
Day 2025), and show it.  Every step goes through the same handlers as ``rongcuo case``."""

from __future__ import annotations

from datetime import date

import click

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
@click.option("--db", default=None, metavar="URL", help="default: the embedded SQLite database")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def command(db: str | None, lang: str) -> None:
    """walk through a sample Licheng case (历城办法) and show it"""
    with app_for(db) as app:
        opened = handlers.open_case(app, OpenCase(
            workflow_id="licheng",
            subject="张某（历城区市场监管局执法人员）",
            agency="历城区市场监督管理局",
            on=date(2025, 9, 26),
            actor="区司法局执法监督科",
            data={"matter": "超期作出行政处罚决定", "source": "supervision_case"},
        ))
        click.echo(f"opened {opened.number} ({opened.case_id}) on 2025-09-26")
        for trigger, on, data in STEPS:
            r = handlers.fire(app, FireStep(opened.case_id, trigger, on=on,
                                            actor="区司法局执法监督科", data=data))
            click.echo(f"  {on}  {trigger:<22} -> {r.state}")
        click.echo("")
        click.echo(show_text(queries.case_view(app, opened.case_id), lang))
        click.echo("")
        click.echo(f"rongcuo case show {opened.case_id} --json   # the same case, as JSON")
