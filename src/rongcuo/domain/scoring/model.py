"""The evaluation sheet (评查标准): basic standards, stages, documents, items and points.

A sheet is one annex of 蒲县评查制度: annex 3 (行政处罚案卷评查标准) or annex 4 (行政强制案卷评查
标准).  Its *basic standards* (基础标准) are pass/fail; its *document-norm standards* (文书规范
标准) are items grouped by document and stage, each worth a number of points that a violation
deducts (附件1第三项).  Points are :class:`~decimal.Decimal` in steps of 0.5 (the smallest
value the catalogues print); never floats, so 100 − 10.5 is exactly 89.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

HALF = Decimal("0.5")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def points(value: Any) -> Decimal | None:
    """``value`` (an int, a decimal text such as ``"0.5"``, or a float read from YAML) as
    points, or None when it is not a number.  A float is taken by its shortest text
    (``0.5`` → ``Decimal("0.5")``), never by its binary value."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def is_half_step(p: Decimal) -> bool:
    """``p`` is a whole multiple of 0.5."""
    return (p / HALF) % 1 == 0


def shown(p: Decimal) -> str:
    """Points as a case worker writes them: ``8``, ``0.5``, ``89.5`` (no trailing zeros)."""
    text = format(p.normalize(), "f")
    return text


@dataclass(frozen=True)
class BasicStandard:
    """One pass/fail basic standard (基础标准), e.g. PB4.2 由二名以上具有行政执法资格的执法人员
    进行调查取证."""

    id: str
    category: str
    text: str


@dataclass(frozen=True)
class Item:
    """One deduction item: violating it deducts ``points`` (附件1第三项)."""

    id: str
    stage: str
    document: str
    text: str
    points: Decimal


@dataclass(frozen=True)
class Document:
    """One document (文书) of a stage, worth the sum of its items."""

    id: str
    stage: str
    title: str
    points: Decimal
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Stage:
    """One stage (阶段) of the file, worth the sum of its documents.  ``applies_if``: the kinds
    of coercion a file must involve for the stage to apply at all (annex 4: 行政强制措施 for C1,
    行政强制执行 for C2); empty: it always applies."""

    id: str
    title: str
    points: Decimal
    documents: tuple[Document, ...]
    applies_if: tuple[str, ...] = ()


@dataclass(frozen=True)
class GradeBand:
    """A grade and its inclusive lower bound (None: everything below the bands above)."""

    grade: str
    min: Decimal | None
    article: str
    note: str = ""


# 附件1第四项 "90分以上为优秀，75分以上未满90分为良好，60分以上未满75分为合格，59分以下为不合格";
# 以上 includes the number (民法典第一千二百五十九条).  "59分以下" leaves 59 < score < 60
# in no band, and 59.5 is reachable (every deduction is a multiple of 0.5): 附件2's form
# says 不合格（未满60分）, which closes the gap — the reading taken (READINGS["R-GAP"]).
PU_GRADES: tuple[GradeBand, ...] = (
    GradeBand("优秀", Decimal(90), "蒲县评查制度附件1第四项"),
    GradeBand("良好", Decimal(75), "蒲县评查制度附件1第四项"),
    GradeBand("合格", Decimal(60), "蒲县评查制度附件1第四项"),
    GradeBand("不合格", None, "蒲县评查制度附件2",
              note="附件1“59分以下”在59至60分之间留有空档；按附件2“不合格（未满60分）”"),
)


def grade_for(score: Decimal, bands: tuple[GradeBand, ...] = PU_GRADES) -> GradeBand:
    """The band ``score`` falls in, checked top-down (lower bounds inclusive)."""
    for band in bands:
        if band.min is None or score >= band.min:
            return band
    return bands[-1]


@dataclass(frozen=True)
class Reading:
    """A point the source leaves open, and the reading taken (declared, never silent)."""

    key: str
    zh: str
    en: str
    basis: str  # "reading" (of the source) or "policy" (the source says nothing)


READINGS: dict[str, Reading] = {r.key: r for r in (
    Reading("R-GAP", "不合格为未满60分（附件2），59.5分为不合格；附件1“59分以下”的空档由此闭合",
            "fail is below 60 (annex 2's 未满60分): 59.5 fails; annex 1's '59 and below' "
            "leaves a gap that annex 2 closes", "reading"),
    Reading("R-NA", "只扣违反要求的分；案件无需制作的文书（如未申请听证时的听证通知书）标为不适用，"
            "不予扣分，并记明理由",
            "only a violation is deducted: a document the case did not need (a hearing notice "
            "when no hearing was asked for) is marked not applicable, with a reason, and not "
            "deducted", "reading"),
    Reading("R-FULL", "扣除该项的全部分值（原文未设部分扣分）；部分扣分须由本单位另行决定启用",
            "an item's full points are deducted (the text sets no partial scale); partial "
            "deductions only if the adopting body enables them", "policy"),
    Reading("R-ONCE", "同一扣分项在一份案卷中只扣一次，即使该文书有多份",
            "an item is deducted once per file, even when the file holds several copies of "
            "the document", "policy"),
)}


@dataclass(frozen=True)
class Sheet:
    """One evaluation standard: its basic standards and its stages (the points total 100)."""

    id: str
    title: str
    annex: str  # the article the sheet is: 蒲县评查制度附件3
    case_type: str  # 行政处罚 / 行政强制 (附件2 案件类型)
    total: Decimal
    basic: tuple[BasicStandard, ...]
    stages: tuple[Stage, ...]

    @property
    def documents(self) -> tuple[Document, ...]:
        return tuple(d for s in self.stages for d in s.documents)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for d in self.documents for i in d.items)

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def document(self, document_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == document_id), None)

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def basic_standard(self, standard_id: str) -> BasicStandard | None:
        return next((b for b in self.basic if b.id == standard_id), None)

    def not_applicable_for(self, kinds: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """The stages that do not apply to a file involving only ``kinds`` of coercion
        (annex 4: a measures-only file has no execution stage), by their ``applies_if``."""
        return tuple(s.id for s in self.stages
                     if s.applies_if and not set(s.applies_if) & set(kinds))
