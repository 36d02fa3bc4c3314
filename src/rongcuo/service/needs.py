"""What a step's rules need from the store, gathered before deciding — and only that.

A rule that needs facts only the store knows (the repeated-mistake rule, 重复失误 / 容错一次:
earlier decisions for the same subject and matter) declares the need; the service asks the
store for it with the rule's own parameters (which outcomes count as tolerated, which fact
holds the decision date) for the fired trigger only.  The engine records what the rule saw
in the event, so replay never asks again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rongcuo.service.context import App


def _guards_of(definition: Any, trigger: str) -> Iterator[Any]:
    spec = definition.triggers.get(trigger)
    if spec is None:
        return
    yield from spec.guards
    for tr in spec.transitions:
        yield from tr.guards


def gather_context(
    app: App,
    definition: Any,
    trigger: str,
    *,
    facts: Mapping[str, Any],
    case_id: str | None,
    subject: str | None = None,
) -> dict[str, Any]:
    """The decision context of ``trigger``'s rules (empty when none needs the store)."""
    context: dict[str, Any] = {}
    for guard in _guards_of(definition, trigger):
        if guard.rule != "repeated_mistake":
            continue
        p = guard.params
        matter = facts.get(p.get("matter_fact", "matter"))
        context["prior_tolerances"] = app.store.prior_decisions(
            subject=str(subject if subject is not None else facts.get("subject", "")),
            matter=None if matter is None else str(matter),
            workflow_id=str(definition.id),
            outcomes=[str(o) for o in p.get("tolerated", ())],
            date_fact=p.get("date_fact", "determined_on"),
            exclude_case=case_id,
        )
    return context
