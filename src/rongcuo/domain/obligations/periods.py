"""Calendar periods an obligation is owed per: year, half-year, quarter, month.

A period has a key a person can read (``2026``, ``2026-H1``, ``2026-Q3``, ``2026-07``), a first
and a last day.  每年 and 每半年 are read as the calendar year and its halves (Jan–Jun,
Jul–Dec) — reading "每年 = 自然年" (procedures spec §4.2).  An *occurrence* obligation (a report
due within 7 days of a review) has no calendar period: its key is the occurrence's reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodKind = Literal["year", "half_year", "quarter", "month", "occurrence"]
CALENDAR_KINDS: tuple[PeriodKind, ...] = ("year", "half_year", "quarter", "month")

_KEY = {
    "year": re.compile(r"^(\d{4})$"),
    "half_year": re.compile(r"^(\d{4})-H([12])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}
_MONTHS = {"year": 12, "half_year": 6, "quarter": 3, "month": 1}


@dataclass(frozen=True)
class Period:
    """One period: its key and its first and last day (both included)."""

    key: str
    start: date
    end: date

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def _month_end(y: int, m: int) -> date:
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _make(kind: PeriodKind, y: int, index: int) -> Period:
    """The ``index``-th (1-based) period of ``kind`` in year ``y``."""
    months = _MONTHS[kind]
    first = (index - 1) * months + 1
    last = first + months - 1
    key = {"year": f"{y}", "half_year": f"{y}-H{index}", "quarter": f"{y}-Q{index}",
           "month": f"{y}-{index:02d}"}[kind]
    return Period(key, date(y, first, 1), _month_end(y, last))


def period_of(kind: PeriodKind, d: date) -> Period:
    """The period of ``kind`` that contains ``d``."""
    if kind == "occurrence":
        raise ValueError("an occurrence has no calendar period")
    return _make(kind, d.year, (d.month - 1) // _MONTHS[kind] + 1)


def parse_period(kind: PeriodKind, key: str) -> Period | None:
    """The period a key names (None: not a key of this kind)."""
    if kind == "occurrence":
        return None
    m = _KEY[kind].match(key)
    if m is None:
        return None
    y = int(m.group(1))
    return _make(kind, y, 1 if kind == "year" else int(m.group(2)))


def following(kind: PeriodKind, p: Period) -> Period:
    return period_of(kind, p.end + timedelta(days=1))


def preceding(kind: PeriodKind, p: Period) -> Period:
    return period_of(kind, p.start - timedelta(days=1))


def periods_between(kind: PeriodKind, first: date, last: date) -> Iterator[Period]:
    """Every period of ``kind`` that overlaps [first, last], in order."""
    p = period_of(kind, first)
    while p.start <= last:
        yield p
        p = following(kind, p)
