"""评分 — the evaluation's computed ``score`` step (蒲县评查制度附件1第三、四项, 附件2).

Nobody types a score: the rule picks the file's standard by its case type (附件2 案件类型:
行政处罚 → 附件3, 行政强制 → 附件4), reads what the evaluators recorded on the case — the basic
standards' result and the failed ones, each deduction ``{item, points, reason}``, each part
marked not applicable ``{part, reason}`` — and scores it with
:func:`rongcuo.domain.scoring.score`.  The result (``Score.to_data()``: ``score``, ``grade``,
``deductions_total``, each deduction with its reason …) is written into the event, so the step's
facts can be set from it: replay and every report read the event, never the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rongcuo.domain.messages import message
from rongcuo.domain.rules.base import GuardCall, as_texts
from rongcuo.domain.rules.needs import Catalogues
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule
from rongcuo.domain.scoring import Answers, Deduction, Sheet, points, score

MSG_NO_SHEET = message(
    "guard.no_catalogue",
    "没有案件类型为“{case_type}”的评查标准（可用：{value}）",
    "no evaluation standard for case type '{case_type}' (loaded: {value})",
)
MSG_BASIC_UNRECORDED = message(
    "guard.basic_unrecorded",
    "尚未记录基础标准审查结果（合格/不合格），不能评分",
    "the basic standards' result (合格/不合格) is not recorded yet: nothing to score",
)


def _sheet(call: GuardCall) -> Sheet:
    case_type = str(call.facts.get(call.param("case_type_fact")) or "")
    loaded: Mapping[str, Sheet] = call.context.get("catalogues") or {}
    wanted = as_texts(call.param("catalogues"))
    for sid in wanted:
        sheet = loaded.get(sid)
        if sheet is not None and sheet.case_type == case_type:
            return sheet
    zh, en = MSG_NO_SHEET.render({"case_type": case_type,
                                  "value": "、".join(s for s in wanted if s in loaded) or "—"})
    call.refuse(MSG_NO_SHEET.code, zh, en, case_type=case_type)


def _answers(call: GuardCall, sheet: Sheet) -> Answers:
    facts = call.facts
    result = facts.get(call.param("basic_fact"))
    if result not in ("合格", "不合格"):
        zh, en = MSG_BASIC_UNRECORDED.render({})
        call.refuse(MSG_BASIC_UNRECORDED.code, zh, en)
    deductions = tuple(
        Deduction(str(d.get("item", "")), _points(d.get("points")), str(d.get("reason") or ""))
        for d in facts.get(call.param("deductions_fact")) or () if isinstance(d, Mapping))
    na = {str(r.get("part", "")): str(r.get("reason") or "")
          for r in facts.get(call.param("not_applicable_fact")) or () if isinstance(r, Mapping)}
    # 附件4: a stage applies only to a file involving its kind of coercion (R-NA) — the stages
    # a file's recorded kinds exclude are not applicable, with the reason, unless marked already
    kinds = as_texts(facts.get(call.param("kinds_fact")) or [])
    if kinds:
        for stage in sheet.not_applicable_for(kinds):
            wanted = "、".join(next(s.applies_if for s in sheet.stages if s.id == stage))
            na.setdefault(stage, f"本案未涉及{wanted}")
    return Answers(basic_passed=result == "合格",
                   failed_basic=tuple(as_texts(facts.get(call.param("failed_fact")) or [])),
                   deductions=deductions, not_applicable=na)


def _points(value: Any) -> Decimal | None:
    return None if value in (None, "") else points(value)


@rule(
    "file_score",
    params={
        "catalogues": Param("texts", required=True,
                            doc="the standards' ids (pu_annex3_penalty, pu_annex4_coercion)"),
        "case_type_fact": Param("fact", default="case_type", doc="行政处罚 / 行政强制"),
        "basic_fact": Param("fact", default="basic_result", doc="合格 / 不合格"),
        "failed_fact": Param("fact", default="failed_basic", written=False,
                             doc="the basic standards failed"),
        "deductions_fact": Param("fact", default="deductions", written=False,
                                 doc="records {item, points, reason}"),
        "not_applicable_fact": Param("fact", default="not_applicable", written=False,
                                     doc="records {part, reason}"),
        "kinds_fact": Param("fact", default="coercion_kinds", written=False,
                            doc="the file's kinds of coercion (附件4: which stages apply)"),
    },
    needs=Catalogues.from_params,
    reads_data=False,  # it needs the standards loaded: judged only when the step is fired
    refuses=("guard.no_catalogue", "guard.basic_unrecorded"),
    writes=("score", "grade", "grade_article", "deductions_total", "deductions", "sheet",
            "basic_passed", "failed_basic", "not_applicable", "readings", "perfect"),
)
def file_score(call: GuardCall) -> None:
    """评分 — 100 − 扣分合计 = 案卷得分, 不设负分; 违反基础标准的得分为零; 等次 优秀 ≥ 90、
    良好 ≥ 75、合格 ≥ 60、不合格未满60分 (蒲县评查制度附件1第三项、第四项, 附件2; 蒲县评查制度
    第十条 "评查得分及扣分理由应书面记录在评查表内"), computed from the standard of the file's
    case type and the deductions recorded on the case, and written into the event."""
    # what the standard cannot hold (an item not in it, points it does not give) is bad input,
    # raised by the scoring itself as ScoringError (``scoring.*``), naming the item
    sheet = _sheet(call)
    result = score(sheet, _answers(call, sheet))
    # the whole result at the top of the event data: the statistics and risk reports read
    # ``grade``, ``score`` and ``deductions`` there; ``perfect`` (basic standards passed, 100,
    # nothing deducted) decides whether art. 11's rectification is owed
    call.seen.update(result.to_data())
    call.seen["perfect"] = result.basic_passed and result.score == Decimal(100)
