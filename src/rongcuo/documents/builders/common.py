"""What every builder shares: its input, citation helpers, the registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rongcuo.documents.delivery import METHODS, Delivery
from rongcuo.documents.kinds import KindSpec
from rongcuo.documents.model import Body, Paragraph
from rongcuo.documents.text import cn_date, item_ref, join_cn
from rongcuo.documents.view import CaseView, DeadlineView, Procedure, StepView

ABBREVIATION = "《办法》"


@dataclass(frozen=True)
class BuildInput:
    """A builder's input: the case as of the issuing step, and what is known around it."""

    case: CaseView
    proc: Procedure
    spec: KindSpec
    step: StepView  # the step that issues the document
    issuer: str
    delivery: Delivery | None = None
    # numbers of the case's documents issued so far, by kind (None: not issued / a draft)
    related: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return self.case.subject

    @property
    def agency(self) -> str:
        return self.case.agency

    def fact(self, name: str, default: object = None) -> object:
        return self.case.facts.get(name, default)

    def data(self, name: str, default: object = None) -> object:
        return self.step.data.get(name, default)

    def step_of(self, trigger: str) -> StepView | None:
        return self.case.step(trigger, at=self.step.seq)

    def deadline(self, timer: str) -> DeadlineView | None:
        return self.case.deadline(timer)

    def doc_ref(self, kind: str, title: str) -> str:
        """``《容错纠错认定决定书》（济历城监容〔2025〕3号）`` — or without a number while the
        document is not issued (a draft cites no number it does not have)."""
        number = self.related.get(kind)
        return f"《{title}》（{number}）" if number else f"《{title}》"


Builder = Callable[[BuildInput], Body]
BUILDERS: dict[str, Builder] = {}


def builder(key: str) -> Callable[[Builder], Builder]:
    """Register a builder as ``<workflow>.<kind>``."""

    def register(fn: Builder) -> Builder:
        BUILDERS[key] = fn
        return fn

    return register


def cite(ref: str) -> str:
    """``第十条第（二）项`` → ``《办法》第十条第（二）项``."""
    return ABBREVIATION + ref


def procedure_intro(proc: Procedure) -> str:
    """The procedure cited in full once, with the abbreviation used after it."""
    doc = proc.source_document
    number = f"{doc}，" if doc and doc != proc.title else ""
    return f"《{proc.title}》（{number}以下简称{ABBREVIATION}）"


def items_text(proc: Procedure, items: Sequence[str]) -> str:
    """``《办法》第十条第（二）项“……的”；《办法》第十一条第（一）项“……的”``."""
    return "；".join(ABBREVIATION + proc.quote_item(i) for i in items)


def items_refs(items: Sequence[str]) -> str:
    """The bare references, for a sentence that does not quote the items."""
    return join_cn(cite(item_ref(i)) for i in items)


def as_items(value: object) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def on_text(step: StepView | None) -> str:
    return cn_date(step.on) if step else ""


def methods_line(chosen: str | None) -> str:
    """``■直接送达　□邮寄送达　…`` — the method ticked, the others left as boxes for the pen
    (■/□: both glyphs are in Noto CJK, unlike ☑)."""
    return "　".join(("■" if m == chosen else "□") + m for m in METHODS)


def paragraphs(*items: str | Paragraph | None) -> tuple[Paragraph, ...]:
    """Body paragraphs from text (``body`` style) or ready paragraphs; None is left out."""
    return tuple(p if isinstance(p, Paragraph) else Paragraph(p) for p in items if p)


def plain(text: str) -> Paragraph:
    return Paragraph(text, "plain")


def heading(text: str) -> Paragraph:
    return Paragraph(text, "heading")
