"""The model of one official document — pure (no renderer is imported here).

A :class:`Document` is what both formats print: its kind and title, its number (or none: a
draft), the case it belongs to, the parties, the addressees (主送机关), the body as
paragraphs, a form's rows (审批表, 送达回证), the issuer and the date (成文日期), and the
articles it rests on.  :meth:`Document.context` is the template context — the one list of
names a template may use (:data:`CONTEXT_KEYS`); the template check compares a template's
variables against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from rongcuo.documents.text import cn_date, compact_articles, join_cn

ParagraphStyle = Literal["body", "heading", "plain", "item"]
Layout = Literal["letter", "form"]
DRAFT_MARK = "草稿"


@dataclass(frozen=True)
class Party:
    """Someone the document concerns: 容错纠错对象, 行政执法机关, 申请人, 受送达人…"""

    role: str
    name: str


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the body.  ``heading``: 一级标题 (黑体); ``plain``: no first-line
    indent; ``item``: an enumerated item; ``body``: 首行缩进二字."""

    text: str
    style: ParagraphStyle = "body"


@dataclass(frozen=True)
class FormRow:
    """One row of a form: a label and its value ("" is a line left for the pen)."""

    label: str
    value: str


@dataclass(frozen=True)
class Body:
    """What a builder decides; the document's identity is added around it."""

    paragraphs: tuple[Paragraph, ...] = ()
    rows: tuple[FormRow, ...] = ()
    addressees: tuple[str, ...] = ()
    parties: tuple[Party, ...] = ()
    cc: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    note: str = ""  # a form's 备注 or a letter's 附注


@dataclass(frozen=True)
class Document:
    kind: str
    workflow_id: str
    workflow_title: str
    title: str
    layout: Layout
    number: str | None  # the 发文字号; None: a kind without one, or not issued yet
    case_id: str
    case_number: str
    event_seq: int
    issued_on: date
    issuer: str
    body: Body
    reference: str  # the machine reference embedded in the PDF (rongcuo.documents.integrity)
    facts: Mapping[str, Any] = field(default_factory=dict)
    issued: bool = False  # False: a draft (草稿) — rendered, never numbered nor recorded

    @property
    def is_draft(self) -> bool:
        return not self.issued

    @property
    def number_text(self) -> str:
        """The number, or 草稿 on a draft (a form without a number prints nothing)."""
        return self.number or (DRAFT_MARK if self.is_draft else "")

    @property
    def articles_text(self) -> str:
        return compact_articles(self.body.articles)

    def text(self) -> str:
        """Every word the document prints, in order (for tests and plain-text previews)."""
        lines = [self.title, self.number_text, "案件编号：" + self.case_number]
        if self.body.addressees:
            lines.append(join_cn(self.body.addressees) + "：")
        lines += [p.text for p in self.body.paragraphs]
        lines += [f"{r.label}：{r.value}" for r in self.body.rows]
        lines += [self.issuer, cn_date(self.issued_on)]
        if self.body.articles:
            lines.append("依据：" + self.articles_text)
        return "\n".join(lines)

    def context(self) -> dict[str, Any]:
        """The template context: plain JSON-able values (see :data:`CONTEXT_KEYS`); the same
        names again under ``document``, for the layout macros that take one document."""
        b = self.body
        flat: dict[str, Any] = {
            "kind": self.kind,
            "workflow": self.workflow_id,
            "workflow_title": self.workflow_title,
            "title": self.title,
            "layout": self.layout,
            "number": self.number or "",
            "number_text": self.number_text,
            "is_draft": self.is_draft,
            "draft_mark": DRAFT_MARK,
            "case_id": self.case_id,
            "case_number": self.case_number,
            "event_seq": self.event_seq,
            "issued_on": self.issued_on.isoformat(),
            "issued_on_cn": cn_date(self.issued_on),
            "issuer": self.issuer,
            "addressees": list(b.addressees),
            "addressees_text": join_cn(b.addressees),
            "parties": [{"role": p.role, "name": p.name} for p in b.parties],
            "paragraphs": [{"text": p.text, "style": p.style} for p in b.paragraphs],
            "rows": [{"label": r.label, "value": r.value} for r in b.rows],
            "cc": list(b.cc),
            "cc_text": join_cn(b.cc),
            "articles": list(b.articles),
            "articles_text": self.articles_text,
            "note": b.note,
            "reference": self.reference,
            "facts": dict(self.facts),
        }
        return {**flat, "document": dict(flat)}


# The names a document template may use (the keys of Document.context()).
CONTEXT_KEYS: frozenset[str] = frozenset(
    Document(
        kind="", workflow_id="", workflow_title="", title="", layout="letter", number=None,
        case_id="", case_number="", event_seq=0, issued_on=date(2000, 1, 1), issuer="",
        body=Body(), reference="",
    ).context()
)
