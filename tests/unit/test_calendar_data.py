"""The shipped 2025 and 2026 calendars, pinned day by day against two independent oracles.

The oracles (``chinese_calendar`` and ``holidays``) are test-only; the runtime calendar is the
YAML files under ``workflows/calendars/``.  The two oracles agree with each other on every day
of 2025 and 2026 (checked below), and both agree with the State Council notices.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import holidays
import pytest

from rongcuo.calendars import load_calendar
from rongcuo.domain.calendar import CalendarSource

SHIPPED = Path(__file__).resolve().parents[2] / "workflows" / "calendars"
CAL = load_calendar([SHIPPED])


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def _holidays_workday(d: date, h: holidays.HolidayBase) -> bool:
    return (d.weekday() < 5 and d not in h) or d in h.weekend_workdays


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_matches_chinese_calendar(year: int) -> None:
    """Every day of the year has the working-day status the State Council notice gives it
    (oracle: chinese_calendar)."""
    wrong = [d for d in _days(year) if CAL.is_workday(d) != chinese_calendar.is_workday(d)]
    assert wrong == []


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_matches_holidays_package(year: int) -> None:
    """Every day of the year has the working-day status the State Council notice gives it
    (oracle: holidays.China, with its weekend_workdays)."""
    h = holidays.China(years=year)
    wrong = [d for d in _days(year) if CAL.is_workday(d) != _holidays_workday(d, h)]
    assert wrong == []


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_two_oracles_agree_with_each_other(year: int) -> None:
    """The oracles are independent of each other and agree, so neither hides an error."""
    h = holidays.China(years=year)
    wrong = [d for d in _days(year) if chinese_calendar.is_workday(d) != _holidays_workday(d, h)]
    assert wrong == []


def test_2025_source_is_guobanfamingdian_2024_12() -> None:
    """The 2025 file cites 国办发明电〔2024〕12号 of 2024-11-12."""
    cy = CAL.year(2025)
    assert cy is not None
    assert cy.source == CalendarSource(
        title="国务院办公厅关于2025年部分节假日安排的通知",
        number="国办发明电〔2024〕12号",
        published=date(2024, 11, 12),
    )


def test_2026_source_is_the_notice_of_2025_11_04_without_unconfirmed_number() -> None:
    """The 2026 file cites the notice of 2025-11-04; its number is not confirmed, so null."""
    cy = CAL.year(2026)
    assert cy is not None
    assert cy.source.title == "国务院办公厅关于2026年部分节假日安排的通知"
    assert cy.source.published == date(2025, 11, 4)
    assert cy.source.number is None


def test_adjusted_workdays_are_exactly_those_of_the_notices() -> None:
    """The notices' 上班 days: 2025 (5 days) and 2026 (6 days), all on weekends."""
    assert sorted(CAL.year(2025).workdays) == [  # type: ignore[union-attr]
        date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28),
        date(2025, 10, 11),
    ]  # fmt: skip
    assert sorted(CAL.year(2026).workdays) == [  # type: ignore[union-attr]
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
        date(2026, 9, 20), date(2026, 10, 10),
    ]  # fmt: skip


def test_rest_days_carry_their_holiday_name() -> None:
    """Each rest day is listed with its holiday (for explanations): 2025-10-06 is in the
    combined 国庆节、中秋节 block; 2026-02-15 (腊月二十八) is in the Spring Festival block."""
    assert CAL.holiday_name(date(2025, 10, 6)) == "国庆节、中秋节"
    assert CAL.holiday_name(date(2026, 2, 15)) == "春节"
    assert CAL.holiday_name(date(2025, 3, 8)) is None  # an ordinary Saturday
