"""What a body owes and when it is told: periods owed, due dates, notices (pure).

The scheduler sweeps obligations the way it sweeps case deadlines: one row per body,
obligation and period, with the next notice it is owed and the instant that falls due.  This
module decides, from the obligation, the calendar, the adopter's parameters and what was
already recorded, what that is:

* reminders ``reminder:<n>`` at 00:00 CST ``n`` days before the due date (policy) — while the
  obligation is not met; a sweep that comes late sends only the latest reminder it has passed,
  and none once the due date is over;
* ``overdue`` at 24:00 CST of the due date, when fewer than ``min`` fulfilments are dated on or
  before it (a period ends at 24:00: 民法典第二百零三条);
* ``escalation:<k>`` at 24:00 CST of due + the rung's days, while still not met.

Each notice is owed once; the store's unique key makes "once" hold against racing sweepers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from rongcuo.domain.calendar import WorkCalendar
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.legal_time import end_of_day, start_of_day
from rongcuo.domain.messages import message
from rongcuo.domain.obligations.model import Body, DueRule, Obligation, ObligationCatalogue
from rongcuo.domain.obligations.periods import (
    CALENDAR_KINDS,
    Period,
    PeriodKind,
    periods_between,
)
from rongcuo.domain.periods import PeriodRule, compute_due

PARAMETER_UNSET = message(
    "obligation.parameter_unset",
    "“{title}”的{what}原文未规定（{cite}），须由本单位设定参数 {name} 后才能计算",
    "'{title}': the source gives no {what_en} ({cite}); the adopting body must set the "
    "parameter {name} first",
)
BAD_PERIOD = message(
    "obligation.bad_period",
    "参数 {name} 的取值 {value!r} 不是周期（年、半年、季度、月：year、half_year、quarter、month）",
    "parameter {name}: {value!r} is not a period (year, half_year, quarter, month)",
)


@dataclass(frozen=True)
class Due:
    """A period's due date and how it was derived (kept with the row, so a later change of a
    parameter or a reading never alters a period already owed)."""

    due: date
    provisional: bool
    basis: dict[str, Any]


def period_kind(ob: Obligation, settings: Mapping[str, Any]) -> PeriodKind | None:
    """The obligation's period kind; None while the parameter naming it is unset."""
    if ob.period in (*CALENDAR_KINDS, "occurrence"):
        return ob.period
    value = settings.get(str(ob.period))
    if value is None:
        return None
    if value not in CALENDAR_KINDS:
        raise InvalidInput.of(BAD_PERIOD, name=ob.period, value=value, article=ob.article)
    return value  # type: ignore[no-any-return]


def unset_parameters(ob: Obligation, settings: Mapping[str, Any]) -> list[str]:
    """The parameters ``ob`` reads that the adopting body has not set."""
    return [p for p in ob.parameters if settings.get(p) is None]


def _days(rule: DueRule, ob: Obligation, settings: Mapping[str, Any]) -> int:
    if isinstance(rule.days, int):
        return rule.days
    value = settings.get(str(rule.days))
    if value is None:
        raise InvalidInput.of(PARAMETER_UNSET, title=ob.title_zh, what="期限",
                              what_en="time limit", cite=ob.article, name=rule.days,
                              article=ob.article)
    return int(value)


def _counted(start: date, days: int, rollover: bool, calendar: WorkCalendar) -> Due:
    d = compute_due(start, PeriodRule("calendar", days, rollover=rollover), calendar)
    return Due(d.due, d.provisional, dict(d.basis))


def due_for(ob: Obligation, period: Period, calendar: WorkCalendar,
            settings: Mapping[str, Any]) -> Due:
    """The due date of ``ob`` for ``period`` (for an occurrence: the period is the day it
    happened).  Raises InvalidInput when it depends on a parameter not yet set."""
    rule = ob.due
    if rule.kind == "end_of_period":
        return Due(period.end, False, {"rule": "end_of_period", "period": period.key,
                                        "reading": rule.reading})
    if rule.kind == "fixed":
        assert rule.month is not None and rule.day is not None
        fixed = date(period.end.year + rule.years_after, rule.month, rule.day)
        basis: dict[str, Any] = {"rule": "fixed", "period": period.key,
                                 "date": fixed.isoformat(), "rollover": rule.rollover,
                                 "reading": rule.reading}
        if not rule.rollover:
            return Due(fixed, False, basis)
        # the next working day on or after the date: a 1-day period from the day before
        moved = _counted(fixed - timedelta(days=1), 1, True, calendar)
        return Due(moved.due, moved.provisional, {**basis, "counted": moved.basis})
    days = _days(rule, ob, settings)
    counted = _counted(period.end if rule.kind == "after_period_end" else period.start,
                       days, rule.rollover, calendar)
    return Due(counted.due, counted.provisional, {
        "rule": rule.kind, "period": period.key, "days": days,
        **({"parameter": rule.days} if isinstance(rule.days, str) else {}),
        "counted": counted.basis, "reading": rule.reading})


