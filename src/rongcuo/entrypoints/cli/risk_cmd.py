"""`rongcuo risk` — classify cases and record the risk points found (易错风险点).

``classify CASE --category C --field F`` by the vocabulary of the case's procedure
(``workflows/<jurisdiction>/vocabulary/``); ``vocabulary [WORKFLOW]`` shows the choices;
``record`` a body-level risk point (the risk point, its root cause, the warning and whom it
went to) linking the cases it drew on (历城办法第二十一条).  The counts and clusters are
``rongcuo report risk-points``.
"""

from __future__ import annotations

import click

from rongcuo.definitions.vocabularies import load_vocabularies
from rongcuo.domain.risk import RiskPoint
from rongcuo.entrypoints.cli.options import app_for, db_option, echo_json, json_option
from rongcuo.entrypoints.cli.parsing import parse_date
from rongcuo.service.supervision import risk


@click.group(name="risk")
def command() -> None:
    """case classification and risk points (问题分类、易错风险点)"""


@command.command("classify")
@click.argument("case")
@click.option("--category", required=True, help="problem category id (同一类问题)")
@click.option("--field", "field_", required=True, help="field id (同一领域)")
@click.option("--on", "on", required=True, metavar="DATE")
@click.option("--by", "by", required=True, metavar="ACTOR")
@click.option("--note", default="")
@db_option
def classify_cmd(case: str, category: str, field_: str, on: str, by: str, note: str,
                 db: str | None) -> None:
    """Classify a case (a later classification replaces it; both are kept)."""
    with app_for(db) as app:
        case_id = risk.classify_case(app, load_vocabularies(), risk.ClassifyCase(
            case, category, field_, parse_date(on), by, note))
    click.echo(f"已分类：{case_id} {category} / {field_}")


@command.command("vocabulary")
@click.argument("workflow", required=False)
@json_option
def vocabulary_cmd(workflow: str | None, as_json: bool) -> None:
    """The categories and fields a procedure's cases are classified by."""
    vocabs = load_vocabularies()
    chosen = {w: v for w, v in vocabs.items() if workflow in (None, w)}
    if as_json:
        echo_json({w: {"vocabulary": v.id, "title": v.title,
                       "categories": [t.__dict__ for t in v.categories],
                       "fields": [t.__dict__ for t in v.fields]} for w, v in chosen.items()})
        return
    for w, v in chosen.items():
        click.echo(f"{w}: {v.title}（{v.id}）")
        click.echo("  问题类别：" + "、".join(f"{t.id}={t.label_zh}" for t in v.categories))
        click.echo("  领域：" + "、".join(f"{t.id}={t.label_zh}" for t in v.fields))


@command.command("record")
@click.option("--body", required=True, help="the body's unit id")
@click.option("--on", "on", required=True, metavar="DATE")
@click.option("--from", "start", required=True, metavar="DATE", help="analysis window start")
@click.option("--to", "end", required=True, metavar="DATE", help="analysis window end")
@click.option("--risk-point", required=True, help="易错风险点")
@click.option("--root-cause", required=True, help="问题症结")
@click.option("--warning", required=True, help="警示提醒")
@click.option("--recipient", "recipients", multiple=True, required=True,
              help="whom the warning went to (repeatable)")
@click.option("--case", "cases", multiple=True, required=True, help="a case it drew on")
@click.option("--category", default=None)
@click.option("--field", "field_", default=None)
@click.option("--article", default="历城办法第二十一条")
@click.option("--supersedes", type=int, default=None, help="the record this one corrects")
@click.option("--by", "by", required=True, metavar="ACTOR")
@db_option
def record_cmd(body: str, on: str, start: str, end: str, risk_point: str, root_cause: str,
               warning: str, recipients: tuple[str, ...], cases: tuple[str, ...],
               category: str | None, field_: str | None, article: str,
               supersedes: int | None, by: str, db: str | None) -> None:
    """Record a risk point found, linking the cases it drew on."""
    rp = RiskPoint(body, parse_date(on), parse_date(start, "--from"), parse_date(end, "--to"),
                   risk_point, root_cause, warning, recipients, cases, article, category,
                   field_, supersedes)
    with app_for(db) as app:
        n = risk.record_risk_point(app, rp, by)
    click.echo(f"已记录风险点 {n}")
