"""The working-day calendar: loaded years (with their source) and the provisional rule — pure.

A day is a working day when it is listed as an adjusted working day (调休上班日) of its year,
or when it is Monday–Friday and not listed as a rest day (放假日).  A year with no loaded
file is provisional (:mod:`rongcuo.domain.calendar.statutory`).  Counting is done by the
ordinal index (:mod:`rongcuo.domain.calendar._index`), never by walking day by day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rongcuo.domain.calendar._index import WorkdayIndex
from rongcuo.domain.calendar.statutory import statutory_holidays
from rongcuo.domain.errors import CalendarError
from rongcuo.domain.messages import message

MSG_CALENDAR_DUPLICATE_YEAR_WORK_CALENDAR = message(
    "calendar.duplicate_year/work_calendar",
    "{year}年有两份内容不同的日历：{a} 与 {b}",
    "two different calendars for {year}: {a} and {b}",
)

MSG_CALENDAR_REST_AND_WORKDAY = message(
    "calendar.rest_and_workday",
    "{d} 既是放假日又是调休上班日",
    "{d} is both a rest day and an adjusted working day",
)

MSG_CALENDAR_DATE_OUTSIDE_YEAR = message(
    "calendar.date_outside_year",
    "{year}年日历含有其他年份的日期 {d}",
    "the {year} calendar contains a date of another year: {d}",
)

__all__ = ["CalendarSource", "CalendarYear", "WorkCalendar"]


@dataclass(frozen=True)
class CalendarSource:
    """The State Council notice a calendar year comes from."""

    title: str
    number: str | None
    published: date

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "number": self.number, "published": self.published.isoformat()}


@dataclass(frozen=True)
class CalendarYear:
    """One year of the official calendar: its rest days, adjusted working days and source.

    ``holiday_names`` (date -> holiday, e.g. ``"春节"``) and ``workday_notes`` are for display
    and explanations only; equality ignores nothing else.  ``filename`` says where it was read.
    """

    year: int
    rest_days: frozenset[date]
    workdays: frozenset[date]
    source: CalendarSource
    holiday_names: Mapping[date, str] = field(default_factory=dict, compare=False)
    workday_notes: Mapping[date, str] = field(default_factory=dict, compare=False)
    filename: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "source": self.source.to_dict(),
            "rest_days": [
                {"date": d.isoformat(), "holiday": self.holiday_names.get(d)}
                for d in sorted(self.rest_days)
            ],
            "workdays": [
                {"date": d.isoformat(), "note": self.workday_notes.get(d)}
                for d in sorted(self.workdays)
            ],
        }


class WorkCalendar:
    """Working days and rest days, from loaded years and the provisional rule.

    Immutable from the outside; internally it grows a cache window of years on demand.  The
    same year given twice is refused unless the two are identical (then the first is kept —
    the shipped file before an operator's identical copy).

    ``index`` (read-only) is the ordinal fast path, :class:`WorkdayIndex`, that
    :mod:`rongcuo.domain.periods` counts with; a plain attribute, not a property, because
    every due date reads it once.
    """

    def __init__(self, years: Iterable[CalendarYear] = ()) -> None:
        self._years: dict[int, CalendarYear] = {}
        for cy in years:
            old = self._years.get(cy.year)
            if old is not None:
                if old != cy:
                    raise _duplicate_year(old, cy)
                continue
            _check_year(cy)
            self._years[cy.year] = cy
        self._loaded: frozenset[int] = frozenset(self._years)
        self._flags: dict[int, bytes] = {}
        self._names: dict[int, dict[date, str]] = {}
        self.index = WorkdayIndex(self._year_flags, self._loaded)

    @property
    def loaded_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._years))

    def year(self, y: int) -> CalendarYear | None:
        return self._years.get(y)

    def is_provisional(self, d: date) -> bool:
        """True when ``d``'s year has no loaded calendar file (暂定)."""
        return d.year not in self._loaded

    def is_workday(self, d: date) -> bool:
        """Loaded year: its file decides; otherwise weekdays minus the statutory holidays."""
        return self._year_flags(d.year)[d.timetuple().tm_yday - 1] == 1

    def holiday_name(self, d: date) -> str | None:
        """The holiday a rest day belongs to (from the file, or the statute when provisional)."""
        cy = self._years.get(d.year)
        if cy is not None:
            return cy.holiday_names.get(d, "放假") if d in cy.rest_days else None
        self._year_flags(d.year)
        return self._names[d.year].get(d)

    def day_kind(self, d: date) -> str:
        """One of ``holiday``, ``weekend``, ``adjusted_workday``, ``workday``."""
        cy = self._years.get(d.year)
        if cy is not None and d in cy.workdays:
            return "adjusted_workday"
        if self.holiday_name(d) is not None:
            return "holiday"
        return "weekend" if d.weekday() >= 5 else "workday"

    def provisional_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years between two dates (inclusive) that have no loaded file."""
        return tuple(y for y in range(first.year, last.year + 1) if y not in self._loaded)

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (before it when n < 0); ``d`` itself for n = 0.

        ``d`` itself is never counted (Civil Code art. 201).  No day-by-day walk.
        """
        if n == 0:
            return d
        o = d.toordinal()
        if n > 0:
            return date.fromordinal(self.index.add_workdays(o, n))
        return date.fromordinal(self.index.workday_before(o, -n))

    def workdays_between(self, first: date, last: date) -> int:
        """How many working days lie in [first, last] (inclusive; 0 when last < first)."""
        if last < first:
            return 0
        return self.index.workdays_between(first.toordinal(), last.toordinal())

    def _year_flags(self, y: int) -> bytes:
        """One byte per day of year ``y`` (1 = working day), built once per year."""
        fl = self._flags.get(y)
        if fl is not None:
            return fl
        cy = self._years.get(y)
        if cy is not None:
            rest, work, names = cy.rest_days, cy.workdays, dict(cy.holiday_names)
        else:
            names = statutory_holidays(y)
            rest, work = frozenset(names), frozenset()
        first = date(y, 1, 1)
        n = (date(y + 1, 1, 1) - first).days
        wd0 = first.weekday()
        out = bytearray(n)
        for i in range(n):
            out[i] = 1 if (wd0 + i) % 7 < 5 else 0
        base = first.toordinal()
        for d in rest:
            out[d.toordinal() - base] = 0
        for d in work:
            out[d.toordinal() - base] = 1
        fl = bytes(out)
        self._flags[y] = fl
        self._names[y] = names
        return fl


def _duplicate_year(old: CalendarYear, new: CalendarYear) -> CalendarError:
    """Two different calendars for one year cannot both be trusted (the one check of it)."""
    a, b = old.filename or "—", new.filename or "—"
    return CalendarError.of(
        MSG_CALENDAR_DUPLICATE_YEAR_WORK_CALENDAR,
        year=new.year,
        a=a,
        b=b,
        details={"year": new.year, "files": [old.filename, new.filename]},
    )


def _check_year(cy: CalendarYear) -> None:
    """Structural checks for a CalendarYear built in code (files get line-precise checks)."""
    for d in cy.rest_days | cy.workdays:
        if d.year != cy.year:
            raise CalendarError.of(
                MSG_CALENDAR_DATE_OUTSIDE_YEAR,
                year=cy.year,
                d=d.isoformat(),
            )
    both = cy.rest_days & cy.workdays
    if both:
        d = min(both)
        raise CalendarError.of(
            MSG_CALENDAR_REST_AND_WORKDAY,
            d=d.isoformat(),
        )