def owed_periods(ob: Obligation, body: Body, today: date, calendar: WorkCalendar,
                 settings: Mapping[str, Any]) -> list[tuple[Period, Due]]:
    """The calendar periods ``body`` owes ``ob`` for, up to the one containing ``today``:
    each begins on or after the obligation entered into force, and falls due on or after the
    body's ``since`` (a body registered in January still owes last year's annual report).
    Nothing while a parameter the obligation reads is unset, and nothing for an occurrence
    obligation (its periods are opened by the occurrence)."""
    kind = period_kind(ob, settings)
    if kind is None or kind == "occurrence" or not ob.owed_by(body) or unset_parameters(
            ob, settings):
        return []
    # a period due on or after `since` ends at most ~13 months before it (the annual report
    # of year Y falls due on 31 January of Y+1): look back 400 days, never before in force
    first = max(ob.in_force, body.since - timedelta(days=400))
    out = []
    for p in periods_between(kind, first, today):
        if p.start < ob.in_force:
            continue
        due = due_for(ob, p, calendar, settings)
        if due.due >= body.since:
            out.append((p, due))
    return out


def schedule(ob: Obligation, due: date) -> list[tuple[str, datetime]]:
    """Every notice of a period due on ``due``, in the order they fall due."""
    out = [(f"reminder:{n}", start_of_day(due - timedelta(days=n)))
           for n in sorted(set(ob.reminders), reverse=True)]
    out.append(("overdue", end_of_day(due)))
    out += [(f"escalation:{k}", end_of_day(due + timedelta(days=r.days)))
            for k, r in enumerate(ob.escalation, 1)]
    return out


@dataclass(frozen=True)
class Standing:
    """How a period stands: fulfilments on time, in all, and the word for it."""

    on_time: int
    total: int
    status: str  # open | met | overdue | met_late

    @property
    def met(self) -> bool:
        return self.status in ("met", "met_late")


def standing(ob: Obligation, due: date, fulfilled_on: Sequence[date], now: datetime) -> Standing:
    """``open`` (not yet met, not yet due), ``met`` (enough by the due date), ``overdue`` (the
    due date passed without enough), ``met_late`` (enough, but only after it)."""
    on_time = sum(1 for d in fulfilled_on if d <= due)
    total = len(fulfilled_on)
    if on_time >= ob.min:
        return Standing(on_time, total, "met")
    if now < end_of_day(due):
        return Standing(on_time, total, "met" if total >= ob.min else "open")
    return Standing(on_time, total, "met_late" if total >= ob.min else "overdue")


def _wanted(ob: Obligation, due: date, st: Standing, recorded: Iterable[str],
            now: datetime) -> list[tuple[str, datetime]]:
    """The notices still to record, from ``now`` on (reminders passed by a later one or by the
    due date are dropped: a sweep that came late does not send stale reminders)."""
    done = set(recorded)
    plan = schedule(ob, due)
    reminders = [(n, at) for n, at in plan if n.startswith("reminder:")]
    passed = [n for n, at in reminders if at <= now]
    stale = set(passed[:-1]) | (set(passed) if now >= end_of_day(due) else set())
    out = []
    for n, at in plan:
        if n in done or n in stale:
            continue
        if n.startswith("reminder:") and st.total >= ob.min:
            continue  # already met: no reminder
        if n == "overdue" and st.on_time >= ob.min:
            continue
        if n.startswith("escalation:") and st.total >= ob.min:
            continue  # met late: nothing to escalate
        out.append((n, at))
    return out


def owed_notices(ob: Obligation, due: date, fulfilled_on: Sequence[date],
                 recorded: Iterable[str], now: datetime) -> tuple[list[tuple[str, datetime]],
                                                                tuple[str, datetime] | None]:
    """(the notices to record now, oldest first; the next one after them, or None)."""
    st = standing(ob, due, fulfilled_on, now)
    wanted = _wanted(ob, due, st, recorded, now)
    now_due = [(n, at) for n, at in wanted if at <= now]
    later = [(n, at) for n, at in wanted if at > now]
    return now_due, (later[0] if later else None)


def catalogue_parameters(cat: ObligationCatalogue, settings: Mapping[str, Any]
                         ) -> list[dict[str, Any]]:
    """Every parameter the catalogue declares, with its value (None: not set)."""
    return [{"name": p.name, "value": settings.get(p.name), "article": p.article,
             "note": p.note, "basis": p.basis} for p in cat.parameters]
