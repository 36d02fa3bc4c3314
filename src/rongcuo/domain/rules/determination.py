"""认定 — the determination: what it must rest on, and what it may not be.

The outcome and the catalogue items ("条.项", e.g. ``12.5``) a determination cites are the
step's data (``outcome``, ``items`` by default); the catalogue is the definition's.  Licheng
arts. 9–12 and 16–18, Banan arts. 10–17.
"""

from __future__ import annotations

from rongcuo.domain.rules.base import GuardCall, as_texts, step_labels, steps_setting
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

_OUTCOME = Param("field", default="outcome", doc="the step's data field holding the outcome")
_ITEMS = Param("field", default="items", doc="the step's data field holding the cited items")


@rule(
    "statement_heard",
    params={"statement_fact": Param("fact", default="statement_heard",
                                    doc="the fact a hearing step sets")},
    reads_data=False,
    refuses=("guard.statement_before_determination",),
)
def statement_heard(call: GuardCall) -> None:
    """陈述申辩 — the subject's statement and defence are heard before a determination
    (历城办法第十六条 "应当充分听取被调查人的陈述申辩")."""
    fact = call.param("statement_fact")
    if not call.facts.get(fact):
        zh, en = step_labels(call, steps_setting(call.definition, fact))
        call.refuse(
            "guard.statement_before_determination",
            f"作出认定前应当充分听取被调查人的陈述申辩（请先完成{zh}）",
            f"the subject's statement and defence must be heard before a determination "
            f"(record {en} first)",
        )


@rule(
    "exclusion_forbids_tolerance",
    params={
        "exclusion_article": Param("articles", required=True,
                                   doc="the catalogue article(s) that exclude tolerance"),
        "forbidden": Param("outcomes", required=True, doc="outcomes such an item forbids"),
        "outcome_field": _OUTCOME,
        "items_field": _ITEMS,
    },
    reads_data=True,
    refuses=("guard.exclusion_forbids_tolerance",),
)
def exclusion_forbids_tolerance(call: GuardCall) -> None:
    """不予容错 — an item of an exclusion article forbids a tolerant outcome (历城办法第十二条;
    巴南办法第十五条、第十六条)."""
    articles = set(as_texts(call.param("exclusion_article")))
    forbidden = set(as_texts(call.param("forbidden")))
    outcome = call.data.get(call.param("outcome_field"))
    hits = [i for i in call.data.get(call.param("items_field"), ())
            if i.partition(".")[0] in articles]
    if hits and outcome in forbidden:
        call.refuse(
            "guard.exclusion_forbids_tolerance",
            f"所依据的 {', '.join(hits)} 属于不予容错情形，不得认定为 {outcome}",
            f"{', '.join(hits)} exclude tolerance, so the outcome may not be {outcome}",
            items=hits,
        )


@rule(
    "items_match_outcome",
    params={"outcome_field": _OUTCOME, "items_field": _ITEMS},
    reads_data=True,
    refuses=("guard.items_match_outcome",),
)
def items_match_outcome(call: GuardCall) -> None:
    """认定依据 — the items cited belong to the articles of the outcome (历城办法第九条至第十二条;
    巴南办法第十条至第十六条)."""
    name = call.data.get(call.param("outcome_field"))
    if name is None:
        return  # a required outcome missing is refused as input before any rule runs
    outcome = call.definition.outcomes[name]
    wrong = [i for i in call.data.get(call.param("items_field"), ())
             if i.partition(".")[0] not in outcome.articles]
    if wrong:
        allowed_articles = "、".join(f"第{a}条" for a in outcome.articles)
        call.refuse(
            "guard.items_match_outcome",
            f"{', '.join(wrong)} 不能作为“{outcome.label_zh}”的依据"
            f"（应引用{allowed_articles}的情形）",
            f"{', '.join(wrong)} cannot support '{outcome.name}' (cite items of article(s) "
            f"{', '.join(outcome.articles)})",
            items=wrong,
        )


@rule(
    "all_items_for_outcome",
    params={
        "outcome": Param("outcome", required=True, doc="the outcome the conditions are for"),
        "conditions_article": Param("article", required=True,
                                    doc="the article whose every item must be cited"),
        "situation_article": Param("article", doc="an article one of whose items must be cited"),
        "outcome_field": _OUTCOME,
        "items_field": _ITEMS,
    },
    reads_data=True,
    refuses=("guard.conditions_not_met",),
)
def all_items_for_outcome(call: GuardCall) -> None:
    """免责条件 — every condition of ``conditions_article`` for ``outcome``; with
    ``situation_article`` also at least one situation of that article (巴南办法第十三条 "具有第
    十二条规定情形之一，同时符合下列条件的，可以免除…责任")."""
    if call.data.get(call.param("outcome_field")) != call.param("outcome"):
        return
    situation = call.param("situation_article")
    items = set(call.data.get(call.param("items_field"), ()))
    if situation is not None and not any(i.partition(".")[0] == str(situation) for i in items):
        call.refuse(
            "guard.conditions_not_met",
            f"认定为 {call.param('outcome')} 须具有第{situation}条规定的情形之一"
            f"（引用 {situation}.项，如 {situation}.1）",
            f"'{call.param('outcome')}' needs one of the situations of article {situation} "
            f"(cite {situation}.<item>, e.g. {situation}.1)",
            missing=[f"{situation}.*"],
        )
    art = str(call.param("conditions_article"))
    entry = call.definition.catalogue[art]
    missing = sorted({f"{art}.{n}" for n in entry.items} - items)
    if missing:
        call.refuse(
            "guard.conditions_not_met",
            f"认定为 {call.param('outcome')} 须同时符合第{art}条全部条件，"
            f"缺少 {', '.join(missing)}",
            f"'{call.param('outcome')}' needs every condition of article {art}; missing "
            f"{', '.join(missing)}",
            missing=missing,
        )


@rule(
    "outcome_in",
    params={"outcomes": Param("outcomes", required=True, doc="the outcomes the step is for"),
            "outcome_fact": Param("fact", default="outcome", doc="the fact holding the outcome")},
    reads_data=False,
    refuses=("guard.outcome",),
)
def outcome_in(call: GuardCall) -> None:
    """认定结果 — the step is only for cases determined with one of ``outcomes`` (巴南办法第十七
    条: only tolerance decisions go to the personnel and integrity files)."""
    outcomes = as_texts(call.param("outcomes"))
    outcome = call.facts.get(call.param("outcome_fact"))
    if outcome not in outcomes:
        call.refuse(
            "guard.outcome",
            f"认定结果为 {outcome}，只有 {', '.join(outcomes)} 才能进行此步骤",
            f"the outcome is {outcome}; this step is only for {', '.join(outcomes)}",
        )
