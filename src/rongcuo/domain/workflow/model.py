"""The workflow model: the validated form of a procedure definition.

A definition is the procedure of one supervision body, written as data: identity and the
dates it is in force, states, triggers (with their data fields, guards and fact effects),
legal timers, and the determination catalogue.  These are plain frozen values; how they are
built from a mapping is :mod:`rongcuo.domain.workflow.build`, and how a file becomes that
mapping is the edge's business (:mod:`rongcuo.definitions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from rongcuo.domain.errors import DefinitionError
from rongcuo.domain.messages import message

MSG_DEFINITION_TIMER_WITHOUT_DAYS = message(
    "definition.timer_without_days",
    "计时器 {name} 没有期限天数",
    "timer {name} has no period length",
)

if TYPE_CHECKING:
    from rongcuo.domain.periods import PeriodRule

DataType = Literal["str", "int", "date", "enum", "list", "bool", "items", "key"]


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    basis: str
    note: str
    article: str | None = None
    unit: str | None = None
    required_from: str | None = None

    @property
    def adopter(self) -> bool:
        """C2: a number the source leaves blank, which the adopting body must supply before
        a case is opened (``basis: blank_in_source``, ``required_from: adopter``)."""
        return self.basis == "blank_in_source" and self.required_from == "adopter"


@dataclass(frozen=True)
class StateSpec:
    name: str
    label_zh: str
    label_en: str
    article: str
    final: bool = False


@dataclass(frozen=True)
class DataField:
    name: str
    type: DataType
    required: bool = False
    values: tuple[str, ...] = ()
    min: int | None = None
    label_zh: str = ""
    max_length: int | None = None  # characters of a text (each item of a list); None: limits
    value_labels: tuple[tuple[str, str], ...] = ()  # (code, Chinese label) of an enum's values
    label_en: str = ""

    def value_label(self, code: str) -> str:
        """The Chinese label of one of an enum's values (the code when it has none)."""
        return dict(self.value_labels).get(code, code)

    def code_for(self, given: str) -> str | None:
        """The code ``given`` names: a value itself or its Chinese label (None: neither)."""
        if given in self.values:
            return given
        return next((c for c, lab in self.value_labels if lab == given), None)
    historic: bool = False  # C19: any date up to the step's own (before the previous step too)


@dataclass(frozen=True)
class GuardSpec:
    """A named rule (``rongcuo.domain.rules.RULES``), its parameters and the article it
    enforces.  ``params`` holds every parameter the rule declares: those the definition
    leaves out carry the rule's default.  ``note`` says why, where a value needs a reason."""

    rule: str
    article: str
    params: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class FactOp:
    """``set`` a fact, or ``add``/``remove`` a value of a list fact.

    A value written ``$key`` is the step's data field ``key``; ``$on`` is the business date.
    """

    op: Literal["set", "add", "remove"]
    fact: str
    value: Any


@dataclass(frozen=True)
class TransitionSpec:
    """One way a trigger moves a case.  A trigger's transitions are tried in the order
    listed: the first whose ``sources`` hold the case's state and whose guards all pass is
    taken (the validator refuses one that could never be)."""

    sources: tuple[str, ...]
    dest: str | None  # None: an internal step (the state does not change)
    guards: tuple[GuardSpec, ...] = ()


@dataclass(frozen=True)
class TriggerSpec:
    name: str
    label_zh: str
    label_en: str
    article: str
    event: str
    opens: bool
    transitions: tuple[TransitionSpec, ...]
    data: Mapping[str, DataField]
    guards: tuple[GuardSpec, ...]
    facts: tuple[FactOp, ...]
    # the official documents the step issues (kinds of the workflow's document catalogue;
    # ``case_file``: the archived case file) — data for the document layer, no rule
    documents: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(s for t in self.transitions for s in t.sources)


@dataclass(frozen=True)
class ExtensionRule:
    by: str
    max_times: int | None
    max_days: int | None
    approval_required: bool
    article: str


@dataclass(frozen=True)
class Rung:
    """An escalation rung: ``offset_working_days`` after the due date, to whom."""

    index: int
    offset_working_days: int
    to: str
    to_en: str = ""
    article: str | None = None


