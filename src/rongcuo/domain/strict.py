"""Strict reading of what a person types: a date is ``YYYY-MM-DD``, a whole number is ASCII
digits.

Python 3.11's ``date.fromisoformat`` also reads ``20250901`` and ``2025-W39-5``, and ``int``
also reads ``1_0``, ``٣`` (Arabic-Indic), ``１０`` (full-width) and ``" 10"``.  The help and
every error message promise ``YYYY-MM-DD`` and digits, and a date recorded in a case file must
read the same to the person who typed it and to the auditor, so anything else is refused.
Both functions raise :class:`ValueError`; callers word the error for their field.
"""

from __future__ import annotations

import re
from datetime import date

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"-?[0-9]+")  # a sign is left to each caller's range check


def iso_date(text: str) -> date:
    """``YYYY-MM-DD`` and nothing else (a real date: ``2025-02-30`` is refused too)."""
    if not _DATE.fullmatch(text):
        raise ValueError(f"not YYYY-MM-DD: {text!r}")
    return date.fromisoformat(text)


def whole_number(text: str) -> int:
    """ASCII digits with an optional leading ``-``: no spaces, ``_``, ``+`` or other scripts."""
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"not a whole number in ASCII digits: {text!r}")
    return int(text)
