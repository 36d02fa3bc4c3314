"""What a document is built from: a case's facts and steps and the procedure's labels — pure.

The builders never read the store or a definition object directly: the adapter (or, in the
wiring phase, the unit of work after deciding a step) hands them a :class:`CaseView` and a
:class:`Procedure`.  ``Procedure.from_definition`` is the one place that knows the shape of a
parsed :class:`~rongcuo.domain.definition.WorkflowDefinition`, so the restructuring of the
definition model changes this function only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rongcuo.documents.text import item_ref


@dataclass(frozen=True)
class Procedure:
    """The labels and citations of one definition version that documents print."""

    id: str
    version: str
    title: str  # 历城区行政执法履职尽责容错纠错实施办法（试行）
    short: str  # 历城办法
    source_document: str  # 济历城政发〔2025〕1号
    jurisdiction: str
    triggers: Mapping[str, tuple[str, str]]  # name → (label_zh, article)
    states: Mapping[str, str]  # name → label_zh
    timers: Mapping[str, tuple[str, str]]  # name → (label_zh, article)
    outcomes: Mapping[str, tuple[str, str]]  # name → (label_zh, article)
    items: Mapping[str, str]  # "10.2" → catalogue text
    article_titles: Mapping[str, str]  # "10" → 应当从轻、减轻处理或者予以免责的情形
    # the opening step's field labels: subject → 容错纠错对象 (Licheng) / 执法人员 (Banan)
    party_labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_definition(cls, d: Any) -> Procedure:
        """Read the labels from a parsed workflow definition."""
        source = dict(d.source or {})
        items: dict[str, str] = {}
        titles: dict[str, str] = {}
        for number, art in d.catalogue.items():
            titles[str(number)] = str(art.title)
            for k, text in art.items.items():
                items[f"{number}.{k}"] = str(text)
        return cls(
            id=str(d.id),
            version=str(d.version),
            title=str(d.title),
            short=str(source.get("short") or d.title),
            source_document=str(source.get("document") or ""),
            jurisdiction=str(d.jurisdiction),
            triggers={k: (t.label_zh, t.article) for k, t in d.triggers.items()},
            states={k: s.label_zh for k, s in d.states.items()},
            timers={k: (t.label_zh, t.article) for k, t in d.timers.items()},
            outcomes={k: (o.label_zh, o.article) for k, o in d.outcomes.items()},
            items=items,
            article_titles=titles,
            party_labels={k: f.label_zh for k, f in d.open_trigger.data.items() if f.label_zh},
        )

    def outcome_label(self, outcome: str | None) -> str:
        if not outcome:
            return ""
        return self.outcomes.get(outcome, (outcome, ""))[0]

    def outcome_article(self, outcome: str | None) -> str:
        return self.outcomes.get(outcome or "", ("", ""))[1]

    def trigger_article(self, trigger: str) -> str:
        return self.triggers.get(trigger, ("", ""))[1]

    def quote_item(self, item: str) -> str:
        """``第十条第（二）项“因国家政策调整……的”`` — the item cited with its own words."""
        text = self.items.get(item)
        return f"{item_ref(item)}“{text}”" if text else item_ref(item)

    def in_full(self) -> str:
        """``《历城区…实施办法（试行）》（济历城政发〔2025〕1号）``."""
        doc = f"（{self.source_document}）" if self.source_document and \
            self.source_document != self.title else ""
        return f"《{self.title}》{doc}"


@dataclass(frozen=True)
class StepView:
    """One recorded step (event) of the case, as a document reads it."""

    seq: int
    trigger: str
    on: date
    actor: str
    article: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeadlineView:
    timer: str
    label_zh: str
    started_on: date
    due: date | None
    status: str


@dataclass(frozen=True)
class CaseView:
    """A case as documents see it: identity, facts, steps in order, deadlines."""

    id: str
    number: str
    workflow_id: str
    workflow_version: str
    subject: str
    agency: str
    opened_on: date
    facts: Mapping[str, Any]
    steps: Sequence[StepView]
    deadlines: Sequence[DeadlineView] = ()

    def step(self, trigger: str, *, at: int | None = None) -> StepView | None:
        """The last step ``trigger`` recorded (up to seq ``at`` when given), or None."""
        found = None
        for s in self.steps:
            if at is not None and s.seq > at:
                break
            if s.trigger == trigger:
                found = s
        return found

    def steps_of(self, trigger: str, *, at: int | None = None) -> list[StepView]:
        return [s for s in self.steps if s.trigger == trigger and (at is None or s.seq <= at)]

    def at(self, seq: int) -> StepView:
        for s in self.steps:
            if s.seq == seq:
                return s
        raise KeyError(seq)

    def deadline(self, timer: str) -> DeadlineView | None:
        return next((d for d in self.deadlines if d.timer == timer), None)

    @property
    def matter(self) -> str:
        return str(self.facts.get("matter") or "")
