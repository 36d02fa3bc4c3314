"""Benchmark of the legal clock: due-date computations per second on one core.

Run: ``python benchmarks/bench_periods.py [--seconds 1.0]``.  Prints figures; asserts nothing.
Target (issue 2): at least 200,000 computations per second for a 30-calendar-day and a
5-working-day period, with and without pauses.  Starts cycle over every day of 2025–2026 so
no single cached answer is measured.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from rongcuo.calendars import load_calendar
from rongcuo.domain.case import Pause
from rongcuo.domain.periods import PeriodRule, compute_due

SHIPPED = Path(__file__).resolve().parents[1] / "workflows" / "calendars"


def _rate(fn: Callable[[date], object], starts: list[date], seconds: float) -> float:
    n = 0
    m = len(starts)
    t0 = time.perf_counter()
    deadline = t0 + seconds
    while True:
        for i in range(1000):
            fn(starts[(n + i) % m])
        n += 1000
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=1.0, help="time per scenario")
    args = ap.parse_args()
    cal = load_calendar([SHIPPED])
    starts = [date(2025, 1, 1) + timedelta(days=i) for i in range(730)]
    cal30 = PeriodRule("calendar", 30)
    work5 = PeriodRule("working", 5)

    def pauses_for(s: date) -> list[Pause]:
        return [Pause(s + timedelta(days=2), s + timedelta(days=4))]

    pause_table = {s: pauses_for(s) for s in starts}  # built outside the timed loop
    scenarios: list[tuple[str, Callable[[date], object]]] = [
        ("30 calendar days", lambda s: compute_due(s, cal30, cal)),
        ("30 calendar days + 1 pause", lambda s: compute_due(s, cal30, cal, pauses=pause_table[s])),
        ("5 working days", lambda s: compute_due(s, work5, cal)),
        ("5 working days + 1 pause", lambda s: compute_due(s, work5, cal, pauses=pause_table[s])),
        (
            "30 calendar days + ext 30",
            lambda s: compute_due(s, cal30, cal, extension_days=30),
        ),
        ("30 calendar days + basis", lambda s: compute_due(s, cal30, cal).basis),
    ]
    print(f"{'scenario':<30} {'per second':>12}  (one core, {args.seconds:g} s each)")
    for name, fn in scenarios:
        fn(starts[0])  # warm the calendar cache
        rate = _rate(fn, starts, args.seconds)
        print(f"{name:<30} {rate:>12,.0f}")


if __name__ == "__main__":
    main()
