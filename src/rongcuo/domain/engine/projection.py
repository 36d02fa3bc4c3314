"""Projection: a case's timers as due dates, deadlines and the notice schedule.

Due dates are never stored: each is derived from the ``TimerState``, the timer's period rule
in the definition and the calendar (``rongcuo.domain.periods.compute_due``), so loading a new
calendar year recomputes them.  The scheduler's semantics live here too: which notice a
deadline owes next and the instant (CST) it falls due.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from rongcuo.domain.calendar import WorkCalendar
from rongcuo.domain.case import CaseState, Deadline, TimerState
from rongcuo.domain.engine.adopter import case_days
from rongcuo.domain.engine.common import DueFor
from rongcuo.domain.legal_time import end_of_day, start_of_day
from rongcuo.domain.periods import DueDate, PeriodRule, compute_due
from rongcuo.domain.workflow.model import TimerSpec, WorkflowDefinition

__all__ = ["Projection"]

# an extension granted in days is itself a period: counted and rolled over by the Civil Code
ART_EXTENSION_PERIOD = "民法典第二百零一条至第二百零三条"

_COUNTING = ("running", "overdue")  # statuses a due date and notices are owed for


class _LazyBasis(Mapping[str, Any]):
    """A due date's explanation, built only when someone reads it (the store, a person).

    ``DueDate.basis`` re-runs the computation with a trace; most decisions never need it.
    """

    __slots__ = ("_data", "_due")

    def __init__(self, due: DueDate) -> None:
        self._due = due
        self._data: dict[str, Any] | None = None

    def _get(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self._due.basis
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(self._get())


class Projection:
    """Due dates and deadlines of every case of one definition version on one calendar."""

    def __init__(self, definition: WorkflowDefinition, calendar: WorkCalendar) -> None:
        self.definition = definition
        self.calendar = calendar
        self._rules: dict[tuple[str, int | None], PeriodRule] = {}  # validated once each
        # A Deadline depends only on its TimerState (+ per-case days) and this calendar, so it
        # is memoised per TimerState; the entry dies with the last case state holding that
        # TimerState (weak keys), so nothing is kept per case.  Public so a benchmark can
        # measure the unmemoised cost by replacing it.
        self.memo: weakref.WeakKeyDictionary[TimerState, tuple[int | None, Deadline]] = (
            weakref.WeakKeyDictionary()
        )

    def due(self, case: CaseState, t: TimerState) -> tuple[date, bool, Mapping[str, Any]] | None:
        """``(due date, provisional, basis)`` of a timer (None while paused)."""
        if t.paused_since is not None:
            return None
        spec = self.definition.timers[t.name]
        ext_days = sum(e.days for e in t.extensions)
        if t.due_override is not None:
            return self._extended_given_due(spec, t, ext_days)
        days = case_days(case.facts, spec)
        rule = self._rules.get((t.name, days))
        if rule is None:
            rule = self._rules[(t.name, days)] = spec.rule(days)
        dd = compute_due(
            t.started_on, rule, self.calendar, pauses=t.pauses, extension_days=ext_days
        )
        return dd.due, dd.provisional, _LazyBasis(dd)

    def _extended_given_due(
        self, spec: TimerSpec, t: TimerState, ext_days: int
    ) -> tuple[date, bool, Mapping[str, Any]]:
        """A due date given as a date (历城办法第二十条 "限期": the body names the day) stays
        that day.  An extension granted in days is a period (Civil Code arts. 201–203): its
        days are counted after the given last day, and a last day on a rest day rolls to the
        next working day — e.g. due 2026-02-05 extended by 10 → 02-15, 春节 → 02-24."""
        assert t.due_override is not None
        basis: dict[str, Any] = {
            "start": t.started_on.isoformat(),
            "due_given": t.due_override.isoformat(),
            "extensions": [e.to_dict() for e in t.extensions],
            "article": spec.article,
        }
        if not ext_days:
            due = t.due_override
            basis["due"] = due.isoformat()
            return due, self.calendar.is_provisional(due), basis
        rule = PeriodRule("calendar", ext_days, rollover=spec.rollover,
                          extension_article=spec.extension.article if spec.extension else None)
        dd = compute_due(t.due_override, rule, self.calendar)
        counted = dd.basis
        basis["due"] = dd.due.isoformat()
        basis["extension_period"] = {
            "from": t.due_override.isoformat(), "days": ext_days,
            "last_day": counted.get("last_day"), "rollover": counted.get("rollover"),
            "article": ART_EXTENSION_PERIOD,
        }
        return dd.due, dd.provisional, basis

    def due_for(self, case: CaseState | None) -> DueFor:
        """The running due date of each timer of ``case``, computed on demand."""

        def due(name: str) -> date | None:
            if case is None:
                return None
            t = case.timers.get(name)
            if t is None or t.status not in _COUNTING or t.stopped_on is not None:
                return None
            got = self.due(case, t)
            return got[0] if got else None

        return due

    def notice_at(self, spec: TimerSpec, key: str, due: date) -> datetime:
        """When a notice falls due (aware, CST).

        ``reminder:<n>``: 00:00 of the day n working days before due; ``overdue``: 24:00 of
        the due date; ``escalation:<k>``: 24:00 of the day the rung's offset (working days)
        after due.
        """
        kind, _, rest = key.partition(":")
        if kind == "reminder":
            return start_of_day(self.calendar.add_workdays(due, -int(rest)))
        if kind == "overdue":
            return end_of_day(due)
        rung = spec.escalation[int(rest) - 1]
        return end_of_day(self.calendar.add_workdays(due, rung.offset_working_days))

    def notice_schedule(self, spec: TimerSpec, due: date) -> list[tuple[str, datetime]]:
        """Every notice of a timer with the instant it falls due (CST), in time order."""
        return [(k, self.notice_at(spec, k, due)) for k in spec.notice_keys()]

    def _next_notice(
        self, spec: TimerSpec, t: TimerState, due: date
    ) -> tuple[str, datetime] | None:
        # notice_keys() is in time order (reminders by falling n, overdue, rungs by rising
        # offset - the validator enforces it), so the first key not recorded is the earliest.
        for key in spec.notice_keys():
            if key not in t.notices:
                return key, self.notice_at(spec, key, due)
        return None

    def deadlines(self, case: CaseState) -> tuple[Deadline, ...]:
        """Every timer of the case projected for storage, with the next notice owed."""
        out = []
        memo = self.memo
        timers = self.definition.timers
        for name, t in case.timers.items():
            days = case_days(case.facts, timers[name])
            hit = memo.get(t)
            if hit is not None and hit[0] == days:
                out.append(hit[1])
                continue
            deadline = self._project(case, t)
            memo[t] = (days, deadline)
            out.append(deadline)
        return tuple(out)

    def _project(self, case: CaseState, t: TimerState) -> Deadline:
        name = t.name
        spec = self.definition.timers[name]
        got = self.due(case, t)
        due, provisional, basis = (
            got
            if got
            else (
                None,
                False,
                {
                    "paused_since": t.paused_since.isoformat() if t.paused_since else None,
                    "pauses": [p.to_dict() for p in t.pauses],
                    "article": spec.pause_article,
                },
            )
        )
        nxt: tuple[str, datetime] | None = None
        if due is not None and t.status in _COUNTING and t.stopped_on is None:
            nxt = self._next_notice(spec, t, due)
        return Deadline(
            timer=name,
            status=t.status,
            due=due,
            provisional=provisional,
            basis=basis,
            started_on=t.started_on,
            label_zh=spec.label_zh,
            label_en=spec.label_en,
            next_notice=nxt[0] if nxt else None,
            next_notice_at=nxt[1] if nxt else None,
            # everything due() reads of the case for this timer (status, stop and notices
            # are not in the basis); the calendar is this projection's own
            basis_key=(
                t.started_on, t.pauses, t.paused_since, t.extensions, t.due_override,
                case_days(case.facts, spec),
                provisional,
            ),
        )
