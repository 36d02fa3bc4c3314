"""How a period is counted (:class:`PeriodRule`) and what counting it gives (:class:`DueDate`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from rongcuo.domain.calendar import WorkCalendar
from rongcuo.domain.case import Pause
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.legal_time import end_of_day
from rongcuo.domain.messages import message
from rongcuo.domain.periods.explain import explain as _explain

MSG_PERIOD_BAD_UNIT = message(
    "period.bad_unit",
    "期间单位“{unit}”无效，应为 calendar（自然日）或 working（工作日）",
    "period unit '{unit}' is invalid; use 'calendar' or 'working'",
)

MSG_PERIOD_NEGATIVE_DAYS = message(
    "period.negative_days",
    "期间天数必须是非负整数，收到 {days!r}",
    "the number of days must be a non-negative integer, got {days!r}",
)

MSG_PERIOD_BAD_EXTENSION_FROM = message(
    "period.bad_extension_from",
    "extension_from“{extension_from}”无效，应为 original_last 或 rolled_due",
    "extension_from '{extension_from}' is invalid; use 'original_last' or 'rolled_due'",
)

MSG_PERIOD_BAD_EXTENSION_CAP = message(
    "period.bad_extension_cap",
    "延长上限必须是非负整数，收到 {cap!r}",
    "the extension cap must be a non-negative integer, got {cap!r}",
)

__all__ = ["DueArgs", "DueDate", "ExtensionFrom", "PauseOrd", "PeriodRule", "Unit"]

Unit = Literal["calendar", "working"]
ExtensionFrom = Literal["original_last", "rolled_due"]
_UNITS = ("calendar", "working")
_EXT_FROM = ("original_last", "rolled_due")


@dataclass(frozen=True)
class PeriodRule:
    """How one legal period is counted (every convention an explicit setting).

    ``days`` is N in the period's ``unit``; ``rollover`` applies Civil Code art. 203 to a
    calendar-day period; ``extension_from`` is how an extension counts after a rollover (see the
    package docstring); ``max_extension_days`` caps the total extension (Licheng art. 17: 30),
    ``None`` for no cap.

    ``extension_article`` and ``pause_article`` are the articles the period's own definition
    cites for an extension and a pause (Licheng art. 20 for a correction extension, art. 17 for
    the investigation's).  ``None`` — a timer that can be neither paused nor extended, or the
    bare ``rongcuo calendar due`` tool — means no procedure's article is cited: the generic
    clock assumes no jurisdiction.
    """

    unit: Unit
    days: int
    rollover: bool = True
    extension_from: ExtensionFrom = "original_last"
    max_extension_days: int | None = None
    extension_article: str | None = None
    pause_article: str | None = None

    def __post_init__(self) -> None:
        if self.unit not in _UNITS:
            raise InvalidInput.of(
                MSG_PERIOD_BAD_UNIT,
                unit=self.unit,
            )
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 0:
            raise InvalidInput.of(
                MSG_PERIOD_NEGATIVE_DAYS,
                days=self.days,
            )
        if self.extension_from not in _EXT_FROM:
            raise InvalidInput.of(
                MSG_PERIOD_BAD_EXTENSION_FROM,
                extension_from=self.extension_from,
            )
        cap = self.max_extension_days
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 0):
            raise InvalidInput.of(
                MSG_PERIOD_BAD_EXTENSION_CAP,
                cap=cap,
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "days": self.days,
            "rollover": self.rollover,
            "extension_from": self.extension_from,
            "max_extension_days": self.max_extension_days,
        }


# (start ordinal, end ordinal, pause) — a validated pause, as the counting uses it
PauseOrd = tuple[int, int, Pause]
# what a due date was computed from: re-run with a trace when its basis is first read
DueArgs = tuple[date, PeriodRule, WorkCalendar, Sequence[PauseOrd], int]


class DueDate:
    """A computed due date: ``due``, ``provisional`` and the JSON-able ``basis``.

    Immutable.  ``basis`` is built on first access (it re-runs the computation with a trace),
    so computing due dates in bulk stays fast.  ``explain(lang)`` renders it for people.
    :func:`~rongcuo.domain.periods.compute_due` returns a subclass that knows how to re-run
    the counting (:meth:`_make_basis`); one made from a stored basis carries it as given.
    """

    __slots__ = ("_args", "_basis", "due", "provisional")

    due: date
    provisional: bool
    _basis: dict[str, Any] | None
    _args: DueArgs | None

    def __init__(
        self,
        due: date,
        provisional: bool,
        basis: dict[str, Any] | None = None,
        *,
        _args: DueArgs | None = None,
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
            object.__setattr__(self, "_basis", self._make_basis())
        basis: dict[str, Any] = self._basis  # type: ignore[assignment]
        return basis

    def _make_basis(self) -> dict[str, Any]:
        """The basis when none was given (overridden where the counting can be re-run)."""
        return {}  # pragma: no cover - a DueDate is made either with a basis or by compute_due

    @property
    def ends_at(self) -> datetime:
        """24:00 CST of the due date (an aware datetime: 00:00 CST of the next day)."""
        return end_of_day(self.due)

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
