"""What a step's rules need from the store, gathered before deciding — and only that.

A rule that needs facts only the store knows declares the need
(:mod:`rongcuo.domain.rules.needs`); for the fired trigger only, the service asks the store for
each need with the rule's own parameters — for the repeated-mistake rule (重复失误 / 容错一次),
which outcomes count as tolerated and which fact holds the decision date.  The engine records
what the rule saw in the event, so replay never asks again.  A need this module does not know
how to gather is a programming error, raised at once: a rule must never silently see nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rongcuo.domain.rules import needs_for
from rongcuo.domain.rules.needs import (
    AnnualFigures,
    Catalogues,
    Need,
    PriorDecisions,
    SameCases,
)
from rongcuo.service.context import App


def _prior_decisions(app: App, need: PriorDecisions, definition: Any,
                     facts: Mapping[str, Any], case_id: str | None) -> list[dict[str, Any]]:
    matter = facts.get(need.matter_fact)
    return app.store.prior_decisions(
        subject=str(facts.get(need.subject_fact, "")),
        matter=None if matter is None else str(matter),
        workflow_id=str(definition.id),
        outcomes=need.outcomes,
        date_fact=need.date_fact,
        matter_fact=need.matter_fact,
        exclude_case=case_id,
    )


def gather_context(
    app: App,
    definition: Any,
    trigger: str,
    *,
    facts: Mapping[str, Any],
    case_id: str | None,
) -> dict[str, Any]:
    """The decision context of ``trigger``'s rules (empty when none needs the store)."""
    context: dict[str, Any] = {}
    for need in needs_for(definition, trigger):
        context[need.key] = _gather(app, need, definition, facts, case_id)
    return context


def _gather(app: App, need: Need, definition: Any, facts: Mapping[str, Any],
            case_id: str | None) -> Any:
    if isinstance(need, PriorDecisions):
        return _prior_decisions(app, need, definition, facts, case_id)
    if isinstance(need, SameCases):  # 一案一评: other standing cases with the same key
        return app.store.same_cases(workflow_id=str(definition.id),
                                    key={k: facts.get(k) for k in need.keys},
                                    exclude_case=case_id)
    if isinstance(need, AnnualFigures):  # 行政执法数据: the same count as report statistics
        from rongcuo.service.supervision.reports import annual_statistics

        year = facts.get(need.year_fact)
        if year is None:
            return None
        report = annual_statistics(app, int(year), unit=str(facts.get(need.agency_fact)))
        return dict(report.to_dict()["figures"])
    if isinstance(need, Catalogues):  # the evaluation standards a computed score reads
        loaded = app.catalogues
        return {i: loaded[i] for i in need.ids if i in loaded}
    raise TypeError(f"no way to gather {need!r} for {definition.id}")  # pragma: no cover
