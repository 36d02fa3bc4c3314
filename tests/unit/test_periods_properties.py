"""Property tests of the legal clock (hypothesis), against a day-by-day reference count.

The reference walks the calendar one day at a time, exactly as a case worker counts by hand;
the production code never walks (it uses cumulative counts), so agreement is a real check.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rongcuo.calendars import load_calendar
from rongcuo.domain.calendar import WorkCalendar
from rongcuo.domain.case import Pause
from rongcuo.domain.periods import PeriodRule, compute_due

SHIPPED = Path(__file__).resolve().parents[2] / "workflows" / "calendars"
CAL = load_calendar([SHIPPED])
ONE = timedelta(days=1)

starts = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
units = st.sampled_from(["calendar", "working"])
ext_from = st.sampled_from(["original_last", "rolled_due"])


def reference_due(
    start: date, rule: PeriodRule, cal: WorkCalendar, pauses: list[Pause], ext: int
) -> date:
    """Count day by day: skip paused days (Licheng art. 16), count working days only for a
    working-day period, roll a non-working last day forward (Civil Code art. 203)."""
    paused = {p.start + i * ONE for p in pauses for i in range((p.end - p.start).days + 1)}

    def walk(anchor: date, k: int) -> date:
        d, counted = anchor, 0
        while counted < k:
            d += ONE
            if d in paused:
                continue
            if rule.unit == "working" and not cal.is_workday(d):
                continue
            counted += 1
        return d

    def roll(d: date) -> date:
        while not cal.is_workday(d):
            d += ONE
        return d

    def through_rollover(last: date) -> date:
        """A pause that starts after the counted last day but on or before the day it rolls
        to starts on the (rolled) last day: the last day becomes the first day after it."""
        if not (rule.rollover and rule.unit == "calendar"):
            return last
        while True:
            gap = roll(last)
            hit = min((d for d in paused if last < d <= gap), default=None)
            if hit is None:
                return last
            while hit in paused:
                hit += ONE
            last = hit

    rolls = rule.rollover and (rule.unit == "calendar" or rule.days + ext == 0)
    if ext and rule.extension_from == "rolled_due" and rule.unit == "calendar":
        first = through_rollover(walk(start, rule.days))
        last = walk(roll(first) if rule.rollover else first, ext)
    else:
        last = walk(start, rule.days + ext)
    last = through_rollover(last)
    return roll(last) if rolls else last


@st.composite
def pause_lists(draw: st.DrawFn, start: date) -> list[Pause]:
    out: list[Pause] = []
    cursor = start
    for _ in range(draw(st.integers(0, 3))):
        a = cursor + draw(st.integers(0, 40)) * ONE
        b = a + draw(st.integers(0, 20)) * ONE
        out.append(Pause(a, b))
        cursor = b + ONE
    return out


@settings(max_examples=300, deadline=None)
@given(data=st.data(), start=starts, unit=units, n=st.integers(0, 120), ext=st.integers(0, 30),
       rollover=st.booleans(), ef=ext_from)  # fmt: skip
def test_due_date_equals_the_day_by_day_count(
    data: st.DataObject, start: date, unit: str, n: int, ext: int, rollover: bool, ef: str
) -> None:
    """Civil Code arts. 201, 203, Licheng arts. 16–17: the fast computation equals counting
    every day by hand, for any start, unit, N, pauses, extension and rollover setting."""
    pauses = data.draw(pause_lists(start))
    rule = PeriodRule(unit, n, rollover=rollover, extension_from=ef)  # type: ignore[arg-type]
    got = compute_due(start, rule, CAL, pauses=pauses, extension_days=ext).due
    assert got == reference_due(start, rule, CAL, pauses, ext)


@settings(max_examples=200, deadline=None)
@given(s1=starts, gap=st.integers(0, 60), unit=units, n=st.integers(0, 90))
def test_a_later_start_never_gives_an_earlier_due_date(
    s1: date, gap: int, unit: str, n: int
) -> None:
    """Monotonicity: counting from a later day cannot end earlier (Civil Code arts. 201, 203)."""
    rule = PeriodRule(unit, n)  # type: ignore[arg-type]
    s2 = s1 + gap * ONE
    assert compute_due(s1, rule, CAL).due <= compute_due(s2, rule, CAL).due


@settings(max_examples=200, deadline=None)
@given(start=starts, n=st.integers(1, 60), offset=st.integers(0, 200), length=st.integers(0, 30))
def test_a_pause_of_k_working_days_moves_a_working_period_by_k_working_days(
    start: date, n: int, offset: int, length: int
) -> None:
    """Licheng art. 16: a pause inside a working-day period moves its due date by exactly the
    number of working days in the pause (counted from day 1)."""
    rule = PeriodRule("working", n)
    plain = compute_due(start, rule, CAL).due
    a = start + ONE + (offset % max((plain - start).days, 1)) * ONE  # a day inside the period
    b = a + length * ONE
    k = sum(CAL.is_workday(a + i * ONE) for i in range(length + 1))
    moved = compute_due(start, rule, CAL, pauses=[Pause(a, b)]).due
    expected = plain
    for _ in range(k):
        expected += ONE
        while not CAL.is_workday(expected):
            expected += ONE
    assert moved == expected


@settings(max_examples=200, deadline=None)
@given(start=starts, unit=units, n=st.integers(0, 200), data=st.data())
def test_due_date_is_a_working_day_when_the_rule_rolls_over(
    start: date, unit: str, n: int, data: st.DataObject
) -> None:
    """Civil Code art. 203: with rollover on, the due date is always a working day."""
    pauses = data.draw(pause_lists(start))
    r = compute_due(start, PeriodRule(unit, n), CAL, pauses=pauses)  # type: ignore[arg-type]
    assert CAL.is_workday(r.due)


@settings(max_examples=100, deadline=None)
@given(start=starts, unit=units, n=st.integers(0, 200))
def test_provisional_exactly_when_a_consulted_year_has_no_file(
    start: date, unit: str, n: int
) -> None:
    """A date is 暂定 iff a year it depended on (2027+) has no calendar file."""
    r = compute_due(start, PeriodRule(unit, n), CAL)  # type: ignore[arg-type]
    # consulted from day 1 (working) or from the last day counted (calendar, Civil Code 203)
    first = start + ONE if unit == "working" and n else start + n * ONE
    assert r.provisional == any(y >= 2027 for y in range(first.year, r.due.year + 1))


@settings(max_examples=150, deadline=None)
@given(d=st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 12, 31)),
       n=st.integers(-100, 200))  # fmt: skip
def test_add_workdays_equals_counting_working_days_one_by_one(d: date, n: int) -> None:
    """WorkCalendar.add_workdays (used for "N working days before/after") equals a day-by-day
    count, forwards and backwards; d itself is not counted (Civil Code art. 201)."""
    fresh = load_calendar([SHIPPED])  # a cold cache: the window must grow both ways
    expected, step, left = d, (ONE if n > 0 else -ONE), abs(n)
    while left:
        expected += step
        if fresh.is_workday(expected):
            left -= 1
    assert fresh.add_workdays(d, n) == expected
    if n >= 0:
        assert fresh.workdays_between(d + ONE, expected) == n
    else:
        assert fresh.workdays_between(expected, d - ONE) == -n


def _rederive_from_basis(b: dict[str, Any]) -> date:
    """What an auditor does with the basis alone — no calendar, no rongcuo code."""
    start = date.fromisoformat(b["start"])
    n = b["n"] + b["extensions"]["days"]
    pauses = b["pauses"]
    if b["unit"] == "calendar":
        shift = sum(p["shift"] for p in pauses if p["status"] == "counted")
        roll = b["rollover"]
        return date.fromisoformat(roll["to"]) if roll["applied"] else start + (n + shift) * ONE
    special = {date.fromisoformat(d["date"]): d["kind"] for d in b["special_days"]}
    paused: set[date] = set()
    for p in pauses:
        a, z = date.fromisoformat(p["from"]), date.fromisoformat(p["to"])
        paused.update(a + i * ONE for i in range((z - a).days + 1))
    d, counted = start, 0
    while counted < n:
        d += ONE
        kind = special.get(d)
        work = kind == "adjusted_workday" or (d.weekday() < 5 and kind != "holiday")
        if work and d not in paused:
            counted += 1
    return d


@settings(max_examples=150, deadline=None)
@given(data=st.data(), start=starts, unit=units, n=st.integers(1, 90), ext=st.integers(0, 30))
def test_an_auditor_rederives_the_due_date_from_the_basis_alone(
    data: st.DataObject, start: date, unit: str, n: int, ext: int
) -> None:
    """The basis is enough to count the date again by hand: start, N, extension, pauses,
    the holidays and adjusted working days inside the period, and the rollover (Civil Code
    arts. 201, 203; Licheng arts. 16–17)."""
    pauses = data.draw(pause_lists(start))
    rule = PeriodRule(unit, n)  # type: ignore[arg-type]
    r = compute_due(start, rule, CAL, pauses=pauses, extension_days=ext)
    assert _rederive_from_basis(r.basis) == r.due
