"""The counting: pauses, calendar-day and working-day advance, rollover — no day-by-day walk.

Everything here works in date ordinals (``date.toordinal()``) against the calendar's
:class:`~rongcuo.domain.calendar.WorkdayIndex`; ``date`` objects are made only for the result.
With a ``trace`` dict the same code records what an auditor needs (:mod:`.basis`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import pairwise
from typing import Any

from rongcuo.domain.calendar import WorkCalendar, WorkdayIndex
from rongcuo.domain.case import Pause
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.periods.basis import build_basis
from rongcuo.domain.periods.rule import DueArgs, DueDate, PauseOrd, PeriodRule

MSG_PERIOD_BAD_EXTENSION = message(
    "period.bad_extension",
    "延长天数必须是非负整数，收到 {extension_days!r}",
    "extension days must be a non-negative integer, got {extension_days!r}",
)

MSG_PERIOD_EXTENSION_OVER_CAP = message(
    "period.extension_over_cap",
    "延长 {extension_days} 日超过上限 {cap} 日",
    "an extension of {extension_days} days exceeds the cap of {cap} days",
)

MSG_PAUSE_BAD_DATE = message(
    "pause.bad_date",
    "中止区间的起止必须是日期",
    "a pause must start and end on dates",
)

MSG_PAUSE_REVERSED = message(
    "pause.reversed",
    "中止区间 {start}:{end} 的结束日早于开始日",
    "pause {start}:{end} ends before it starts",
)

MSG_PERIOD_OUT_OF_RANGE = message(
    "period.out_of_range",
    "期间从 {start} 起 {days} 日{ext_zh}超出可计算的日期范围",
    "a period of {days} days{ext_en} from {start} runs past the last date that can be "
    "computed",
)

MSG_PAUSE_OVERLAP = message(
    "pause.overlap",
    "中止区间 {start}:{end} 与 {start2}:{end2} 重叠",
    "pauses {start}:{end} and {start2}:{end2} overlap",
)

__all__ = ["compute_due"]


def compute_due(
    start: date,
    rule: PeriodRule,
    calendar: WorkCalendar,
    *,
    pauses: Sequence[Pause] = (),
    extension_days: int = 0,
) -> DueDate:
    """The due date of a period that starts on ``start`` (the start day itself not counted).

    Raises :class:`InvalidInput` for a negative extension or one above the rule's cap, a pause
    that ends before it starts, or overlapping pauses (negative days are refused when the
    :class:`PeriodRule` is built); each cites the rule's own extension or pause article, if it
    has one.  A pause that began before ``start`` counts only its days inside the period (an
    appraisal commissioned before filing and still running: 历城办法第十六条 leaves appraisal
    time out of the period, and only the period's own days can be left out of it).  Raises
    :class:`~rongcuo.domain.errors.CalendarError` when the period reaches a year with neither
    a calendar file nor a provisional rule.
    """
    if extension_days:
        _check_extension(rule, extension_days)
    ps = _check_pauses(start, pauses, rule.pause_article) if pauses else ()
    try:
        due, provisional = compute(start, rule, calendar, ps, extension_days, None)
    except (OverflowError, ValueError):
        ext_zh = f"（延长 {extension_days} 日）" if extension_days else ""
        ext_en = f" extended by {extension_days} days" if extension_days else ""
        raise InvalidInput.of(
            MSG_PERIOD_OUT_OF_RANGE,
            start=start.isoformat(),
            days=rule.days,
            ext_zh=ext_zh,
            ext_en=ext_en,
        ) from None
    return _Counted(due, provisional, _args=(start, rule, calendar, ps, extension_days))


class _Counted(DueDate):
    """A due date :func:`compute_due` counted: its basis re-runs the counting with a trace,
    when someone first reads it."""

    __slots__ = ()

    def _make_basis(self) -> dict[str, Any]:
        args: DueArgs = self._args  # type: ignore[assignment]  # always set by compute_due
        trace: dict[str, Any] = {}
        start, rule, cal, ps, ext = args
        compute(start, rule, cal, ps, ext, trace)
        return build_basis(args, trace, self)


def _check_extension(rule: PeriodRule, extension_days: int) -> None:
    if (
        isinstance(extension_days, bool)
        or not isinstance(extension_days, int)
        or extension_days < 0
    ):
        raise InvalidInput.of(
            MSG_PERIOD_BAD_EXTENSION,
            extension_days=extension_days,
            article=rule.extension_article,
        )
    cap = rule.max_extension_days
    if cap is not None and extension_days > cap:
        raise InvalidInput.of(
            MSG_PERIOD_EXTENSION_OVER_CAP,
            extension_days=extension_days,
            cap=cap,
            article=rule.extension_article,
        )


# -- pauses ---------------------------------------------------------------------------------
def _bad_pause(start: date, p: Pause, article: str | None) -> InvalidInput | None:
    if not isinstance(p.start, date) or not isinstance(p.end, date):
        return InvalidInput.of(
            MSG_PAUSE_BAD_DATE,
        )
    if p.end < p.start:
        return InvalidInput.of(
            MSG_PAUSE_REVERSED,
            start=p.start.isoformat(),
            end=p.end.isoformat(),
            article=article,
        )
    # A pause that began before the period started (an appraisal commissioned during the
    # preliminary check, still running at filing) is not an error: only its days inside the
    # period are left out (the counting starts at the day after ``start``).
    return None


def _check_pauses(
    start: date, pauses: Sequence[Pause], article: str | None
) -> list[PauseOrd]:
    """Validate the pauses; return (start ordinal, end ordinal, pause) sorted by date."""
    out: list[PauseOrd] = []
    for p in pauses:
        ps, pe = p.start, p.end
        # fast path: the usual well-formed pause (exact types, ordered, not before the start)
        if type(ps) is not date or type(pe) is not date or pe < ps:
            err = _bad_pause(start, p, article)
            if err is not None:
                raise err
        out.append((ps.toordinal(), pe.toordinal(), p))
    if len(out) > 1:
        out.sort(key=_pause_key)
        for (_, b, p), (a2, _, q) in pairwise(out):
            if a2 <= b:
                raise InvalidInput.of(
                    MSG_PAUSE_OVERLAP,
                    start=p.start.isoformat(),
                    end=p.end.isoformat(),
                    start2=q.start.isoformat(),
                    end2=q.end.isoformat(),
                    article=article,
                )
    return out


def _pause_key(t: PauseOrd) -> tuple[int, int]:
    return (t[0], t[1])


# -- advancing ------------------------------------------------------------------------------
def _adv_calendar(
    anchor: int, k: int, ps: Sequence[PauseOrd], rec: list[Any] | None,
    roll: Callable[[int], int] | None = None,
) -> int:
    """Last day of k calendar days counted after ``anchor``, with the pauses applied.

    With ``roll`` (the rollover of Civil Code art. 203): a pause that starts after the
    counted last day but on or before the day it rolls to starts within the period — that
    rolled day *is* its last day — so the last day moves to the day after the pause, exactly
    as for a pause starting on the counted last day itself."""
    end = anchor + k
    for a, b, p in ps:
        ea = a if a > anchor else anchor + 1
        if b < ea:
            if rec is not None and a <= anchor:
                rec.append((p, ea, 0, "before_start"))
            continue
        if ea > end:
            if roll is not None and ea <= roll(end):
                shift = b + 1 - end
                end = b + 1
                if rec is not None:
                    rec.append((p, ea, shift, "counted"))
                continue
            if rec is not None:
                rec.append((p, ea, 0, "after_end"))
            continue
        end += b - ea + 1
        if rec is not None:
            rec.append((p, ea, b - ea + 1, "counted"))
    return end


def _adv_working(
    idx: WorkdayIndex,
    anchor: int,
    k: int,
    ps: Sequence[PauseOrd],
    rec: list[Any] | None,
) -> int:
    """Last day of k working days counted after ``anchor``, with the pauses applied."""
    if k == 0:
        return anchor
    end = idx.add_workdays(anchor, k)
    for a, b, p in ps:
        ea = a if a > anchor else anchor + 1
        if b < ea:
            if rec is not None and a <= anchor:
                rec.append((p, ea, 0, "before_start"))
            continue
        if ea > end:
            if rec is not None:
                rec.append((p, ea, 0, "after_end"))
            continue
        w = idx.workdays_between(ea, b)
        if w:
            end = idx.add_workdays(end, w)
        if rec is not None:
            rec.append((p, ea, w, "counted"))
    return end


def compute(
    start: date,
    rule: PeriodRule,
    cal: WorkCalendar,
    ps: Sequence[PauseOrd],
    ext: int,
    trace: dict[str, Any] | None,
) -> tuple[date, bool]:
    """(due date, provisional) of validated input; with ``trace``, record how (for the basis):
    ``raw`` and ``due`` (last day before and after the rollover), ``pauses``, ``years``, and for
    an extension ``first_raw`` / ``first_due`` (the original last day, un-rolled and rolled)."""
    s = start.toordinal()
    n = rule.days
    idx = cal.index
    rec: list[Any] | None = [] if trace is not None else None
    if rule.unit == "calendar":
        roll = idx.next_workday if rule.rollover and ps else None
        if ext and rule.extension_from == "rolled_due":
            raw1 = _adv_calendar(s, n, ps, rec, roll)
            anchor = idx.next_workday(raw1) if rule.rollover else raw1
            if rec is not None and trace is not None:
                trace["first_raw"] = raw1
                trace["first_due"] = anchor
                trace["ext_rec_from"] = len(rec)
            raw = _adv_calendar(anchor, ext, ps, rec, roll)
            first = raw1
        else:
            if trace is not None and ext:
                trace["first_raw"] = _adv_calendar(s, n, ps, None, roll)  # original last day
            raw = _adv_calendar(s, n + ext, ps, rec, roll)
            first = raw
        if rule.rollover:
            due_o = idx.next_workday(raw)
            consulted = True
        else:
            due_o = raw
            consulted = False
    else:
        k = n + ext
        if trace is not None and ext:
            trace["first_raw"] = _adv_working(idx, s, n, ps, None)
        raw = _adv_working(idx, s, k, ps, rec)
        if k == 0 and rule.rollover:
            due_o = idx.next_workday(raw)
            first = raw
        else:
            due_o = raw
            first = s + 1
        consulted = k > 0 or rule.rollover
    due = date.fromordinal(due_o)
    provisional = False
    if consulted:
        loaded = idx.loaded
        y2 = due.year
        y1 = date.fromordinal(first).year if first != due_o else y2
        if y1 == y2:
            provisional = y2 not in loaded
        else:
            provisional = any(y not in loaded for y in range(y1, y2 + 1))
        if trace is not None:
            trace["years"] = (y1, y2)
    if trace is not None:
        trace["raw"] = raw
        trace["due"] = due_o
        trace["pauses"] = rec
    return due, provisional
