"""`rongcuo calendar` — the legal clock (法定期间计算) for case workers.

Sub-commands: ``due``, ``show``, ``is-workday``, ``import``, ``years``.  Bad input raises
:class:`~rongcuo.domain.errors.InvalidInput` / ``CalendarError``; the root group turns it into a
bilingual message and exit code 3.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import click

from rongcuo import logging as rlog
from rongcuo import paths
from rongcuo.calendars import import_calendar_file, load_calendar
from rongcuo.domain.calendar import WorkCalendar, statutory_holidays
from rongcuo.domain.case import Pause
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.periods import PeriodRule, compute_due
from rongcuo.domain.strict import date_problem, iso_date, whole_number

MSG_INPUT_BAD_DATE = message(
    "input.bad_date",
    "{what_zh}“{text}”不是有效日期（应为 YYYY-MM-DD 的真实日期）：{zh}",
    "{what_en} '{text}' is not a valid date (expected a real date as YYYY-MM-DD): {en}",
)

MSG_PERIOD_NEGATIVE_DAYS_CALENDAR = message(
    "period.negative_days/calendar",
    "{what_zh}不能为负数（收到 {value}）",
    "{what_en} must not be negative (got {value})",
)

MSG_PAUSE_SYNTAX = message(
    "pause.syntax",
    "中止区间“{text}”应写作 FROM:TO（如 2025-03-01:2025-03-10）",
    "pause '{text}' must be written FROM:TO (e.g. 2025-03-01:2025-03-10)",
)


MSG_INPUT_BAD_NUMBER = message(
    "input.bad_number",
    "{what_zh}“{text}”不是整数",
    "{what_en} '{text}' is not an integer",
)

PROVISIONAL_MARK = "暂定"
IMPORT_ACTOR = "system:calendar-import"


def _parse_date(text: str, what_zh: str, what_en: str) -> date:
    try:
        return iso_date(text)
    except ValueError:
        zh, en = date_problem(text)
        raise InvalidInput.of(
            MSG_INPUT_BAD_DATE,
            what_zh=what_zh,
            text=text,
            zh=zh,
            what_en=what_en,
            en=en,
        ) from None


def _parse_int(text: str, what_zh: str, what_en: str) -> int:
    try:
        value = whole_number(text)
    except ValueError:
        raise InvalidInput.of(
            MSG_INPUT_BAD_NUMBER,
            what_zh=what_zh,
            text=text,
            what_en=what_en,
        ) from None
    if value < 0:
        raise InvalidInput.of(
            MSG_PERIOD_NEGATIVE_DAYS_CALENDAR,
            what_zh=what_zh,
            value=value,
            what_en=what_en,
        )
    return value


def _parse_pause(text: str) -> Pause:
    if text.count(":") != 1:
        raise InvalidInput.of(
            MSG_PAUSE_SYNTAX,
            text=text,
        )
    a, b = text.split(":")
    return Pause(
        _parse_date(a, "中止开始日", "pause start"), _parse_date(b, "中止结束日", "pause end")
    )


@click.group(name="calendar")
def command() -> None:
    """the legal clock (法定期间计算): due dates, working days, calendar files"""


@command.command(
    "due",
    context_settings={"ignore_unknown_options": True},  # so "N = -3" reaches our own check
)
@click.argument("start")
@click.argument("n")
@click.option(
    "--unit",
    type=click.Choice(["working", "calendar"]),
    required=True,
    help="working = 工作日, calendar = 自然日",
)
@click.option(
    "--pause",
    "pauses",
    multiple=True,
    metavar="FROM:TO",
    help="inclusive interval not counted (e.g. appraisal time); repeatable",
)
@click.option("--extend", "extend", default="0", metavar="DAYS", help="days added (an extension)")
@click.option(
    "--extension-from",
    type=click.Choice(["original_last", "rolled_due"]),
    default="original_last",
    show_default=True,
    help="count an extension from the un-rolled last day or from the rolled due date",
)
@click.option("--max-extension", type=int, default=None, help="refuse extensions above DAYS")
@click.option("--no-rollover", is_flag=True, help="do not apply Civil Code art. 203")
@click.option("--json", "as_json", is_flag=True, help="print JSON {due, provisional, basis}")
@click.option("--explain", is_flag=True, help="print how the date was counted")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def due_cmd(
    start: str,
    n: str,
    unit: str,
    pauses: tuple[str, ...],
    extend: str,
    extension_from: str,
    max_extension: int | None,
    no_rollover: bool,
    as_json: bool,
    explain: bool,
    lang: str,
) -> None:
    """Due date of a period of N days from START (the start day is not counted).

    The last line is the due date as YYYY-MM-DD, followed by " 暂定" when provisional.
    """
    start_d = _parse_date(start, "起算日", "START")
    days = _parse_int(n, "期间天数 N", "N")
    ext = _parse_int(extend, "延长天数", "--extend")
    rule = PeriodRule(
        unit=unit,  # type: ignore[arg-type]  # click.Choice guarantees the literal
        days=days,
        rollover=not no_rollover,
        extension_from=extension_from,  # type: ignore[arg-type]
        max_extension_days=max_extension,
    )
    cal = load_calendar()
    result = compute_due(
        start_d, rule, cal, pauses=[_parse_pause(p) for p in pauses], extension_days=ext
    )
    rlog.get_logger().info(
        "calendar.due", start=start_d.isoformat(), due=result.due.isoformat(), unit=unit, n=days
    )
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True))
        return
    if explain:
        click.echo(result.explain(lang))
    click.echo(result.due.isoformat() + (f" {PROVISIONAL_MARK}" if result.provisional else ""))


def _year_listing(cal: WorkCalendar, year: int) -> dict[str, Any]:
    cy = cal.year(year)
    if cy is not None:
        out = cy.to_dict()
        out["provisional"] = False
        out["file"] = cy.filename
        return out
    names = statutory_holidays(year)
    return {
        "year": year,
        "provisional": True,
        "source": None,
        "rule": "《全国年节及纪念日放假办法》（2024年修订）第二条 / National Holidays Measures "
        "(2024 revision) art. 2",
        "rest_days": [{"date": d.isoformat(), "holiday": names[d]} for d in sorted(names)],
        "workdays": [],
    }


@command.command("show")
@click.argument("year", type=int)
@click.option("--json", "as_json", is_flag=True)
def show_cmd(year: int, as_json: bool) -> None:
    """The rest days and adjusted working days of YEAR, with their source."""
    cal = load_calendar()
    info = _year_listing(cal, year)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, sort_keys=True))
        return
    if info["provisional"]:
        click.echo(f"{year}年 {PROVISIONAL_MARK}：尚无日历文件 / no calendar file for {year}")
        click.echo(f"依据 / basis: {info['rule']}")
        click.echo("只列法定节日，不推测调休 / statutory holidays only, no swapped days guessed")
    else:
        s = info["source"]
        click.echo(f"{year}年 来源 / source: {s['title']}")
        click.echo(f"文号 / number: {s['number'] or '未确认 / not confirmed'}")
        click.echo(f"发布日期 / published: {s['published']}")
        click.echo(f"文件 / file: {info['file']}")
    click.echo(f"放假日 / rest days ({len(info['rest_days'])}):")
    for r in info["rest_days"]:
        wd = "一二三四五六日"[date.fromisoformat(r["date"]).weekday()]
        click.echo(f"  {r['date']} 周{wd} {r['holiday']}")
    click.echo(f"调休上班日 / adjusted working days ({len(info['workdays'])}):")
    for w in info["workdays"]:
        wd = "一二三四五六日"[date.fromisoformat(w["date"]).weekday()]
        click.echo(f"  {w['date']} 周{wd} {w.get('note') or ''}".rstrip())


_KIND_TEXT = {
    "holiday": ("休息日（节假日）", "rest day (public holiday)"),
    "weekend": ("休息日（周末）", "rest day (weekend)"),
    "adjusted_workday": ("工作日（调休上班）", "working day (adjusted working day)"),
    "workday": ("工作日", "working day"),
}


@command.command("is-workday")
@click.argument("day")
@click.option("--json", "as_json", is_flag=True)
def is_workday_cmd(day: str, as_json: bool) -> None:
    """Whether DAY is a working day (prints the answer; exit 0 either way)."""
    d = _parse_date(day, "日期", "DATE")
    cal = load_calendar()
    work = cal.is_workday(d)
    kind = cal.day_kind(d)
    prov = cal.is_provisional(d)
    holiday = cal.holiday_name(d)
    if as_json:
        out = {
            "date": d.isoformat(),
            "workday": work,
            "kind": kind,
            "holiday": holiday,
            "provisional": prov,
        }
        click.echo(json.dumps(out, ensure_ascii=False, sort_keys=True))
        return
    zh, en = _KIND_TEXT[kind]
    extra = f" {holiday}" if holiday else ""
    mark = f" {PROVISIONAL_MARK}" if prov else ""
    click.echo(f"{d.isoformat()} {zh}{extra} / {en}{mark}")


def _recompute_url(db: str | None) -> str | None:
    """The database whose provisional dates an import recomputes: --db, then
    RONGCUO_DATABASE_URL, then the embedded database if it already exists (never created)."""
    if db:
        return db
    env = os.environ.get("RONGCUO_DATABASE_URL")
    if env:
        return env
    embedded = paths.data_dir() / "rongcuo.sqlite3"
    return paths.default_database_url() if embedded.exists() else None


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="replace a different, previously imported file")
@click.option("--db", "db", default=None, metavar="URL", help="database to recompute in")
@click.option("--no-recompute", is_flag=True, help="only import; do not touch any case")
def import_cmd(file: Path, replace: bool, db: str | None, no_recompute: bool) -> None:
    """Validate a calendar FILE, add it to the imported calendars, recompute 暂定 dates.

    Every provisional deadline in the database is re-derived with the new calendar; each
    changed one gets a ``deadline.recomputed`` event (old due, new due, source) in its case.
    """
    cy, target, changed = import_calendar_file(file, replace=replace)
    rlog.get_logger().info("calendar.imported", year=cy.year, target=str(target), changed=changed)
    if changed:
        click.echo(f"已导入 {cy.year} 年日历 / imported the {cy.year} calendar: {target}")
    else:
        click.echo(f"{cy.year} 年日历已存在且内容相同 / already present and identical: {target}")
    url = None if no_recompute else _recompute_url(db)
    if url is None:
        click.echo("未重新计算：没有数据库 / nothing recomputed: no database")
        return
    from rongcuo.bootstrap import bootstrap
    from rongcuo.clock import today_cst
    from rongcuo.service.commands import RecomputeDeadlines
    from rongcuo.service.handlers.deadlines import recompute_provisional

    app = bootstrap(url)
    try:
        rlog.bind(actor=IMPORT_ACTOR)
        moved = recompute_provisional(app, RecomputeDeadlines(today_cst(app.clock),
                                                              IMPORT_ACTOR))
    finally:
        app.close()
    click.echo(f"重新计算的暂定期限 / provisional deadlines recomputed: {len(moved)}")
    for m in moved:
        mark = f" {PROVISIONAL_MARK}" if m.provisional else ""
        click.echo(f"  {m.number} {m.timer}: {m.old_due} -> {m.new_due}{mark}")


@command.command("years")
def years_cmd() -> None:
    """The calendar years loaded, with their source documents."""
    cal = load_calendar()
    for y in cal.loaded_years:
        cy = cal.year(y)
        assert cy is not None
        num = cy.source.number or "文号未确认 / number not confirmed"
        click.echo(f"{y}  {cy.source.title}（{num}，{cy.source.published}）  {cy.filename}")
