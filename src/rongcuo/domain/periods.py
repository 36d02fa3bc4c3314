"""Legal periods (法定期间): the due date of a timer, with its explanation — pure and fast.

Every rule is an explicit setting of :class:`PeriodRule`, never an implicit habit:

* ``unit``: ``"calendar"`` (自然日) or ``"working"`` (工作日, per :class:`WorkCalendar`).
* The start day is not counted; day 1 is the next day (民法典第二百零一条, Civil Code art. 201).
* Rollover (``rollover=True``): a calendar-day period whose last day is not a working day —
  a holiday, a swapped rest weekday, or an ordinary weekend day that is not an adjusted working
  day — ends on the next working day (民法典第二百零三条, Civil Code art. 203).  An adjusted
  working Saturday or Sunday (调休上班日) does not roll.  A working-day period always ends on a
  working day, so rollover never changes it (except a zero-day period starting on a rest day).
* Pauses (历城办法第十六条, Licheng art. 16: appraisal time is not counted): inclusive date
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
* Extensions (历城办法第十七条, Licheng art. 17: "延长期限不得超过30日"): days added to the
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

Provisional (暂定): a due date is provisional when a day the computation consulted (every day
of a working-day period, the last day and the days rolled over for a calendar-day period) lies
in a year with no calendar file.  A calendar-day period without rollover consults no calendar
and is never provisional.

Speed: no day-by-day walking (see :class:`WorkCalendar`); the explanation (``basis``) is built
lazily on first access by re-running the computation with a trace.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from pathlib import PurePath
from typing import Any, Literal

from rongcuo.domain.calendar import STATUTE_EN, STATUTE_ZH, WorkCalendar
from rongcuo.domain.case import Pause
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.legal_time import CST, end_of_day

__all__ = ["CST", "DueDate", "PeriodRule", "compute_due"]


ART_START = "民法典第二百零一条"
ART_ROLLOVER = "民法典第二百零三条"
ART_PAUSE = "历城办法第十六条"
ART_EXTENSION = "历城办法第十七条"
_ARTICLE_EN = {ART_PAUSE: "Licheng art. 16", ART_EXTENSION: "Licheng art. 17",
               "历城办法第二十条": "Licheng art. 20"}

Unit = Literal["calendar", "working"]
ExtensionFrom = Literal["original_last", "rolled_due"]
_UNITS = ("calendar", "working")
_EXT_FROM = ("original_last", "rolled_due")


@dataclass(frozen=True)
class PeriodRule:
    """How one legal period is counted (every convention an explicit setting).

    ``days`` is N in the period's ``unit``; ``rollover`` applies Civil Code art. 203 to a
    calendar-day period; ``extension_from`` is how an extension counts after a rollover (see the
    module docstring); ``max_extension_days`` caps the total extension (Licheng art. 17: 30),
    ``None`` for no cap.
    """

    unit: Unit
    days: int
    rollover: bool = True
    extension_from: ExtensionFrom = "original_last"
    max_extension_days: int | None = None
    # the articles cited for an extension and a pause of this period: the definition's own
    # (Licheng art. 20 for a correction extension, art. 17 for the investigation's); the
    # defaults serve the bare `rongcuo calendar due` tool
    extension_article: str = ART_EXTENSION
    pause_article: str = ART_PAUSE

    def __post_init__(self) -> None:
        if self.unit not in _UNITS:
            raise InvalidInput(
                f"期间单位“{self.unit}”无效，应为 calendar（自然日）或 working（工作日）",
                f"period unit '{self.unit}' is invalid; use 'calendar' or 'working'",
                code="period.bad_unit",
            )
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 0:
            raise InvalidInput(
                f"期间天数必须是非负整数，收到 {self.days!r}",
                f"the number of days must be a non-negative integer, got {self.days!r}",
                code="period.negative_days",
            )
        if self.extension_from not in _EXT_FROM:
            raise InvalidInput(
                f"extension_from“{self.extension_from}”无效，应为 original_last 或 rolled_due",
                f"extension_from '{self.extension_from}' is invalid; "
                "use 'original_last' or 'rolled_due'",
                code="period.bad_extension_from",
            )
        cap = self.max_extension_days
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 0):
            raise InvalidInput(
                f"延长上限必须是非负整数，收到 {cap!r}",
                f"the extension cap must be a non-negative integer, got {cap!r}",
                code="period.bad_extension_cap",
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "days": self.days,
            "rollover": self.rollover,
            "extension_from": self.extension_from,
            "max_extension_days": self.max_extension_days,
        }


_PauseOrd = tuple[int, int, Pause]
_Args = tuple[date, "PeriodRule", WorkCalendar, Sequence[_PauseOrd], int]


class DueDate:
    """A computed due date: ``due``, ``provisional`` and the JSON-able ``basis``.

    Immutable.  ``basis`` is built on first access (it re-runs the computation with a trace),
    so computing due dates in bulk stays fast.  ``explain(lang)`` renders it for people.
    """

    __slots__ = ("_args", "_basis", "due", "provisional")

    due: date
    provisional: bool
    _basis: dict[str, Any] | None
    _args: _Args | None

    def __init__(
        self,
        due: date,
        provisional: bool,
        basis: dict[str, Any] | None = None,
        *,
        _args: _Args | None = None,
    ) -> None:
        object.__setattr__(self, "due", due)
        object.__setattr__(self, "provisional", provisional)
        object.__setattr__(self, "_basis", basis)
        object.__setattr__(self, "_args", _args)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("DueDate is immutable")

    @property
    def basis(self) -> dict[str, Any]:
        """Start, rule, unit, n, years and sources, pauses, extensions, rollover, provisional."""
        if self._basis is None:
            if self._args is None:  # pragma: no cover - constructed without basis or args
                object.__setattr__(self, "_basis", {})
            else:
                trace: dict[str, Any] = {}
                start, rule, cal, ps, ext = self._args
                _compute(start, rule, cal, ps, ext, trace)
                object.__setattr__(self, "_basis", _build_basis(self._args, trace, self))
        basis: dict[str, Any] = self._basis  # type: ignore[assignment]
        return basis

    @property
    def ends_at(self) -> datetime:
        """24:00 CST of the due date (an aware datetime: 00:00 CST of the next day)."""
        d = self.due
        return end_of_day(d)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DueDate):
            return NotImplemented
        return (
            self.due == other.due
            and self.provisional == other.provisional
            and self.basis == other.basis
        )

    def __hash__(self) -> int:
        return hash((self.due, self.provisional))

    def __repr__(self) -> str:
        return f"DueDate(due={self.due!r}, provisional={self.provisional!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # copy/pickle carry the materialised basis, not the calendar
        return (DueDate, (self.due, self.provisional, self.basis))

    def to_dict(self) -> dict[str, Any]:
        return {"due": self.due.isoformat(), "provisional": self.provisional, "basis": self.basis}

    def explain(self, lang: str = "zh") -> str:
        """A step-by-step explanation from which an auditor can re-derive the date by hand."""
        return _explain(self.basis, lang)


# -- computation --------------------------------------------------------------------------------
def _bad_pause(start: date, p: Pause) -> InvalidInput | None:
    if not isinstance(p.start, date) or not isinstance(p.end, date):
        return InvalidInput(
            "中止区间的起止必须是日期",
            "a pause must start and end on dates",
            code="pause.bad_date",
        )
    if p.end < p.start:
        return InvalidInput(
            f"中止区间 {p.start.isoformat()}:{p.end.isoformat()} 的结束日早于开始日",
            f"pause {p.start.isoformat()}:{p.end.isoformat()} ends before it starts",
            code="pause.reversed",
            article=ART_PAUSE,
        )
    if p.start < start:
        return InvalidInput(
            f"中止区间 {p.start.isoformat()}:{p.end.isoformat()} 早于期间起算日"
            f" {start.isoformat()}",
            f"pause {p.start.isoformat()}:{p.end.isoformat()} starts before the period's"
            f" start {start.isoformat()}",
            code="pause.before_start",
            article=ART_PAUSE,
        )
    return None


def _check_pauses(start: date, pauses: Sequence[Pause]) -> list[tuple[int, int, Pause]]:
    """Validate the pauses; return (start ordinal, end ordinal, pause) sorted by date."""
    out: list[tuple[int, int, Pause]] = []
    for p in pauses:
        ps, pe = p.start, p.end
        # fast path: the usual well-formed pause (exact types, ordered, not before the start)
        if type(ps) is not date or type(pe) is not date or pe < ps or ps < start:
            err = _bad_pause(start, p)
            if err is not None:
                raise err
        out.append((ps.toordinal(), pe.toordinal(), p))
    if len(out) > 1:
        out.sort(key=_pause_key)
        for (_, b, p), (a2, _, q) in pairwise(out):
            if a2 <= b:
                raise InvalidInput(
                    f"中止区间 {p.start.isoformat()}:{p.end.isoformat()} 与"
                    f" {q.start.isoformat()}:{q.end.isoformat()} 重叠",
                    f"pauses {p.start.isoformat()}:{p.end.isoformat()} and"
                    f" {q.start.isoformat()}:{q.end.isoformat()} overlap",
                    code="pause.overlap",
                    article=ART_PAUSE,
                )
    return out


def _pause_key(t: tuple[int, int, Pause]) -> tuple[int, int]:
    return (t[0], t[1])


def _adv_calendar(
    anchor: int, k: int, ps: Sequence[tuple[int, int, Pause]], rec: list[Any] | None,
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
    cal: WorkCalendar,
    anchor: int,
    k: int,
    ps: Sequence[tuple[int, int, Pause]],
    rec: list[Any] | None,
) -> int:
    """Last day of k working days counted after ``anchor``, with the pauses applied."""
    if k == 0:
        return anchor
    end = cal._ord_add_workdays(anchor, k)
    for a, b, p in ps:
        ea = a if a > anchor else anchor + 1
        if b < ea:
            continue
        if ea > end:
            if rec is not None:
                rec.append((p, ea, 0, "after_end"))
            continue
        w = cal._ord_workdays_between(ea, b)
        if w:
            end = cal._ord_add_workdays(end, w)
        if rec is not None:
            rec.append((p, ea, w, "counted"))
    return end


def _compute(
    start: date,
    rule: PeriodRule,
    cal: WorkCalendar,
    ps: Sequence[tuple[int, int, Pause]],
    ext: int,
    trace: dict[str, Any] | None,
) -> tuple[date, bool]:
    s = start.toordinal()
    n = rule.days
    rec: list[Any] | None = [] if trace is not None else None
    if rule.unit == "calendar":
        roll = cal._ord_next_workday if rule.rollover and ps else None
        if ext and rule.extension_from == "rolled_due":
            raw1 = _adv_calendar(s, n, ps, rec, roll)
            anchor = cal._ord_next_workday(raw1) if rule.rollover else raw1
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
            due_o = cal._ord_next_workday(raw)
            consulted = True
        else:
            due_o = raw
            consulted = False
    else:
        k = n + ext
        if trace is not None and ext:
            trace["first_raw"] = _adv_working(cal, s, n, ps, None)
        raw = _adv_working(cal, s, k, ps, rec)
        if k == 0 and rule.rollover:
            due_o = cal._ord_next_workday(raw)
            first = raw
        else:
            due_o = raw
            first = s + 1
        consulted = k > 0 or rule.rollover
    due = date.fromordinal(due_o)
    provisional = False
    if consulted:
        loaded = cal._loaded
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
    that ends before it starts, overlapping pauses, or a pause that starts before ``start``
    (negative days are refused when the :class:`PeriodRule` is built).  Raises
    :class:`~rongcuo.domain.errors.CalendarError` when the period reaches a year with neither
    a calendar file nor a provisional rule.
    """
    if extension_days:
        if (
            isinstance(extension_days, bool)
            or not isinstance(extension_days, int)
            or extension_days < 0
        ):
            raise InvalidInput(
                f"延长天数必须是非负整数，收到 {extension_days!r}",
                f"extension days must be a non-negative integer, got {extension_days!r}",
                code="period.bad_extension",
                article=rule.extension_article,
            )
        cap = rule.max_extension_days
        if cap is not None and extension_days > cap:
            raise InvalidInput(
                f"延长 {extension_days} 日超过上限 {cap} 日",
                f"an extension of {extension_days} days exceeds the cap of {cap} days",
                code="period.extension_over_cap",
                article=rule.extension_article,
            )
    ps = _check_pauses(start, pauses) if pauses else ()
    try:
        due, provisional = _compute(start, rule, calendar, ps, extension_days, None)
    except (OverflowError, ValueError):
        ext_zh = f"（延长 {extension_days} 日）" if extension_days else ""
        ext_en = f" extended by {extension_days} days" if extension_days else ""
        raise InvalidInput(
            f"期间从 {start.isoformat()} 起 {rule.days} 日{ext_zh}超出可计算的日期范围",
            f"a period of {rule.days} days{ext_en} from {start.isoformat()} runs past the last "
            "date that can be computed",
            code="period.out_of_range",
        ) from None
    return DueDate(due, provisional, _args=(start, rule, calendar, ps, extension_days))


