"""The basis of a due date: JSON from which an auditor can count the date again by hand.

It is stored with every deadline row, and ``audit verify`` re-derives it and compares, so its
spelling is part of the record: a newer release may *add* fields, never change one that a
stored basis recorded (:func:`basis_holds`).

Format history (``basis_format``):

* **2** (this release): the procedure's articles — ``articles.pause``, ``extensions.article``,
  ``cites`` — are the timer's own definition's (``PeriodRule.pause_article`` /
  ``extension_article``), ``null`` where it names none (a timer that cannot be paused or
  extended, or the bare ``rongcuo calendar due`` tool).
* **1** (no ``basis_format`` key; every release before): the legal clock stamped Licheng's
  articles as its defaults into every basis — 历城办法第十七条 under ``extensions.article`` and
  历城办法第十六条 under ``articles.pause``, even for a Banan timer or Licheng's art. 20
  correction period; ``cites`` (added later, so possibly absent) held the definition's
  articles with the same fallbacks.  Such a stored basis still verifies: it is compared with
  the format-1 spelling of the basis computed now (:func:`as_format_1`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from rongcuo.domain.calendar import STATUTE_EN, STATUTE_ZH, WorkCalendar
from rongcuo.domain.periods.articles import ART_ROLLOVER, ART_START

if TYPE_CHECKING:
    from rongcuo.domain.periods.rule import DueArgs, DueDate, PeriodRule

__all__ = ["BASIS_FORMAT", "as_format_1", "basis_holds", "build_basis"]

BASIS_FORMAT = 2
"""The spelling of the bases this release writes (see the module docstring)."""

# What format 1 wrote whatever the definition said: a fact about stored bases, not a default.
_FORMAT_1_PAUSE = "历城办法第十六条"
_FORMAT_1_EXTENSION = "历城办法第十七条"


def build_basis(args: DueArgs, trace: dict[str, Any], dd: DueDate) -> dict[str, Any]:
    """The basis of ``dd``, computed from ``args``, from the trace the counting left
    (:func:`rongcuo.domain.periods.compute.compute`)."""
    start, rule, cal, _ps, ext = args
    unit = rule.unit
    raw = trace["raw"]
    due_o = trace["due"]
    return {
        "basis_format": BASIS_FORMAT,
        "start": start.isoformat(),
        "day_1": (start + timedelta(days=1)).isoformat(),
        "special_days": _special_days(cal, start, due_o) if unit == "working" else [],
        "rule": rule.to_dict(),
        "unit": unit,
        "n": rule.days,
        "articles": {
            "start_not_counted": ART_START,
            "rollover": ART_ROLLOVER,
            "pause": rule.pause_article,
        },
        # the articles this period's definition cites for an extension and a pause (Licheng
        # art. 20 for a correction extension, art. 17 for the investigation's; null: none)
        "cites": {"extension": rule.extension_article, "pause": rule.pause_article},
        "years": _years(cal, trace),
        "pauses": _pauses(trace, unit),
        "extensions": _extension(rule, ext, trace),
        "last_day": _iso(raw),
        "rollover": _rollover(cal, rule, raw, due_o),
        "due": dd.due.isoformat(),
        "ends_at": dd.ends_at.isoformat(),
        "provisional": dd.provisional,
    }


# -- comparing a stored basis with today's -------------------------------------------------
def basis_holds(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Does a stored basis still hold for the basis computed now?

    It holds when every field it recorded has the current value (a newer release may add
    fields, never change one), spelled as the release that recorded it spelled bases: one
    without ``basis_format`` is compared with the format-1 spelling of ``current``.  Both are
    JSON values (as the store returns them); the caller drops what is not law (file paths).
    """
    if _recorded_in(recorded, current):
        return True
    if "basis_format" in recorded or current.get("basis_format") != BASIS_FORMAT:
        return False
    return _recorded_in(recorded, as_format_1(current))


def as_format_1(basis: Mapping[str, Any]) -> dict[str, Any]:
    """``basis`` (format 2) as a release before format 2 wrote it: the clock's Licheng
    defaults under ``extensions.article`` and ``articles.pause``, and in ``cites`` wherever
    the definition names no article."""
    out = {k: v for k, v in basis.items() if k != "basis_format"}
    cites = basis.get("cites") or {}
    if isinstance(basis.get("extensions"), Mapping):
        out["extensions"] = {**basis["extensions"], "article": _FORMAT_1_EXTENSION}
    if isinstance(basis.get("articles"), Mapping):
        out["articles"] = {**basis["articles"], "pause": _FORMAT_1_PAUSE}
    out["cites"] = {
        "extension": cites.get("extension") or _FORMAT_1_EXTENSION,
        "pause": cites.get("pause") or _FORMAT_1_PAUSE,
    }
    return out


def _recorded_in(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    return all(k in current and current[k] == v for k, v in recorded.items())


# -- the parts of a basis ------------------------------------------------------------------
def _iso(o: int) -> str:
    return date.fromordinal(o).isoformat()


def _day_reason(cal: WorkCalendar, d: date) -> dict[str, Any]:
    kind = cal.day_kind(d)
    return {"date": d.isoformat(), "kind": kind, "holiday": cal.holiday_name(d)}


@lru_cache(maxsize=64)
def _basename(filename: str) -> str:
    """``PurePath(filename).name``, once per calendar file (every basis names its years')."""
    return PurePath(filename).name


def _years(cal: WorkCalendar, trace: dict[str, Any]) -> list[dict[str, Any]]:
    """Each calendar year the counting consulted: its notice, or the provisional rule."""
    if "years" not in trace:
        return []
    y1, y2 = trace["years"]
    years: list[dict[str, Any]] = []
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
    return years


def _pauses(trace: dict[str, Any], unit: str) -> list[dict[str, Any]]:
    return [
        {
            "from": p.start.isoformat(),
            "to": p.end.isoformat(),
            "counted_from": _iso(ea),
            "status": status,
            "shift": counted,
            "shift_unit": unit,
        }
        for p, ea, counted, status in trace["pauses"] or ()
    ]


def _extension(rule: PeriodRule, ext: int, trace: dict[str, Any]) -> dict[str, Any]:
    extension: dict[str, Any] = {
        "days": ext,
        "unit": rule.unit,
        "from": rule.extension_from,
        "cap": rule.max_extension_days,
        "article": rule.extension_article,
    }
    if ext and "first_raw" in trace:
        extension["original_last_day"] = _iso(trace["first_raw"])
        extension["counted_from"] = _iso(trace.get("first_due", trace["first_raw"]))
    return extension


def _rollover(cal: WorkCalendar, rule: PeriodRule, raw: int, due_o: int) -> dict[str, Any]:
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
    return roll


def _special_days(cal: WorkCalendar, start: date, due_o: int) -> list[dict[str, Any]]:
    """What an auditor needs beyond "Monday to Friday" for a working-day period: the holidays
    and adjusted working days (调休) inside it."""
    special: list[dict[str, Any]] = []
    for o in range(start.toordinal() + 1, due_o + 1):
        d = date.fromordinal(o)
        kind = cal.day_kind(d)
        if kind == "adjusted_workday" or (kind == "holiday" and d.weekday() < 5):
            special.append(_day_reason(cal, d))
    return special
