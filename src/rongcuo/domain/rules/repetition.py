"""重复失误 / 容错只适用一次 — a repeated mistake is not tolerated again.

* 历城办法第十二条第（五）项: "…在同一问题上重复出现失误、错误或者给予容错免责处理后再次出现
  同样失误、错误的" is not tolerated;
* 巴南办法第十六条: "重复犯错的不得考虑容错情形";
* 贵安新区办法第十二条: "在同一工作、同一问题上重复出现失误和问题的，只适用一次容错免责".

The earlier decisions are not in this case: the rule declares a
:class:`~rongcuo.domain.rules.needs.PriorDecisions` need, built from its own parameters (which
outcomes were a tolerance, which fact holds the decision date), and the service gathers them
into ``context["prior_tolerances"]``.  Nothing here knows one procedure's outcome or fact names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rongcuo.domain.rules.base import GuardCall, as_texts, iso
from rongcuo.domain.rules.needs import PriorDecisions
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule


def _counts(p: dict[str, Any], call: GuardCall, subject: Any, matter: Any,
            tolerated: set[str], dated: bool) -> bool:
    on = call.command.on.isoformat()
    return (
        p.get("subject") == subject
        and p.get("matter") == matter
        and p.get("outcome") in tolerated
        # under this procedure only (a Banan decision is not a Licheng 容错免责处理) …
        and p.get("workflow", call.definition.id) == call.definition.id
        # … and already given on the day of this decision ("给予…处理后再次出现"), where the
        # procedure records its decision date (``date_fact``); where it records none (null),
        # every earlier case counts.  A prior with no recorded date counts (it cannot be
        # shown to come later).
        and (not dated or iso(p.get("decided_on") or on) <= on)
    )


@rule(
    "repeated_mistake",
    params={
        "forbidden": Param("outcomes", required=True,
                           doc="outcomes a repeated mistake may not receive"),
        "tolerated": Param("outcomes", required=True,
                           doc="earlier outcomes that were a tolerance (容错)"),
        "date_fact": Param("fact", required=True, nullable=True,
                           doc="the fact holding a decision's date; null: the procedure records "
                               "none, and every earlier decision counts"),
        "subject_fact": Param("fact", default="subject", doc="the fact naming the person"),
        "matter_fact": Param("fact", default="matter", doc="the fact naming the matter"),
        "outcome_field": Param("field", default="outcome",
                               doc="the step's data field holding this decision's outcome"),
    },
    needs=PriorDecisions.from_params,
    reads_data=True,
    refuses=("guard.repeated_mistake",),
)
def repeated_mistake(call: GuardCall) -> None:
    """重复失误 / 容错一次 — a person tolerated before for the same matter is not tolerated again
    (历城办法第十二条第（五）项; 巴南办法第十六条; 贵安新区办法第十二条 "只适用一次容错免责")."""
    forbidden = set(as_texts(call.param("forbidden")))
    tolerated = set(as_texts(call.param("tolerated")))
    dated = call.param("date_fact") is not None
    subject = call.facts.get(call.param("subject_fact"))
    matter = call.facts.get(call.param("matter_fact"))
    priors = list(call.context.get("prior_tolerances", ()))
    matches = [
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in p.items()}
        for p in priors
        if _counts(p, call, subject, matter, tolerated, dated)
    ]
    # recorded in the event exactly as before: replay, drift and the case file read it
    call.seen["repeated_mistake"] = {
        "subject": subject,
        "matter": matter,
        "context_given": "prior_tolerances" in call.context,
        "prior_tolerances_checked": len(priors),
        "matches": matches,
    }
    if matches and call.data.get(call.param("outcome_field")) in forbidden:
        numbers = ", ".join(str(m.get("number") or m.get("case_id")) for m in matches)
        call.refuse(
            "guard.repeated_mistake",
            f"{subject} 在“{matter}”上已获容错处理（{numbers}），再次出现同样失误不予容错",
            f"{subject} was already tolerated for '{matter}' ({numbers}); a repeated mistake "
            "is not tolerated again",
            matches=matches,
        )
