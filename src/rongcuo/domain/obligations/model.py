"""Bodies and what is due from them: the obligation model (pure).

A *body* (机构) is keyed by a unit id so it joins the identity issue's units later; it carries
the kinds that decide which obligations it owes (a 乡镇人民政府 is an enforcement body under
蒲县统计制度第二条 *and* the organiser of its township's daily assessments).  An *obligation*
says who owes it (owner kinds), per which period, how much (at least ``min`` fulfilments),
when it is due, and which article says so; reminders and the escalation ladder are policy
(the sources give none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from rongcuo.domain.obligations.periods import PeriodKind

DueKind = Literal["end_of_period", "fixed", "after_period_end", "within"]


@dataclass(frozen=True)
class Body:
    """One body of the registry (C18).  ``since``: the first day it is owed anything (the
    first period owed is the first whose due date is on or after it)."""

    unit_id: str
    name: str
    kinds: tuple[str, ...]
    parent: str | None
    since: date


@dataclass(frozen=True)
class Parameter:
    """A number the source does not give: set by the adopting body, never defaulted."""

    name: str
    article: str
    note: str
    basis: str = "local"


@dataclass(frozen=True)
class DueRule:
    """When a period's obligation falls due.

    * ``end_of_period`` — its last day (每年不少于二次: by 31 December);
    * ``fixed`` — ``month``/``day`` of the year ``years_after`` the period's (统计制度第二条
      每年1月31日前: 31 January of the next year); ``rollover`` is the declared reading of a
      date that falls on a rest day;
    * ``after_period_end`` — ``days`` (a number, or the name of a :class:`Parameter`)
      calendar days after the period ends, counted as a period (民法典第二百零一、二百零三条:
      the end day not counted, a last day on a rest day moves to the next working day);
    * ``within`` — ``days`` calendar days from an occurrence, counted the same way.
    """

    kind: DueKind
    month: int | None = None
    day: int | None = None
    years_after: int = 0
    days: int | str | None = None  # str: a parameter's name
    rollover: bool = True
    reading: str = ""


@dataclass(frozen=True)
class Rung:
    """One escalation rung: ``days`` after the due date, to a role (``to``)."""

    days: int
    to: str


@dataclass(frozen=True)
class FulfilledBy:
    """Steps of cases that count as a fulfilment, so nobody records it twice: an event of
    ``workflow`` with ``trigger``, of a case whose agency is the body, whose facts include
    ``facts``; the period is the one containing the event's date, or the one a fact names
    (``period_fact``, e.g. ``reporting_year``)."""

    workflow: str
    trigger: str
    facts: tuple[tuple[str, Any], ...] = ()
    period_fact: str | None = None


@dataclass(frozen=True)
class Obligation:
    """What every body of the owner kinds owes, per period."""

    id: str
    title_zh: str
    title_en: str
    article: str
    owners: tuple[str, ...]
    period: PeriodKind | str  # str: a parameter naming the period kind (Licheng 定期)
    min: int
    due: DueRule
    in_force: date
    reminders: tuple[int, ...] = ()  # days before the due date (policy)
    escalation: tuple[Rung, ...] = ()  # policy
    overdue_article: str = ""  # cited by the overdue mark (统计制度第四条第（一）项)
    fulfilled_by: tuple[FulfilledBy, ...] = ()
    to: str = "default"  # who the reminders and the overdue mark go to
    note: str = ""
    parameters: tuple[str, ...] = field(default=())  # the parameters it reads

    def owed_by(self, body: Body) -> bool:
        return bool(set(self.owners) & set(body.kinds))


@dataclass(frozen=True)
class ObligationCatalogue:
    """Every obligation of one or more adopted systems, and the parameters they read."""

    obligations: tuple[Obligation, ...]
    parameters: tuple[Parameter, ...] = ()

    def get(self, obligation_id: str) -> Obligation | None:
        return next((o for o in self.obligations if o.id == obligation_id), None)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)
