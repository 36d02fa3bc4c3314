"""Guards: the named rules a definition attaches to its triggers.

A guard never returns a silent ``False``: it either passes or raises
:class:`~rongcuo.domain.errors.Refused` with a stable code, a message in Chinese and
English, the article the definition cites for it, and the triggers open instead.  What a
rule looked at is written to ``GuardCall.seen`` and recorded in the event data, so replay
never needs the guard's context again.

The rules (``rule:`` in a definition, its parameters → the code it refuses with):

* ``min_investigators`` (min) → ``guard.min_investigators``: fewer non-recused investigators
* ``investigator_not_recused`` → ``guard.investigator_recused``
* ``investigator_not_assigned`` → ``guard.investigator_already_assigned``
* ``investigator_assigned`` → ``guard.investigator_not_assigned``
* ``statement_heard`` → ``guard.statement_before_determination``
* ``exclusion_forbids_tolerance`` (exclusion_article, forbidden) →
  ``guard.exclusion_forbids_tolerance``: an item of an exclusion article with a forbidden outcome
* ``repeated_mistake`` (forbidden, tolerated) → ``guard.repeated_mistake``: an earlier
  tolerance for the same subject and matter (``context["prior_tolerances"]``)
* ``items_match_outcome`` → ``guard.items_match_outcome``
* ``all_items_for_outcome`` (outcome, conditions_article) → ``guard.conditions_not_met``:
  every condition of that article must hold
* ``within_timer`` (timer) → ``timer.window_closed``: after the window's last day
* ``timer_closed`` (timer, optional waiver data key) → ``guard.window_open``
* ``timer_expired`` (timer) → ``guard.timer_not_expired``
* ``no_correction_owed`` → ``guard.correction_owed``
* ``outcome_in`` (outcomes) → ``guard.outcome``
* ``one_of_data`` (keys) → ``input.one_of`` (InvalidInput)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

from rongcuo.domain.errors import InvalidInput, Refused

if TYPE_CHECKING:
    from rongcuo.domain.case import CaseState, Command
    from rongcuo.domain.definition import GuardSpec, WorkflowDefinition


@dataclass
class GuardCall:
    """Everything one guard may look at, and where it writes what it saw."""

    spec: GuardSpec
    definition: WorkflowDefinition
    case: CaseState | None
    command: Command
    data: Mapping[str, Any]
    context: Mapping[str, Any]
    due: Callable[[str], date | None]  # the current due date of a running timer, else None
    allowed: tuple[str, ...]
    seen: dict[str, Any] = field(default_factory=dict)

    @property
    def facts(self) -> Mapping[str, Any]:
        return self.case.facts if self.case is not None else {}

    def param(self, key: str) -> Any:
        return self.spec.params[key]

    def refuse(self, code: str, zh: str, en: str, **details: Any) -> NoReturn:
        raise Refused(
            f"不允许“{self.command.trigger}”：{zh}",
            f"'{self.command.trigger}' refused: {en}",
            code=code,
            article=self.spec.article,
            allowed=self.allowed,
            details={"rule": self.spec.rule, **details},
        )


@dataclass(frozen=True)
class GuardRule:
    name: str
    params: tuple[str, ...]
    check: Callable[[GuardCall], None]


def _active_investigators(call: GuardCall) -> list[str]:
    recused = set(call.facts.get("recused", ()))
    return [i for i in call.facts.get("investigators", ()) if i not in recused]


def _min_investigators(call: GuardCall) -> None:
    need = int(call.param("min"))
    active = _active_investigators(call)
    if len(active) < need:
        call.refuse(
            "guard.min_investigators",
            f"调查人员不得少于{need}人（现有未回避的调查人员 {len(active)} 人）",
            f"at least {need} investigators who are not recused are required (now {len(active)})",
            investigators=active,
        )


def _investigator_not_recused(call: GuardCall) -> None:
    who = call.data["investigator"]
    if who in call.facts.get("recused", ()):
        call.refuse(
            "guard.investigator_recused",
            f"{who} 已因利害关系回避，不得再参与本案调查",
            f"{who} was recused for a conflict of interest and may not investigate this case",
        )


def _investigator_not_assigned(call: GuardCall) -> None:
    who = call.data["investigator"]
    if who in call.facts.get("investigators", ()):
        call.refuse(
            "guard.investigator_already_assigned",
            f"{who} 已是本案调查人员",
            f"{who} is already assigned to this case",
        )


def _investigator_assigned(call: GuardCall) -> None:
    who = call.data["investigator"]
    if who not in call.facts.get("investigators", ()):
        call.refuse(
            "guard.investigator_not_assigned",
            f"{who} 不是本案调查人员",
            f"{who} is not an investigator of this case",
        )


def _statement_heard(call: GuardCall) -> None:
    if not call.facts.get("statement_heard"):
        call.refuse(
            "guard.statement_before_determination",
            "作出认定前应当充分听取被调查人的陈述申辩（先进行 hear_statement）",
            "the subject's statement and defence must be heard before a determination "
            "(fire hear_statement first)",
        )


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _exclusion_forbids_tolerance(call: GuardCall) -> None:
    articles = set(_as_list(call.param("exclusion_article")))
    forbidden = set(_as_list(call.param("forbidden")))
    outcome = call.data.get("outcome")
    hits = [i for i in call.data.get("items", ()) if i.partition(".")[0] in articles]
    if hits and outcome in forbidden:
        call.refuse(
            "guard.exclusion_forbids_tolerance",
            f"所依据的 {', '.join(hits)} 属于不予容错情形，不得认定为 {outcome}",
            f"{', '.join(hits)} exclude tolerance, so the outcome may not be {outcome}",
            items=hits,
        )


def _iso(v: Any) -> str:
    return v.isoformat() if isinstance(v, date) else str(v)


def _repeated_mistake(call: GuardCall) -> None:
    forbidden = set(_as_list(call.param("forbidden")))
    tolerated = set(_as_list(call.param("tolerated")))
    subject, matter = call.facts.get("subject"), call.facts.get("matter")
    priors = list(call.context.get("prior_tolerances", ()))
    on = call.command.on.isoformat()
    matches = [
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in p.items()}
        for p in priors
        if p.get("subject") == subject
        and p.get("matter") == matter
        and p.get("outcome") in tolerated
        # under this procedure only (a Banan decision is not a Licheng 容错免责处理) …
        and p.get("workflow", call.definition.id) == call.definition.id
        # … and already given on the day of this decision ("给予…处理后再次出现"), where the
        # procedure records its decision date (Licheng's determined_on); where it does not
        # (Banan), every earlier case counts, as before
        and _iso(p.get("decided_on") or on) <= on
    ]
    call.seen["repeated_mistake"] = {
        "subject": subject,
        "matter": matter,
        "context_given": "prior_tolerances" in call.context,
        "prior_tolerances_checked": len(priors),
        "matches": matches,
    }
    if matches and call.data.get("outcome") in forbidden:
        numbers = ", ".join(str(m.get("number") or m.get("case_id")) for m in matches)
        call.refuse(
            "guard.repeated_mistake",
            f"{subject} 在“{matter}”上已获容错处理（{numbers}），再次出现同样失误不予容错",
            f"{subject} was already tolerated for '{matter}' ({numbers}); a repeated mistake "
            "is not tolerated again",
            matches=matches,
        )


def _items_match_outcome(call: GuardCall) -> None:
    outcome = call.definition.outcomes[call.data["outcome"]]
    wrong = [i for i in call.data.get("items", ()) if i.partition(".")[0] not in outcome.articles]
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


def _all_items_for_outcome(call: GuardCall) -> None:
    """Every condition of ``conditions_article`` for ``outcome``; with ``situation_article``
    also at least one situation of that article (Banan art. 13: "具有第十二条规定情形之一，
    同时符合下列条件的，可以免除…责任")."""
    if call.data.get("outcome") != call.param("outcome"):
        return
    situation = call.spec.params.get("situation_article")
    items = set(call.data.get("items", ()))
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
    need = {f"{art}.{n}" for n in entry.items}
    missing = sorted(need - set(call.data.get("items", ())))
    if missing:
        call.refuse(
            "guard.conditions_not_met",
            f"认定为 {call.param('outcome')} 须同时符合第{art}条全部条件，"
            f"缺少 {', '.join(missing)}",
            f"'{call.param('outcome')}' needs every condition of article {art}; missing "
            f"{', '.join(missing)}",
            missing=missing,
        )


def _within_timer(call: GuardCall) -> None:
    name = call.param("timer")
    due = call.due(name)
    if due is None or call.command.on > due:
        label = call.definition.timers[name].label_zh
        last = due.isoformat() if due else "—"
        call.refuse(
            "timer.window_closed",
            f"{label}已届满（最后一日 {last}），{call.command.on.isoformat()} 已超出期限",
            f"the {name} window closed on {last}; {call.command.on.isoformat()} is too late",
            timer=name,
            due=due.isoformat() if due else None,
        )


def _timer_closed(call: GuardCall) -> None:
    """The window has closed — or, with the optional ``waiver`` parameter (a bool data key),
    the party has waived it in writing (e.g. ``review_waived=true``: the party states it will
    not request a review, Licheng art. 19), which is recorded in the event."""
    name = call.param("timer")
    waiver = call.spec.params.get("waiver")
    if waiver and call.data.get(waiver) is True:
        call.seen["window_waived"] = {"timer": name, "by": waiver}
        return
    due = call.due(name)
    if due is not None and call.command.on <= due:
        label = call.definition.timers[name].label_zh
        call.refuse(
            "guard.window_open",
            f"{label}尚未届满（至 {due.isoformat()} 24时），须待期满后再进行",
            f"the {name} window is open until 24:00 of {due.isoformat()}; wait until it closes",
            timer=name,
            due=due.isoformat(),
        )


def _timer_expired(call: GuardCall) -> None:
    name = call.param("timer")
    due = call.due(name)
    if due is None or call.command.on <= due:
        last = due.isoformat() if due else "—"
        call.refuse(
            "guard.timer_not_expired",
            f"{call.definition.timers[name].label_zh}未届满或未在计时（期限 {last}）",
            f"the {name} period has not expired or is not running (due {last})",
            timer=name,
        )


def _no_correction_owed(call: GuardCall) -> None:
    if call.facts.get("correction_required", False):
        call.refuse(
            "guard.correction_owed",
            "本案认定结果需要纠错，须先责成限期纠正并完成整改",
            "this determination owes a correction: order it and complete it first",
        )


def _outcome_in(call: GuardCall) -> None:
    outcomes = _as_list(call.param("outcomes"))
    outcome = call.facts.get("outcome")
    if outcome not in outcomes:
        call.refuse(
            "guard.outcome",
            f"认定结果为 {outcome}，只有 {', '.join(outcomes)} 才能进行此步骤",
            f"the outcome is {outcome}; this step is only for {', '.join(outcomes)}",
        )


def _fact_in(call: GuardCall) -> None:
    """The step is only for cases whose ``fact`` is one of ``values`` (``negate``: is none of
    them) — e.g. Banan art. 16: a procedure the bureau's party group started considers
    tolerance itself, so its case is decided without a proposal and never lapses for want
    of one."""
    fact = str(call.param("fact"))
    values = _as_list(call.param("values"))
    negate = bool(call.spec.params.get("negate", False))
    value = call.facts.get(fact)
    if (value in values) == negate:
        wanted_zh = ("不是 " if negate else "为 ") + "、".join(str(v) for v in values)
        wanted_en = ("is none of " if negate else "is one of ") + ", ".join(map(str, values))
        call.refuse(
            "guard.fact",
            f"此步骤只适用于 {fact} {wanted_zh} 的案件（本案：{value if value else '未记录'}）",
            f"this step is only for cases whose {fact} {wanted_en} (this case: "
            f"{value if value else 'not recorded'})",
            fact=fact, value=value,
        )


def _data_in_when(call: GuardCall) -> None:
    """When the case's ``fact`` is one of ``when``, the step's ``data`` field must be one of
    ``allowed`` — e.g. Banan art. 16: a procedure another accountability body started gets
    its tolerance proposal from the officer's party organisation, not from the officer."""
    fact, key = str(call.param("fact")), str(call.param("data"))
    if call.facts.get(fact) not in _as_list(call.param("when")):
        return
    allowed = _as_list(call.param("allowed"))
    given = call.data.get(key)
    if given not in allowed:
        call.refuse(
            "guard.data_not_allowed",
            f"{fact} 为 {call.facts.get(fact)} 时，{key} 只能是 {'、'.join(map(str, allowed))}"
            f"（收到 {given}）",
            f"when {fact} is {call.facts.get(fact)}, {key} must be one of "
            f"{', '.join(map(str, allowed))} (got {given})",
            key=key, given=given,
        )


def _one_of_data(call: GuardCall) -> None:
    keys = list(call.param("keys"))
    given = [k for k in keys if call.data.get(k) is not None]
    if len(given) != 1:
        raise InvalidInput(
            f"须且只须给出 {' 或 '.join(keys)} 之一（现有：{', '.join(given) or '无'}）",
            f"give exactly one of {', '.join(keys)} (given: {', '.join(given) or 'none'})",
            code="input.one_of",
            article=call.spec.article,
            details={"keys": keys, "rule": call.spec.rule},
        )


GUARD_RULES: dict[str, GuardRule] = {
    r.name: r
    for r in (
        GuardRule("min_investigators", ("min",), _min_investigators),
        GuardRule("investigator_not_recused", (), _investigator_not_recused),
        GuardRule("investigator_not_assigned", (), _investigator_not_assigned),
        GuardRule("investigator_assigned", (), _investigator_assigned),
        GuardRule("statement_heard", (), _statement_heard),
        GuardRule(
            "exclusion_forbids_tolerance",
            ("exclusion_article", "forbidden"),
            _exclusion_forbids_tolerance,
        ),
        GuardRule("repeated_mistake", ("forbidden", "tolerated"), _repeated_mistake),
        GuardRule("items_match_outcome", (), _items_match_outcome),
        GuardRule(
            "all_items_for_outcome", ("outcome", "conditions_article"), _all_items_for_outcome
        ),
        GuardRule("within_timer", ("timer",), _within_timer),
        GuardRule("timer_closed", ("timer",), _timer_closed),
        GuardRule("timer_expired", ("timer",), _timer_expired),
        GuardRule("no_correction_owed", (), _no_correction_owed),
        GuardRule("outcome_in", ("outcomes",), _outcome_in),
        GuardRule("one_of_data", ("keys",), _one_of_data),
        GuardRule("fact_in", ("fact", "values"), _fact_in),
        GuardRule("data_in_when", ("fact", "when", "data", "allowed"), _data_in_when),
    )
}
