"""The official working-day calendar (法定工作日历) — pure.

A day is a **working day** when it is listed as an adjusted working day (调休上班日) of its year,
or when it is Monday–Friday and not listed as a rest day (放假日).  Each year comes from the
State Council's annual holiday notice (国务院办公厅关于××年部分节假日安排的通知), one YAML file
per year (see ``workflows/calendars/``; the files are read at the edge, by
:mod:`rongcuo.calendars`, which hands this package built :class:`CalendarYear` values).

A year with no file is **provisional (暂定)**: its working days are the weekdays minus the
statutory holidays that 《全国年节及纪念日放假办法》 (2024 revision, in force 2025-01-01) art. 2
fixes by date — 元旦 1 Jan; 春节 除夕 and 正月初一至初三; 清明 (the solar term); 劳动节 1–2 May;
端午 (五月初五); 中秋 (八月十五); 国庆 1–3 Oct.  No adjusted working day and no substitute rest
day is guessed.  The lunar dates and Qingming come from the table :data:`LUNAR_TABLE`
(2025–2099, computed once from the ``holidays`` package's lunisolar calendar and checked in
tests against it and, for Qingming, against ``chinese_calendar``'s solar terms).  Before 2025
the 2024 revision does not apply, so an unloaded year before 2025 is refused (CalendarError).

Speed: :class:`WorkCalendar` keeps, for a contiguous window of years, a cumulative count of
working days indexed by ordinal and the ordinals of the working days themselves, so "the k-th
working day after d" and "working days in [a, b]" are two list look-ups — never a day-by-day walk.

Modules: :mod:`.statutory` (the statute's data and rule), :mod:`.work_calendar` (the public
:class:`WorkCalendar`), :mod:`._index` (the ordinal window, :class:`WorkdayIndex`).
"""

from __future__ import annotations

from rongcuo.domain.calendar._index import WorkdayIndex
from rongcuo.domain.calendar.statutory import (
    LUNAR_TABLE,
    PROVISIONAL_FIRST_YEAR,
    PROVISIONAL_LAST_YEAR,
    STATUTE_EN,
    STATUTE_ZH,
    statutory_holidays,
)
from rongcuo.domain.calendar.work_calendar import CalendarSource, CalendarYear, WorkCalendar

__all__ = [
    "LUNAR_TABLE",
    "PROVISIONAL_FIRST_YEAR",
    "PROVISIONAL_LAST_YEAR",
    "STATUTE_EN",
    "STATUTE_ZH",
    "CalendarSource",
    "CalendarYear",
    "WorkCalendar",
    "WorkdayIndex",
    "statutory_holidays",
]