# -- explanation --------------------------------------------------------------------------------
def _iso(o: int) -> str:
    return date.fromordinal(o).isoformat()


def _day_reason(cal: WorkCalendar, d: date) -> dict[str, Any]:
    kind = cal.day_kind(d)
    return {"date": d.isoformat(), "kind": kind, "holiday": cal.holiday_name(d)}


@lru_cache(maxsize=64)
def _basename(filename: str) -> str:
    """``PurePath(filename).name``, once per calendar file (every basis names its years')."""
    return PurePath(filename).name


def _build_basis(args: _Args, trace: dict[str, Any], dd: DueDate) -> dict[str, Any]:
    start, rule, cal, _ps, ext = args
    unit = rule.unit
    raw = trace["raw"]
    due_o = trace["due"]
    years: list[dict[str, Any]] = []
    if "years" in trace:
        y1, y2 = trace["years"]
        for y in range(y1, y2 + 1):
            cy = cal.year(y)
            years.append(
                {
                    "year": y,
                    "provisional": cy is None,
                    "source": cy.source.to_dict() if cy is not None else None,
                    "file": _basename(cy.filename) if cy is not None and cy.filename else None,
                    "rule": None if cy is not None else {"zh": STATUTE_ZH, "en": STATUTE_EN},
                }
            )
    pauses = []
    for p, ea, counted, status in trace["pauses"] or ():
        pauses.append(
            {
                "from": p.start.isoformat(),
                "to": p.end.isoformat(),
                "counted_from": _iso(ea),
                "status": status,
                "shift": counted,
                "shift_unit": unit,
            }
        )
    rolled = due_o != raw
    roll: dict[str, Any] = {
        "enabled": rule.rollover,
        "applied": rolled,
        "article": ART_ROLLOVER,
        "last_day": _iso(raw),
    }
    if rolled:
        roll["skipped"] = [
            _day_reason(cal, date.fromordinal(o)) for o in range(raw, min(due_o, raw + 40))
        ]
        roll["to"] = _iso(due_o)
    extension: dict[str, Any] = {
        "days": ext,
        "unit": unit,
        "from": rule.extension_from,
        "cap": rule.max_extension_days,
        # recorded since the first release (a stored basis never changes): the legal clock's
        # default; the definition's own articles for this period are under ``cites``
        "article": ART_EXTENSION,
    }
    if ext and "first_raw" in trace:
        extension["original_last_day"] = _iso(trace["first_raw"])
        if "first_due" in trace:
            extension["counted_from"] = _iso(trace["first_due"])
        else:
            extension["counted_from"] = _iso(trace["first_raw"])
    special: list[dict[str, Any]] = []
    if unit == "working":
        # what an auditor needs beyond "Monday to Friday": holidays and 调休 inside the period
        for o in range(start.toordinal() + 1, due_o + 1):
            kind = cal.day_kind(date.fromordinal(o))
            if kind == "adjusted_workday" or (
                kind == "holiday" and date.fromordinal(o).weekday() < 5
            ):
                special.append(_day_reason(cal, date.fromordinal(o)))
    return {
        "start": start.isoformat(),
        "day_1": (start + timedelta(days=1)).isoformat(),
        "special_days": special,
        "rule": rule.to_dict(),
        "unit": unit,
        "n": rule.days,
        "articles": {"start_not_counted": ART_START, "rollover": ART_ROLLOVER, "pause": ART_PAUSE},
        # the articles this period's definition cites for an extension and a pause (Licheng
        # art. 20 for a correction extension, art. 17 for the investigation's); a key added
        # after the first release, so a stored basis may lack it
        "cites": {"extension": rule.extension_article, "pause": rule.pause_article},
        "years": years,
        "pauses": pauses,
        "extensions": extension,
        "last_day": _iso(raw),
        "rollover": roll,
        "due": dd.due.isoformat(),
        "ends_at": dd.ends_at.isoformat(),
        "provisional": dd.provisional,
    }


