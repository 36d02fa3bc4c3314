"""Years without a calendar file: the provisional (暂定) rule of the 放假办法 (2024 revision)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from holidays.calendars.chinese import _ChineseLunisolar

from rongcuo.calendars import load_calendar, parse_calendar_text
from rongcuo.domain.calendar import LUNAR_TABLE, statutory_holidays
from rongcuo.domain.errors import CalendarError
from rongcuo.domain.periods import PeriodRule, compute_due

SHIPPED = Path(__file__).resolve().parents[2] / "workflows" / "calendars"
CAL = load_calendar([SHIPPED])
LUNAR = _ChineseLunisolar()


@pytest.mark.parametrize("year", sorted(LUNAR_TABLE))
def test_lunar_table_matches_holidays_lunisolar_computation(year: int) -> None:
    """春节 正月初一, 清明, 端午 五月初五, 中秋 八月十五 of the built-in table agree with the
    holidays package (放假办法 art. 2 fixes these holidays by the lunar calendar / solar term)."""
    assert LUNAR_TABLE[year] == (
        LUNAR.lunar_new_year_date(year)[0],
        LUNAR.qingming_date(year)[0],
        LUNAR.dragon_boat_date(year)[0],
        LUNAR.mid_autumn_date(year)[0],
    )


def test_qingming_matches_chinese_calendar_solar_terms() -> None:
    """清明 is the solar term; a second oracle (chinese_calendar) agrees for 2025–2099."""
    for year, (_, qingming, _, _) in LUNAR_TABLE.items():
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
        assert terms[0][0] == qingming, year


def test_statutory_holidays_of_2027_are_the_thirteen_days_of_art_2() -> None:
    """放假办法 (2024) art. 2: 元旦1, 春节4 (除夕+初一至初三), 清明1, 劳动节2, 端午1, 中秋1,
    国庆3 = 13 days; 2027: 除夕 2027-02-05, 清明 04-05, 端午 06-09, 中秋 09-15."""
    days = statutory_holidays(2027)
    assert sorted(days) == [
        date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8),
        date(2027, 4, 5), date(2027, 5, 1), date(2027, 5, 2), date(2027, 6, 9), date(2027, 9, 15),
        date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3),
    ]  # fmt: skip
    assert days[date(2027, 2, 5)] == "春节"


def test_provisional_year_has_no_guessed_adjusted_days() -> None:
    """No 调休 is guessed: every Saturday and Sunday of 2027 is a rest day, and a statutory
    holiday on a weekend gives no substitute weekday (2027-05-01 is a Saturday; 05-03 works)."""
    first = date(2027, 1, 1)
    weekends = [first + timedelta(days=i) for i in range(365)]
    assert not any(CAL.is_workday(d) for d in weekends if d.weekday() >= 5)
    assert CAL.is_workday(date(2027, 5, 3))


def test_a_year_without_file_is_provisional() -> None:
    """2027 has no file: its days are marked 暂定."""
    assert CAL.is_provisional(date(2027, 3, 1))
    assert not CAL.is_provisional(date(2026, 12, 31))


def test_a_year_before_2025_without_file_is_refused() -> None:
    """The 2024 revision applies from 2025; an unloaded 2024 cannot be guessed."""
    with pytest.raises(CalendarError) as exc:
        CAL.is_workday(date(2024, 12, 30))
    assert exc.value.code == "calendar.year_unavailable"
    assert "2024" in exc.value.message_en


def test_a_period_started_on_the_last_day_of_an_unloaded_year_needs_no_data_from_it() -> None:
    """The start day is not counted (Civil Code art. 201), so a working-day period started on
    2024-12-31 consults only 2025: day 1 is 2025-01-02 (2025-01-01 is 元旦)."""
    due = compute_due(date(2024, 12, 31), PeriodRule("working", 1), CAL)
    assert (due.due, due.provisional) == (date(2025, 1, 2), False)


def test_a_period_reaching_an_unloaded_year_is_provisional() -> None:
    """10 working days from 2026-12-20: 12-21..25 (5), 12-28..31 (9), 2027-01-01 元旦 (statutory,
    provisional), 2027-01-04 (10) — due 2027-01-04 暂定."""
    due = compute_due(date(2026, 12, 20), PeriodRule("working", 10), CAL)
    assert (due.due, due.provisional) == (date(2027, 1, 4), True)
    assert due.basis["years"][1] == {
        "year": 2027,
        "provisional": True,
        "source": None,
        "file": None,
        "rule": {
            "zh": "《全国年节及纪念日放假办法》（2024年修订）第二条",
            "en": "National Holidays Measures (2024 revision), art. 2",
        },
    }


def test_a_calendar_period_is_provisional_only_when_its_last_day_is() -> None:
    """A calendar-day period consults the calendar only at its end (Civil Code art. 203):
    30 days from 2026-11-01 end 2026-12-01 (loaded); from 2026-12-10, 2027-01-09 (a Saturday,
    provisional) rolls to 2027-01-11 暂定."""
    rule = PeriodRule("calendar", 30)
    assert compute_due(date(2026, 11, 1), rule, CAL).provisional is False
    late = compute_due(date(2026, 12, 10), rule, CAL)
    assert (late.due, late.provisional) == (date(2027, 1, 11), True)


def test_a_calendar_period_without_rollover_never_consults_the_calendar() -> None:
    """With rollover off the date is plain arithmetic, so it is never provisional."""
    due = compute_due(date(2026, 12, 10), PeriodRule("calendar", 30, rollover=False), CAL)
    assert (due.due, due.provisional) == (date(2027, 1, 9), False)


def test_loading_the_year_recomputes_a_provisional_date(tmp_path: Path) -> None:
    """When the 2027 file arrives the same inputs give a final date (here a hypothetical test
    file makes 2027-01-04 a rest day and 2027-01-09 an adjusted working Saturday)."""
    text = (
        "year: 2027\nsource: {title: 测试用通知（虚构）, number: null, published: 2026-11-01}\n"
        "rest_days:\n  - {from: 2027-01-01, to: 2027-01-04, holiday: 元旦}\n"
        "workdays:\n  - {date: 2027-01-09, note: 元旦调休}\n"
    )
    (tmp_path / "2027.yaml").write_text(text, encoding="utf-8")
    cal2 = load_calendar([SHIPPED, tmp_path])
    before = compute_due(date(2026, 12, 20), PeriodRule("working", 10), CAL)
    after = compute_due(date(2026, 12, 20), PeriodRule("working", 10), cal2)
    assert (before.due, before.provisional) == (date(2027, 1, 4), True)
    assert (after.due, after.provisional) == (date(2027, 1, 5), False)
    assert after.basis["years"][1]["source"]["title"] == "测试用通知（虚构）"
    assert parse_calendar_text(text, "2027.yaml").workdays == {date(2027, 1, 9)}
