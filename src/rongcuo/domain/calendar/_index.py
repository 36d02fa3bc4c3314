"""The ordinal window of a :class:`~rongcuo.domain.calendar.WorkCalendar` — the fast path.

For a contiguous window of years it keeps a cumulative count of working days indexed by date
ordinal (``date.toordinal()``) and the ordinals of the working days themselves, so "the k-th
working day after d" and "working days in [a, b]" are two list look-ups — never a day-by-day
walk.  The window grows on demand; it is replaced as a whole (never mutated) under a lock, so a
reader on another thread always sees a consistent one.

:class:`WorkdayIndex` is the public face that :mod:`rongcuo.domain.periods` counts with (in
ordinals, to avoid building ``date`` objects in its inner loop); everything else here is its
own business.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from rongcuo.domain.calendar.statutory import PROVISIONAL_LAST_YEAR

__all__ = ["WorkdayIndex"]

# (base, end, cum, wd, first year, last year): base = ordinal of 1 Jan of the first year,
# end = ordinal after 31 Dec of the last, cum[i] = working days among ordinals
# [base, base + i), wd = the working-day ordinals in order.
_Window = tuple[int, int, list[int], list[int], int, int]


class WorkdayIndex:
    """Working-day arithmetic in date ordinals over a lazily grown window of years.

    ``flags(year)`` gives one byte per day of the year (1 = working day) and raises
    CalendarError for a year it cannot serve; ``loaded`` is the set of years that have a
    calendar file (the others are provisional).
    """

    __slots__ = ("_flags", "_lock", "_win", "loaded")

    def __init__(self, flags: Callable[[int], bytes], loaded: frozenset[int]) -> None:
        self._flags = flags
        self.loaded = loaded
        self._win: _Window = (0, 0, [0], [], 0, -1)
        self._lock = threading.Lock()

    # -- the public fast API ---------------------------------------------------------------
    def workdays_between(self, a: int, b: int) -> int:
        """Working days in the inclusive ordinal interval [a, b] (a <= b)."""
        w = self._win
        if not (a >= w[0] and b < w[1]):
            w = self._window(a, b)
        cum = w[2]
        return cum[b + 1 - w[0]] - cum[a - w[0]]

    def add_workdays(self, o: int, k: int) -> int:
        """The k-th working day strictly after ordinal ``o`` (k >= 1)."""
        w = self._win
        if not (o + 1 >= w[0] and o + 1 < w[1]):
            w = self._window(o + 1, o + 1)
        idx = w[2][o + 1 - w[0]] + k - 1
        while idx >= len(w[3]):
            w = self._grow(w)
            idx = w[2][o + 1 - w[0]] + k - 1
        return w[3][idx]

    def next_workday(self, o: int) -> int:
        """The first working day on or after ordinal ``o``."""
        w = self._win
        if not (o >= w[0] and o < w[1]):
            w = self._window(o, o)
        idx = w[2][o - w[0]]
        while idx >= len(w[3]):
            w = self._grow(w)
            idx = w[2][o - w[0]]
        return w[3][idx]

    def workday_before(self, o: int, k: int) -> int:
        """The k-th working day strictly before ordinal ``o`` (k >= 1)."""
        w = self._window(o, o)
        idx = w[2][o - w[0]] - k  # working days strictly before o, minus k
        while idx < 0:
            w = self._grow(w, down=True)
            idx = w[2][o - w[0]] - k
        return w[3][idx]

    # -- the window --------------------------------------------------------------------------
    def _window(self, lo: int, hi: int) -> _Window:
        """A window covering ordinals [lo, hi] (built, under the lock, when needed)."""
        w = self._win
        if lo >= w[0] and hi < w[1]:
            return w
        with self._lock:
            w = self._win
            if lo >= w[0] and hi < w[1]:
                return w
            y_lo = date.fromordinal(lo).year
            y_hi = date.fromordinal(hi).year
            if w[5] >= w[4]:
                y_lo, y_hi = min(y_lo, w[4]), max(y_hi, w[5])
            w = self._build(y_lo, y_hi)
            self._win = w
            return w

    def _grow(self, seen: _Window, *, down: bool = False) -> _Window:
        """A window a few years larger than ``seen`` (raises past the supported range)."""
        with self._lock:
            w = self._win
            if w is not seen and (w[4] < seen[4] if down else w[5] > seen[5]):
                return w  # another thread grew it already
            if down:
                w = self._build(w[4] - 1, w[5])
            else:
                nxt = w[5] + 1
                target = nxt + 3
                while (
                    target > nxt and target not in self.loaded and target > PROVISIONAL_LAST_YEAR
                ):
                    target -= 1
                w = self._build(w[4], target)
            self._win = w
            return w

    def _build(self, y_lo: int, y_hi: int) -> _Window:
        # Build (or validate) each required year first: an unsupported year raises here.
        flags = [self._flags(y) for y in range(y_lo, y_hi + 1)]
        base = date(y_lo, 1, 1).toordinal()
        cum = [0]
        wd: list[int] = []
        total = 0
        o = base
        for fl in flags:
            for f in fl:
                if f:
                    total += 1
                    wd.append(o)
                cum.append(total)
                o += 1
        return (base, o, cum, wd, y_lo, y_hi)
