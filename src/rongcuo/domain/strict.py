"""Strict reading of what a person types: a date is ``YYYY-MM-DD``, a whole number is ASCII
digits.

Python 3.11's ``date.fromisoformat`` also reads ``20250901`` and ``2025-W39-5``, and ``int``
also reads ``1_0``, ``٣`` (Arabic-Indic), ``１０`` (full-width) and ``" 10"``.  The help and
every error message promise ``YYYY-MM-DD`` and digits, and a date recorded in a case file must
read the same to the person who typed it and to the auditor, so anything else is refused.
Both functions raise :class:`ValueError`; callers word the error for their field.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"-?[0-9]+")  # a sign is left to each caller's range check


def iso_date(text: str) -> date:
    """``YYYY-MM-DD`` and nothing else (a real date: ``2025-02-30`` is refused too)."""
    if not _DATE.fullmatch(text):
        raise ValueError(f"not YYYY-MM-DD: {text!r}")
    return date.fromisoformat(text)


def date_problem(text: str) -> tuple[str, str]:
    """Why ``text`` is not a date, in Chinese and English: the month or the day that does
    not exist (``2025-13-01``: 没有13月; ``2025-02-30``: 2025年2月只有28天), else its shape."""
    if _DATE.fullmatch(text):
        y, m, d = (int(x) for x in text.split("-"))
        if not 1 <= m <= 12:
            return (f"一年只有12个月，没有{m}月（YYYY-MM-DD）",
                    f"month {m} does not exist (1-12; YYYY-MM-DD)")
        days = calendar.monthrange(y, m)[1] if y >= 1 else 31
        if not 1 <= d <= days:
            return (f"{y}年{m}月只有{days}天，没有{d}日（YYYY-MM-DD）",
                    f"{y}-{m:02d} has {days} days, there is no day {d} (YYYY-MM-DD)")
    return ("请写成 YYYY-MM-DD（例如 2025-10-09）", "write YYYY-MM-DD (e.g. 2025-10-09)")


def whole_number(text: str) -> int:
    """ASCII digits with an optional leading ``-``: no spaces, ``_``, ``+`` or other scripts."""
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"not a whole number in ASCII digits: {text!r}")
    return int(text)
