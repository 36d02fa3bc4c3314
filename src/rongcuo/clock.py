"""The wall clock, read only at the edges (CLI, scheduler, service bootstrap).

The domain never imports this module: it receives dates and instants as arguments.
Legal dates are dates in China Standard Time; a period ends at 24:00 CST of its due date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from rongcuo.domain.legal_time import CST, cst_date, end_of_day

__all__ = ["CST", "Clock", "FixedClock", "SystemClock", "as_cst", "end_of_day_cst", "parse_cst",
           "today_cst"]


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime (UTC)."""
        ...


class SystemClock:
    """The real clock (freezegun controls it in tests of real entry points)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock for tests: set it, advance it."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at

    def advance(self, **kwargs: float) -> None:
        self._at += timedelta(**kwargs)


def as_cst(at: datetime) -> datetime:
    """An instant from a wall time: a naive datetime is China Standard Time."""
    return at if at.tzinfo is not None else at.replace(tzinfo=CST)


def parse_cst(text: str) -> datetime:
    """An ISO date-time as typed by a person (``2025-10-10T00:05``: CST unless an offset is
    given).  Raises ``ValueError``; callers decide what a bare date means and word the error."""
    return as_cst(datetime.fromisoformat(text))


def today_cst(clock: Clock) -> date:
    """Today's legal date (China Standard Time)."""
    return cst_date(clock.now())


def end_of_day_cst(d: date) -> datetime:
    """24:00 CST of ``d`` — the instant a period whose due date is ``d`` expires."""
    return end_of_day(d)
