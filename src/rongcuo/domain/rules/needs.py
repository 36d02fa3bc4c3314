"""What a rule needs from the record before it can decide (the service gathers it).

A rule sees one case.  Some law looks beyond it: 容错只适用一次 (Licheng art. 12(5), Guian
art. 12) asks what was decided *earlier* for the same person and matter.  Such a rule declares
a need; before deciding a step the service asks :func:`rongcuo.domain.rules.needs_for` which
needs the step's rules have, gathers each from the store, and passes it to the engine as
``context[need.key]``.  The rule reads only that key, and records what it saw in the event,
so replay never needs the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class Need(Protocol):
    """Context a rule needs, keyed in the engine's ``context`` by :attr:`key`."""

    @property
    def key(self) -> str: ...


@dataclass(frozen=True)
class PriorDecisions:
    """Earlier decisions of the same subject and matter with one of ``outcomes``.

    The service passes them as ``context["prior_tolerances"]``: a list of mappings with
    ``case_id``, ``number``, ``subject``, ``matter``, ``outcome``, ``workflow`` and
    ``decided_on`` (the value of the earlier case's ``date_fact``; None where the procedure
    records no decision date, and then every earlier case counts).  ``subject_fact`` and
    ``matter_fact`` name the facts of *this* case to look up."""

    outcomes: tuple[str, ...]
    date_fact: str | None
    subject_fact: str = "subject"
    matter_fact: str = "matter"

    @property
    def key(self) -> str:
        return "prior_tolerances"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> PriorDecisions:
        """The need of a ``repeated_mistake`` guard, from its own parameters."""
        tolerated = params["tolerated"]
        outcomes = tolerated if isinstance(tolerated, list | tuple) else [tolerated]
        return cls(
            outcomes=tuple(str(o) for o in outcomes),
            date_fact=params["date_fact"],
            subject_fact=str(params["subject_fact"]),
            matter_fact=str(params["matter_fact"]),
        )


@dataclass(frozen=True)
class Catalogues:
    """The evaluation standards (评查标准, :class:`~rongcuo.domain.scoring.Sheet`) a computed
    ``score`` step reads: the service passes ``context["catalogues"]``, a mapping of catalogue
    id to sheet, loaded at the edge from ``workflows/<jurisdiction>/catalogues/`` (like the
    calendar).  The rule writes the whole result into the event, so replay never needs them."""

    ids: tuple[str, ...]

    @property
    def key(self) -> str:
        return "catalogues"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Catalogues:
        given = params["catalogues"]
        ids = given if isinstance(given, list | tuple) else [given]
        return cls(tuple(str(i) for i in ids))


@dataclass(frozen=True)
class SameCases:
    """Other standing cases of this procedure with the same values of ``keys`` (the opening
    step's fields: ``subject`` and ``agency`` are the case's own columns, any other a fact of
    the same name) — the context of ``unique_case``.  The service passes
    ``context["same_cases"]``: a list of mappings with ``case_id`` and ``number``."""

    keys: tuple[str, ...]

    @property
    def key(self) -> str:
        return "same_cases"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SameCases:
        given = params["keys"]
        keys = given if isinstance(given, list | tuple) else [given]
        return cls(tuple(str(k) for k in keys))


@dataclass(frozen=True)
class AnnualFigures:
    """The figures of one body's annual statistics (蒲县统计制度第二条第四款 行政执法数据), counted
    by the service from the event log for the year in ``year_fact`` and the agency in
    ``agency_fact``: ``context["annual_figures"]``, a mapping of figure key to ``{label_zh,
    value}`` (what ``rongcuo report statistics --year Y --unit U`` prints)."""

    year_fact: str
    agency_fact: str

    @property
    def key(self) -> str:
        return "annual_figures"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> AnnualFigures:
        return cls(str(params["year_fact"]), str(params["agency_fact"]))
