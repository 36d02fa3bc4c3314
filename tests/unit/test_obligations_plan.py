"""Obligations, pure (蒲县评查制度第六条、第十三条; 蒲县统计制度第二条; 考核制度第五条第4项):
periods, due dates — the 31 January reading — the notices owed at an instant, and the
obligation files."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from rongcuo.definitions.obligation_files import check_obligations, load_obligations
from rongcuo.domain.legal_time import CST
from rongcuo.domain.obligations import (
    DueRule,
    Obligation,
    Period,
    due_for,
    owed_notices,
    parse_period,
    period_of,
    periods_between,
    standing,
)
from rongcuo.testing.workflows import shipped_calendar

ROOT = Path(__file__).resolve().parents[2]
PU = ROOT / "workflows" / "pu" / "obligations" / "pu_county.yaml"
CAT = load_obligations(ROOT / "workflows")


def _ob(**kw: object) -> Obligation:
    base: dict[str, object] = dict(id="t", title_zh="测试", title_en="t", article="测试第一条",
                                   owners=("team",), period="year", min=4,
                                   due=DueRule("end_of_period"), in_force=date(2022, 11, 29),
                                   reminders=(60, 30))
    base.update(kw)
    return Obligation(**base)  # type: ignore[arg-type]


def test_periods_are_calendar_years_halves_quarters_and_months() -> None:
    """每年 = 自然年, 每半年 = 1–6月 / 7–12月 (reading): keys and bounds."""
    assert period_of("half_year", date(2026, 7, 1)) == Period("2026-H2", date(2026, 7, 1),
                                                              date(2026, 12, 31))
    assert period_of("quarter", date(2026, 2, 28)).key == "2026-Q1"
    assert period_of("month", date(2024, 2, 10)).end == date(2024, 2, 29)
    assert parse_period("half_year", "2026-H3") is None
    assert [p.key for p in periods_between("half_year", date(2025, 12, 1), date(2026, 7, 1))] \
        == ["2025-H2", "2026-H1", "2026-H2"]


@pytest.mark.parametrize(("year", "rollover", "due", "provisional"), [
    (2025, False, date(2026, 1, 31), False),  # a Saturday: the date as named
    (2025, True, date(2026, 2, 2), False),  # with rollover, the next working day
    (2027, False, date(2028, 1, 31), False),  # a Monday: the same either way
    (2027, True, date(2028, 1, 31), True),
])
def test_the_statistics_deadline_is_31_january_of_the_next_year(
        year: int, rollover: bool, due: date, provisional: bool) -> None:
    """统计制度第二条 "每年1月31日前公开上年度行政执法统计年报": the spec's test vectors.  The
    shipped reading is no rollover (a named date, not a period); the other reading moves a
    rest day to the next working day (民法典第二百零三条), provisional when the year's holiday
    notice is not loaded."""
    ob = _ob(due=DueRule("fixed", month=1, day=31, years_after=1, rollover=rollover))
    got = due_for(ob, parse_period("year", str(year)), shipped_calendar(), {})  # type: ignore[arg-type]
    assert (got.due, got.provisional) == (due, provisional)
    shipped = CAT.get("pu.statistics_filed")
    assert shipped is not None and shipped.due.rollover is False


def test_the_overdue_mark_falls_at_24_00_cst_of_the_due_date() -> None:
    """A period ends at 24:00 CST (民法典第二百零三条): three of four evaluations on 31 December
    23:59:59 is still open; one second later it is overdue; met late once a fourth comes."""
    ob = _ob()
    due = date(2026, 12, 31)
    three = [date(2026, 3, 1), date(2026, 6, 1), date(2026, 9, 1)]
    last = datetime(2026, 12, 31, 23, 59, 59, tzinfo=CST)
    assert standing(ob, due, three, last).status == "open"
    assert standing(ob, due, three, last + timedelta(seconds=1)).status == "overdue"
    assert standing(ob, due, [*three, date(2027, 1, 5)],
                    last + timedelta(days=10)).status == "met_late"
    assert standing(ob, due, [*three, date(2026, 12, 31)], last).status == "met"


def test_a_late_sweep_sends_only_the_latest_reminder_and_none_after_the_due_date() -> None:
    """A sweep that first runs on 10 December owes the 30-day reminder, not the 60-day one as
    well; one that first runs on 2 January owes the overdue mark and no reminder at all."""
    ob = _ob()
    due = date(2026, 12, 31)
    now_due, nxt = owed_notices(ob, due, [], (), datetime(2026, 12, 10, 9, tzinfo=CST))
    assert [n for n, _ in now_due] == ["reminder:30"] and nxt is not None
    assert nxt[0] == "overdue"
    now_due, _ = owed_notices(ob, due, [], (), datetime(2027, 1, 2, 9, tzinfo=CST))
    assert [n for n, _ in now_due] == ["overdue"]
    again, _ = owed_notices(ob, due, [], ("overdue",), datetime(2027, 1, 3, 9, tzinfo=CST))
    assert again == []


def test_a_met_obligation_owes_no_reminder_and_no_mark() -> None:
    """Four evaluations by September: nothing owed, before or after the due date."""
    ob = _ob()
    four = [date(2026, m, 1) for m in (2, 4, 6, 9)]
    for at in (datetime(2026, 12, 1, 1, tzinfo=CST), datetime(2027, 2, 1, 1, tzinfo=CST)):
        assert owed_notices(ob, date(2026, 12, 31), four, (), at) == ([], None)


def test_an_obligations_file_naming_an_undeclared_kind_or_parameter_is_refused() -> None:
    """The loader refuses, at its line, an owner kind not under `kinds`, a `days` parameter not
    under `parameters`, and a fixed date that does not declare whether it rolls over."""
    text = PU.read_text(encoding="utf-8")
    bad = (text.replace("owners: [county_justice_bureau]", "owners: [county_bureau]")
           .replace("days: half_year_report_days,", "days: report_days,")
           .replace("years_after: 1, rollover: false,", "years_after: 1,", 1))
    cat, problems = check_obligations(bad, "pu.yaml")
    assert cat is None
    lines = text.splitlines()
    owner_line = next(i for i, x in enumerate(lines, 1) if "owners: [county_justice_bureau]" in x)
    shown = [str(p) for p in problems]
    assert any(s.startswith(f"pu.yaml:{owner_line}:") and "county_bureau" in s for s in shown)
    assert any("report_days" in s and "parameters" in s for s in shown)
    assert any("rollover" in s for s in shown)
