"""Legal periods (法定期间): the due date of a timer, with its explanation — pure and fast.

Every rule is an explicit setting of :class:`PeriodRule`, never an implicit habit:

* ``unit``: ``"calendar"`` (自然日) or ``"working"`` (工作日, per :class:`WorkCalendar`).
* The start day is not counted; day 1 is the next day (民法典第二百零一条, Civil Code art. 201).
* Rollover (``rollover=True``): a calendar-day period whose last day is not a working day —
  a holiday, a swapped rest weekday, or an ordinary weekend day that is not an adjusted working
  day — ends on the next working day (民法典第二百零三条, Civil Code art. 203).  An adjusted
  working Saturday or Sunday (调休上班日) does not roll.  A working-day period always ends on a
  working day, so rollover never changes it (except a zero-day period starting on a rest day).
* Pauses (e.g. 历城办法第十六条, Licheng art. 16: appraisal time is not counted): inclusive date
  intervals during which the period does not run.  A pause that starts on or before the
  (current) last day moves the last day by its length — calendar days for a calendar-day
  period, its working days for a working-day period; a pause that starts after the last day
  changes nothing.  Pauses are applied in date order, before the rollover, so a pause that
  starts after the original last day but inside the already-extended period still counts.
  A pause that starts after the counted last day but on or before the day that last day
  rolls over to (Civil Code art. 203) also starts within the period — on its last day — and
  moves the last day to the day after the pause, as a pause from the counted last day does.
  The start day itself is never counted, so a pause starting on the start day counts only from
  day 1.
* Extensions (e.g. 历城办法第十七条, Licheng art. 17: "延长期限不得超过30日"): days added to the
  running period, in the period's unit.  ``PeriodRule.max_extension_days`` caps the total.
  ``extension_from`` says how an extension counts when the original last day had rolled over:

  - ``"original_last"`` (default): the extension lengthens the ONE period; it is counted from
    the original, un-rolled last day, and the rollover applies only to the final last day.
    Reason: art. 203 defines when a period *ends*, and an extended period did not end on its
    original last day, so there is nothing to roll there; and Licheng art. 17 caps the
    extension at 30 days, which counting from a rolled date would silently exceed (a 30-day
    extension counted from a date rolled over a 7-day National Day block adds up to 37 days).
  - ``"rolled_due"``: the extension is counted from the rolled due date (the date the worker
    was shown), and the rollover applies again at its end.
* The period ends at 24:00 China Standard Time of the due date (:attr:`DueDate.ends_at`).
* Articles: the clock itself applies only national law (the Civil Code, :mod:`.articles`).  The
  pause and extension articles a due date cites are the timer's own definition's
  (:attr:`PeriodRule.pause_article`, :attr:`PeriodRule.extension_article`); with none given
  (the bare ``rongcuo calendar due`` tool) it cites none — no jurisdiction is assumed.

Provisional (暂定): a due date is provisional when a day the computation consulted (every day
of a working-day period, the last day and the days rolled over for a calendar-day period) lies
in a year with no calendar file.  A calendar-day period without rollover consults no calendar
and is never provisional.

Speed: no day-by-day walking (see :class:`WorkCalendar`); the explanation (``basis``) is built
lazily on first access by re-running the computation with a trace.

Modules: :mod:`.rule` (:class:`PeriodRule`, :class:`DueDate`), :mod:`.compute` (the counting),
:mod:`.basis` (the auditor's JSON and its format history), :mod:`.explain` (the prose),
:mod:`.articles` (the Civil Code articles every period applies).
"""

from __future__ import annotations

from rongcuo.domain.legal_time import CST
from rongcuo.domain.periods.articles import ART_ROLLOVER, ART_START
from rongcuo.domain.periods.basis import BASIS_FORMAT, basis_holds
from rongcuo.domain.periods.compute import compute_due
from rongcuo.domain.periods.rule import DueDate, ExtensionFrom, PeriodRule, Unit

__all__ = [
    "ART_ROLLOVER",
    "ART_START",
    "BASIS_FORMAT",
    "CST",
    "DueDate",
    "ExtensionFrom",
    "PeriodRule",
    "Unit",
    "basis_holds",
    "compute_due",
]