@dataclass(frozen=True)
class TimerSpec:
    name: str
    label_zh: str
    label_en: str
    article: str
    kind: Literal["deadline", "window"]
    unit: Literal["calendar", "working"]
    days: int | None  # fixed period length (a parameter reference is resolved here)
    days_from_data: str | None  # the period length is given by the start step's data field
    due_from_data: str | None  # or an explicit due date given by the start step
    rollover: bool
    start_on: tuple[str, ...]
    start_from: str | None  # data field holding the start date; None: the step's date
    stop: tuple[str, ...]
    cancel: tuple[str, ...]
    pause_by: str | None
    resume_by: str | None
    pause_article: str | None
    extension: ExtensionRule | None
    reminders: tuple[int, ...]  # working days before due (policy)
    escalation: tuple[Rung, ...]  # policy
    on_expiry: str | None  # a trigger fired on expiry; None: escalate only
    # (fact, values): the timer does not start when the start step leaves the fact at one of
    # these values (巴南办法第十六条: a procedure the 局党组 starts has no proposal window)
    start_unless: tuple[str, tuple[Any, ...]] | None = None

    def starts(self, facts: Mapping[str, Any]) -> bool:
        """Whether the timer starts, given the facts as its start step leaves them."""
        if self.start_unless is None:
            return True
        fact, values = self.start_unless
        return facts.get(fact) not in values
    # C2: the length is an adopter parameter, its value per case (recorded when it opened)
    days_from_param: str | None = None
    # the pause step's date field saying when the pause began (an appraisal commissioned
    # before the step was recorded, even before the period started); None: the step's date
    pause_from: str | None = None

    def rule(self, days: int | None = None) -> PeriodRule:
        """The period rule; ``days`` overrides a per-case length (``days_from_data``)."""
        from rongcuo.domain.periods import PeriodRule  # the legal clock

        n = self.days if days is None else days
        if n is None:
            raise DefinitionError.of(
                MSG_DEFINITION_TIMER_WITHOUT_DAYS,
                name=self.name,
                article=self.article,
            )
        cap = self.extension.max_days if self.extension else None
        return PeriodRule(
            unit=self.unit, days=n, rollover=self.rollover, max_extension_days=cap,
            # this definition's own articles, None where it names none (no clock default)
            extension_article=self.extension.article if self.extension is not None else None,
            pause_article=self.pause_article,
        )

    def notice_keys(self) -> tuple[str, ...]:
        """Every notice this timer can owe, in order: reminders, overdue, rungs.  A window
        (a party's right to act, e.g. Banan art. 16's proposal window) owes nobody a reminder
        and nobody is late when it closes — but one whose definition fires a trigger when it
        closes (``on_expiry``) owes that, at 24:00 CST of its last day, as ``overdue``."""
        if self.kind == "window":
            return ("overdue",) if self.on_expiry else ()
        keys = [f"reminder:{n}" for n in self.reminders]
        keys.append("overdue")
        keys.extend(f"escalation:{r.index}" for r in self.escalation)
        return tuple(keys)


@dataclass(frozen=True)
class Outcome:
    name: str
    label_zh: str
    label_en: str
    articles: tuple[str, ...]
    correction: bool
    article: str


@dataclass(frozen=True)
class CatalogueArticle:
    number: str
    title: str
    article: str
    exclusion: bool
    items: Mapping[str, str]


@dataclass(frozen=True)
class WorkflowDefinition:
    """A validated procedure.  Identity: ``(id, version)``."""

    id: str
    version: str
    title: str
    title_en: str
    jurisdiction: str
    source: Mapping[str, Any]
    in_force: tuple[date | None, date | None]
    in_force_article: str | None
    case_number: str
    parameters: Mapping[str, Parameter]
    states: Mapping[str, StateSpec]
    triggers: Mapping[str, TriggerSpec]
    timers: Mapping[str, TimerSpec]
    outcomes: Mapping[str, Outcome]
    catalogue: Mapping[str, CatalogueArticle]
    filename: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.version)

    @property
    def open_trigger(self) -> TriggerSpec:
        return next(t for t in self.triggers.values() if t.opens)

    @property
    def adopter_parameters(self) -> tuple[Parameter, ...]:
        """The parameters the adopting body must set before a case opens (C2)."""
        return tuple(p for p in self.parameters.values() if p.adopter)

    @property
    def final_states(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states.values() if s.final)

    def item_text(self, item: str) -> str | None:
        """The catalogue text of ``"article.item"`` (e.g. ``"12.5"``), or None if unknown."""
        art, _, num = item.partition(".")
        entry = self.catalogue.get(art)
        return entry.items.get(num) if entry else None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "jurisdiction": self.jurisdiction,
            "in_force": [d.isoformat() if d else None for d in self.in_force],
            "case_number": self.case_number,
            "file": self.filename,
        }
