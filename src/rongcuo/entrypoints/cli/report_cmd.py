"""`rongcuo report` — the statistics, risk-point and tolerance reports, as text, JSON or xlsx.

* ``statistics --year Y [--unit U]`` — the data of the 行政执法统计年报 (蒲县统计制度第二条);
* ``risk-points --from D --to D`` — 易错风险点 (历城办法第二十一条 and its siblings);
* ``tolerance --period P`` — the periodic report to the government (历城办法第十九条); ``P`` is
  a year (2026), a half-year (2026-H1), a quarter (2026-Q2), a month (2026-05) or ``D..D``.

``--format xlsx`` writes a workbook (``--output FILE``, default a name of the report) with the
charts embedded; ``--charts DIR`` also writes each chart as PNG or SVG.  Every format reads the
same read model (:mod:`rongcuo.service.supervision.report_model`).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.obligations import parse_period
from rongcuo.domain.risk import ClusterPolicy
from rongcuo.entrypoints.cli.options import app_for, db_option
from rongcuo.entrypoints.cli.parsing import parse_date
from rongcuo.service.supervision import render, reports, risk
from rongcuo.service.supervision.report_model import Report

MSG_INPUT_PERIOD = message(
    "input.period",
    "--period 不是有效的期间：{text!r}（如 2026、2026-H1、2026-Q2、2026-05 或 "
    "2026-01-01..2026-06-30）",
    "--period is not a period: {text!r} (e.g. 2026, 2026-H1, 2026-Q2, 2026-05 or "
    "2026-01-01..2026-06-30)",
)

MSG_INPUT_PERIOD_REPORT = message(
    "input.period/report",
    "--from {start} 晚于 --to {end}",
    "--from {start} is after --to {end}",
)

MSG_INPUT_PERIOD_REPORT2 = message(
    "input.period/report2",
    "--period 的开始日期 {a} 晚于结束日期 {b}",
    "--period starts on {a}, after its end {b}",
)

FORMATS = click.Choice(["text", "json", "xlsx"])


@click.group(name="report")
def command() -> None:
    """statistics, risk points and periodic reports (统计年报、易错风险点、定期报告)"""


def _text(report: Report) -> str:
    lines = [report.title_zh, ""]
    lines += [f"  {label}：{value}" for _, label, value in report.figures]
    for t in report.tables:
        lines += ["", f"【{t.title_zh}】", "  " + " | ".join(t.columns)]
        lines += ["  " + " | ".join(str(x) for x in r) for r in t.rows] or ["  （无）"]
        if t.note:
            lines.append(f"  注：{t.note}")
    lines += ["", *report.notes]
    return "\n".join(lines)


def _emit(report: Report, fmt: str, output: str | None, default_name: str,
          charts: str | None, chart_format: str) -> None:
    if charts:
        folder = Path(charts)
        folder.mkdir(parents=True, exist_ok=True)
        for c in report.charts:
            path = folder / f"{default_name}-{c.key}.{chart_format}"
            path.write_bytes(render.chart_file(report, c.key, chart_format))
            click.echo(f"图表：{path}", err=True)
    if fmt == "json":
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
    elif fmt == "xlsx":
        path = Path(output or f"{default_name}.xlsx")
        path.write_bytes(render.workbook(report))
        click.echo(f"已生成：{path}", err=True)
        click.echo(str(path))
    else:
        click.echo(_text(report))


def _output_options(f: click.decorators.FC) -> click.decorators.FC:
    f = click.option("--chart-format", type=click.Choice(["png", "svg"]), default="png",
                     show_default=True)(f)
    f = click.option("--charts", metavar="DIR", default=None,
                     help="also write each chart to DIR")(f)
    f = click.option("--output", "-o", metavar="FILE", default=None)(f)
    f = click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)(f)
    return db_option(f)


@command.command("statistics")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--unit", default=None, help="one agency (as the cases name it)")
@_output_options
def statistics_cmd(year: int, unit: str | None, fmt: str, output: str | None,
                   charts: str | None, chart_format: str, db: str | None) -> None:
    """The year's enforcement statistics (蒲县统计制度第二条), counted from the event log."""
    with app_for(db, existing=True) as app:
        report = reports.annual_statistics(app, year, unit)
    _emit(report, fmt, output, f"statistics-{year}" + (f"-{unit}" if unit else ""), charts,
          chart_format)


def period_window(text: str) -> tuple[date, date]:
    """``2026``, ``2026-H1``, ``2026-Q2``, ``2026-05`` or ``2026-01-01..2026-06-30``."""
    if ".." in text:
        a, b = text.split("..", 1)
        start, end = parse_date(a, "--period"), parse_date(b, "--period")
        if start > end:
            raise InvalidInput.of(
                MSG_INPUT_PERIOD_REPORT2,
                a=a,
                b=b,
            )
        return start, end
    for kind in ("year", "half_year", "quarter", "month"):
        p = parse_period(kind, text)
        if p is not None:
            return p.start, p.end
    raise InvalidInput.of(
        MSG_INPUT_PERIOD,
        text=text,
    )


@command.command("tolerance")
@click.option("--period", required=True, help="2026, 2026-H1, 2026-Q2, 2026-05 or D..D")
@click.option("--workflow", default=None, help="one procedure (default: every tolerance one)")
@_output_options
def tolerance_cmd(period: str, workflow: str | None, fmt: str, output: str | None,
                  charts: str | None, chart_format: str, db: str | None) -> None:
    """The periodic report on fault-tolerance work (历城办法第十九条)."""
    start, end = period_window(period)
    with app_for(db, existing=True) as app:
        report = reports.tolerance_report(app, start, end, period, workflow)
    _emit(report, fmt, output, f"tolerance-{period.replace('..', '_')}", charts, chart_format)


@command.command("risk-points")
@click.option("--from", "start", required=True, metavar="DATE")
@click.option("--to", "end", required=True, metavar="DATE")
@click.option("--min-cases", type=click.IntRange(min=1), default=ClusterPolicy().min_cases,
              show_default=True, help="policy: fewest cases for a cluster")
@click.option("--factor", type=click.FloatRange(min=1.0), default=ClusterPolicy().factor,
              show_default=True, help="policy: times an even spread for a cluster")
@_output_options
def risk_points_cmd(start: str, end: str, min_cases: int, factor: float, fmt: str,
                    output: str | None, charts: str | None, chart_format: str,
                    db: str | None) -> None:
    """Recurring and concentrated problems, and the risk points recorded (历城办法第二十一条)."""
    from rongcuo.definitions.vocabularies import load_vocabularies

    a, b = parse_date(start, "--from"), parse_date(end, "--to")
    if a > b:
        raise InvalidInput.of(
            MSG_INPUT_PERIOD_REPORT,
            start=start,
            end=end,
        )
    with app_for(db, existing=True) as app:
        report = risk.risk_points_report(app, load_vocabularies(), a, b,
                                         ClusterPolicy(min_cases=min_cases, factor=factor))
    _emit(report, fmt, output, f"risk-points-{a.isoformat()}_{b.isoformat()}", charts,
          chart_format)
