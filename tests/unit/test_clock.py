"""Times typed by people are China Standard Time unless they say otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rongcuo.clock import CST, end_of_day_cst, parse_cst


def test_a_naive_time_is_china_standard_time() -> None:
    """`2025-10-10T00:05` typed by a case worker is 00:05 in Beijing, 16:05 UTC the day before."""
    at = parse_cst("2025-10-10T00:05")
    assert at.utcoffset() == timedelta(hours=8)
    assert at.astimezone(UTC) == datetime(2025, 10, 9, 16, 5, tzinfo=UTC)


def test_an_explicit_offset_is_kept() -> None:
    """An instant with its own offset is not reinterpreted."""
    assert parse_cst("2025-10-10T00:05+00:00") == datetime(2025, 10, 10, 0, 5, tzinfo=UTC)


def test_not_a_date_time_raises_value_error() -> None:
    """Callers word the error; the parser only refuses."""
    with pytest.raises(ValueError):
        parse_cst("2025-13-40T00:00")


def test_a_period_ends_at_24_00_cst_of_its_due_date() -> None:
    """A due date D ends at 24:00 CST of D, i.e. 00:00 CST of D+1 (period conventions)."""
    end = end_of_day_cst(datetime(2025, 10, 9).date())
    assert end == datetime(2025, 10, 10, tzinfo=CST)
