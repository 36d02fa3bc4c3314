"""Scoring one case file: ``score(sheet, answers) -> Score`` (蒲县评查制度附件1第三、四项).

附件1第三项: "采用百分制计分方法，基础分值为100分，按照扣分余额计算案卷得分，不设负分。违反基础
标准要求的，案卷得分为零；违反行政执法案卷文书规范标准要求的，扣除相应分数。"  第四项:
"100－扣分合计＝案卷得分", then the grade.  So:

* any basic standard failed → score 0, grade 不合格 (and the failed standards must be named:
  附件2 二 records 不合格原因);
* otherwise score = max(0, 100 − Σ deductions); each deduction an item of *this* sheet, at
  most once (R-ONCE), of its full points unless partial deductions are enabled (R-FULL), and
  never on a document or stage marked not applicable (R-NA: a document the file did not need is
  not a violation);
* the grade by :data:`~rongcuo.domain.scoring.model.PU_GRADES` (R-GAP: 不合格 is < 60).

:meth:`Score.to_data` is what the evaluation's ``score`` step writes into its event, so an
auditor can recount the file from the log alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.scoring.model import (
    HALF,
    PU_GRADES,
    ZERO,
    GradeBand,
    Sheet,
    grade_for,
    is_half_step,
    shown,
)

RULES_ARTICLE = "蒲县评查制度附件1第三项"


class ScoringError(InvalidInput):
    """A deduction or basic finding the evaluation standard cannot hold."""

    code = "scoring.invalid"


UNKNOWN_ITEM = message(
    "scoring.unknown_item",
    "《{sheet}》中没有扣分项 {item}",
    "the standard '{sheet}' has no deduction item {item}",
)
UNKNOWN_BASIC = message(
    "scoring.unknown_basic",
    "《{sheet}》中没有基础标准 {item}",
    "the standard '{sheet}' has no basic standard {item}",
)
UNKNOWN_PART = message(
    "scoring.unknown_document",
    "《{sheet}》中没有阶段、文书或扣分项 {part}，无法标为不适用",
    "the standard '{sheet}' has no stage, document or item {part} to mark not applicable",
)
BASIC_WITHOUT_ITEMS = message(
    "scoring.basic_failed_without_items",
    "基础标准评为不合格时，须写明不合格的基础标准项",
    "a basic-standard failure must name the basic standards failed",
)
BASIC_PASSED_WITH_ITEMS = message(
    "scoring.basic_contradiction",
    "基础标准评为合格，却列出了不合格项 {items}",
    "the basic standards are recorded as passed, yet {items} are listed as failed",
)
DUPLICATE = message(
    "scoring.duplicate_deduction",
    "扣分项 {item} 已经扣过分；同一项在一份案卷中只扣一次",
    "item {item} is already deducted; an item is deducted once per file",
)
EXCEEDS = message(
    "scoring.points_exceed",
    "扣分项 {item}（{text}）最多扣 {max} 分，不能扣 {given} 分",
    "item {item} ({text}) is worth at most {max} points, not {given}",
)
NOT_FULL = message(
    "scoring.points_not_full",
    "扣分项 {item} 应扣除全部 {max} 分（未启用部分扣分），不能扣 {given} 分",
    "item {item} deducts its full {max} points (partial deductions are not enabled), not "
    "{given}",
)
BAD_STEP = message(
    "scoring.points_step",
    "扣分须为{step}分的正整数倍，不能扣 {given} 分",
    "points deducted must be a positive multiple of {step}, not {given}",
)
NA_DEDUCTED = message(
    "scoring.not_applicable_deducted",
    "{part} 已标为不适用（{reason}），其扣分项 {item} 不能扣分",
    "{part} is marked not applicable ({reason}); its item {item} cannot be deducted",
)
NA_WITHOUT_REASON = message(
    "scoring.not_applicable_without_reason",
    "将 {part} 标为不适用须写明理由",
    "marking {part} not applicable needs a reason",
)
NO_REASON = message(
    "scoring.deduction_without_reason",
    "扣分项 {item} 须写明扣分原因",
    "item {item} needs the reason for the deduction",
)


@dataclass(frozen=True)
class Deduction:
    """One deduction: the item, the points (None: the item's full points) and the reason
    (附件2 三 扣分原因)."""

    item: str
    points: Decimal | None = None
    reason: str = ""


@dataclass(frozen=True)
class Answers:
    """What the evaluators recorded on one file."""

    basic_passed: bool
    failed_basic: tuple[str, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    # stage, document or item → why the file did not need it (R-NA; 第四条: a summary-procedure
    # file is exempt from 一案一卷, so P6.1.1 alone)
    not_applicable: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScoringPolicy:
    """What the adopting body may choose (the source is silent): partial deductions (R-FULL:
    off) and their step (0.5, the smallest catalogue value)."""

    partial_deductions: bool = False
    step: Decimal = HALF


@dataclass(frozen=True)
class Score:
    """The result for one file, with everything an auditor needs to recount it."""

    sheet: str
    score: Decimal
    band: GradeBand
    basic_passed: bool
    failed_basic: tuple[str, ...]
    deducted: tuple[tuple[str, Decimal, str], ...]  # item, points, reason
    not_applicable: tuple[tuple[str, str], ...]
    readings: tuple[str, ...]

    @property
    def grade(self) -> str:
        return self.band.grade

    @property
    def deductions_total(self) -> Decimal:
        return sum((p for _, p, _ in self.deducted), ZERO)

    def to_data(self) -> dict[str, Any]:
        """JSON-able (points as decimal text: ``"89.5"``), for the ``score`` step's event."""
        return {
            "sheet": self.sheet,
            "score": shown(self.score),
            "grade": self.grade,
            "grade_article": self.band.article,
            "basic_passed": self.basic_passed,
            "failed_basic": list(self.failed_basic),
            "deductions": [{"item": i, "points": shown(p), "reason": r}
                           for i, p, r in self.deducted],
            "deductions_total": shown(self.deductions_total),
            "not_applicable": [{"part": k, "reason": r} for k, r in self.not_applicable],
            "readings": list(self.readings),
        }


def _check_basic(sheet: Sheet, answers: Answers) -> None:
    for b in answers.failed_basic:
        if sheet.basic_standard(b) is None:
            raise ScoringError.of(UNKNOWN_BASIC, sheet=sheet.title, item=b, article=sheet.annex)
    if not answers.basic_passed and not answers.failed_basic:
        raise ScoringError.of(BASIC_WITHOUT_ITEMS, article="蒲县评查制度附件2")
    if answers.basic_passed and answers.failed_basic:
        raise ScoringError.of(BASIC_PASSED_WITH_ITEMS, items="、".join(answers.failed_basic),
                              article=RULES_ARTICLE)


def _not_applicable(sheet: Sheet, answers: Answers) -> dict[str, str]:
    out: dict[str, str] = {}
    for part, reason in answers.not_applicable.items():
        if sheet.stage(part) is None and sheet.document(part) is None \
                and sheet.item(part) is None:
            raise ScoringError.of(UNKNOWN_PART, sheet=sheet.title, part=part, article=sheet.annex)
        if not str(reason).strip():
            raise ScoringError.of(NA_WITHOUT_REASON, part=part, article=RULES_ARTICLE)
        out[part] = str(reason).strip()
    return out


def _deducted(sheet: Sheet, answers: Answers, na: Mapping[str, str],
              policy: ScoringPolicy) -> list[tuple[str, Decimal, str]]:
    out: list[tuple[str, Decimal, str]] = []
    seen: set[str] = set()
    for d in answers.deductions:
        item = sheet.item(d.item)
        if item is None:
            raise ScoringError.of(UNKNOWN_ITEM, sheet=sheet.title, item=d.item,
                                  article=sheet.annex)
        if d.item in seen:
            raise ScoringError.of(DUPLICATE, item=d.item, article=RULES_ARTICLE)
        seen.add(d.item)
        for part in (item.id, item.document, item.stage):
            if part in na:
                raise ScoringError.of(NA_DEDUCTED, part=part, reason=na[part], item=d.item,
                                      article=RULES_ARTICLE)
        given = item.points if d.points is None else d.points
        if given <= ZERO or (given / policy.step) % 1 != 0 or not is_half_step(given):
            raise ScoringError.of(BAD_STEP, step=shown(policy.step), given=shown(given),
                                  article=RULES_ARTICLE)
        if given > item.points:
            raise ScoringError.of(EXCEEDS, item=d.item, text=item.text, max=shown(item.points),
                                  given=shown(given), article=sheet.annex)
        if not policy.partial_deductions and given != item.points:
            raise ScoringError.of(NOT_FULL, item=d.item, max=shown(item.points),
                                  given=shown(given), article=RULES_ARTICLE)
        if not d.reason.strip():
            raise ScoringError.of(NO_REASON, item=d.item, article="蒲县评查制度第十条")
        out.append((d.item, given, d.reason.strip()))
    return out


def score(sheet: Sheet, answers: Answers, policy: ScoringPolicy | None = None,
          grades: tuple[GradeBand, ...] = PU_GRADES) -> Score:
    """The score and grade of one file (see the module docstring); raises
    :class:`ScoringError` naming the item and the article for anything the standard cannot
    hold.  Deductions are checked even when a basic standard failed (the form records them
    all), but then the score is 0."""
    policy = policy or ScoringPolicy()
    _check_basic(sheet, answers)
    na = _not_applicable(sheet, answers)
    deducted = _deducted(sheet, answers, na, policy)
    if answers.basic_passed:
        value = max(ZERO, sheet.total - sum((p for _, p, _ in deducted), ZERO))
    else:
        value = ZERO  # 违反基础标准要求的，案卷得分为零
    readings = ["R-GAP", "R-ONCE", "R-FULL" if not policy.partial_deductions else "partial"]
    if na:
        readings.append("R-NA")
    return Score(
        sheet=sheet.id, score=value, band=grade_for(value, grades),
        basic_passed=answers.basic_passed, failed_basic=tuple(answers.failed_basic),
        deducted=tuple(deducted), not_applicable=tuple(sorted(na.items())),
        readings=tuple(readings),
    )