_KIND = {
    "zh": {
        "holiday": "节假日",
        "weekend": "周末",
        "adjusted_workday": "调休上班日",
        "workday": "工作日",
    },
    "en": {
        "holiday": "public holiday",
        "weekend": "weekend",
        "adjusted_workday": "adjusted working day",
        "workday": "working day",
    },
}


def _explain(b: dict[str, Any], lang: str) -> str:
    zh = lang != "en"
    unit_zh = "自然日" if b["unit"] == "calendar" else "工作日"
    unit_en = "calendar days" if b["unit"] == "calendar" else "working days"
    lines: list[str] = []
    if zh:
        lines.append(
            f"起算日 {b['start']}，期间 {b['n']} 个{unit_zh}；起算日不计入，"
            f"第1日为 {b['day_1']}（{ART_START}）。"
        )
    else:
        lines.append(
            f"Start {b['start']}, period of {b['n']} {unit_en}; the start day is not counted, "
            f"day 1 is {b['day_1']} (Civil Code art. 201)."
        )
    for y in b["years"]:
        if y["source"]:
            s = y["source"]
            num = s["number"] or ("文号未确认" if zh else "number not confirmed")
            lines.append(
                f"{y['year']}年日历：{s['title']}（{num}，{s['published']}）。"
                if zh
                else f"Calendar {y['year']}: {s['title']} ({num}, {s['published']})."
            )
        else:
            lines.append(
                f"{y['year']}年尚无日历文件：按{STATUTE_ZH}的法定节日和周末暂定计算，不推测调休。"
                if zh
                else f"{y['year']} has no calendar file: provisionally weekends plus the "
                f"statutory holidays of the {STATUTE_EN}; no swapped days are guessed."
            )
    ext = b["extensions"]
    cites = b.get("cites") or {}
    ext_art = cites.get("extension") or ext.get("article") or ART_EXTENSION
    pause_art = cites.get("pause") or ART_PAUSE
    if not zh:
        ext_art = _ARTICLE_EN.get(ext_art, ext_art)
        pause_art = _ARTICLE_EN.get(pause_art, pause_art)
    if ext["days"]:
        unit_e = unit_zh if zh else unit_en
        if ext["from"] == "original_last":
            lines.append(
                f"延长 {ext['days']} 个{unit_e}（{ext_art}），延长的是同一期间："
                f"从原最后一日（未顺延）{ext.get('counted_from', '')} 起接续计算，"
                "顺延只适用于最终的最后一日。"
                if zh
                else f"Extended by {ext['days']} {unit_e} ({ext_art}): the same period is "
                f"lengthened, counted on from the original (un-rolled) last day "
                f"{ext.get('counted_from', '')}; rollover applies only to the final last day."
            )
        else:
            lines.append(
                f"延长 {ext['days']} 个{unit_e}（{ext_art}），从已顺延的到期日 "
                f"{ext.get('counted_from', '')} 起计算（设置 extension_from=rolled_due）。"
                if zh
                else f"Extended by {ext['days']} {unit_e} ({ext_art}), counted from the "
                f"rolled due date {ext.get('counted_from', '')} (extension_from=rolled_due)."
            )
    for p in b["pauses"]:
        if p["status"] == "counted":
            shift_unit = (unit_zh if zh else unit_en) if p["shift_unit"] else ""
            lines.append(
                f"中止 {p['from']} 至 {p['to']}（{pause_art}，期间不计入）：自 {p['counted_from']} "
                f"起不计算，最后一日顺移 {p['shift']} 个{shift_unit}。"
                if zh
                else f"Pause {p['from']} to {p['to']} ({pause_art}, not counted): from "
                f"{p['counted_from']} the period stops; the last day moves by {p['shift']} "
                f"{shift_unit}."
            )
        else:
            lines.append(
                f"中止 {p['from']} 至 {p['to']} 开始于期间届满之后，不影响到期日。"
                if zh
                else f"Pause {p['from']} to {p['to']} starts after the period ended; "
                "it changes nothing."
            )
    special = b.get("special_days") or []
    if special:
        lines.append(
            "期间内的节假日和调休上班日（其余周一至周五为工作日、周六周日为休息日）："
            + "、".join(f"{d['date']}（{d['holiday'] or _KIND['zh'][d['kind']]}）" for d in special)
            + "。"
            if zh
            else "Holidays and adjusted working days inside the period (otherwise Monday–Friday "
            "work, Saturday and Sunday rest): "
            + ", ".join(f"{d['date']} ({d['holiday'] or _KIND['en'][d['kind']]})" for d in special)
            + "."
        )
    lines.append(
        f"计算得最后一日：{b['last_day']}。" if zh else f"Last day counted: {b['last_day']}."
    )
    r = b["rollover"]
    if r["applied"]:
        kinds = "、".join(
            f"{d['date']}（{d['holiday'] or _KIND['zh'][d['kind']]}）" for d in r["skipped"]
        )
        kinds_en = ", ".join(
            f"{d['date']} ({d['holiday'] or _KIND['en'][d['kind']]})" for d in r["skipped"]
        )
        lines.append(
            f"最后一日不是工作日，顺延至其后第一个工作日 {r['to']}（{ART_ROLLOVER}）；"
            f"跳过：{kinds}。"
            if zh
            else f"The last day is not a working day, so the period ends on the next working "
            f"day {r['to']} (Civil Code art. 203); skipped: {kinds_en}."
        )
    elif b["unit"] == "calendar":
        if r["enabled"]:
            lines.append(
                f"最后一日是工作日，无需顺延（{ART_ROLLOVER}）。"
                if zh
                else "The last day is a working day; no rollover (Civil Code art. 203)."
            )
        else:
            lines.append(
                "本期间规则不适用顺延。" if zh else "This period's rule does not roll over."
            )
    lines.append(
        f"到期日：{b['due']}，于该日24:00（北京时间）届满"
        + ("；暂定（所涉年份尚无日历文件，导入后将重新计算）。" if b["provisional"] else "。")
        if zh
        else f"Due {b['due']}, ending at 24:00 China Standard Time"
        + (
            "; provisional (a year involved has no calendar file; it is recomputed on import)."
            if b["provisional"]
            else "."
        )
    )
    return "\n".join(lines)
