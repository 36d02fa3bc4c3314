"""案卷评查计分 (蒲县评查制度附件1–4): the shipped catalogues, the score and the grade of a file."""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rongcuo.definitions.catalogues import check_catalogue, load_catalogues, parse_catalogue
from rongcuo.domain.errors import DefinitionError
from rongcuo.domain.scoring import (
    Answers,
    Deduction,
    ScoringError,
    ScoringPolicy,
    Sheet,
    score,
)

ROOT = Path(__file__).resolve().parents[2]
ANNEX3 = ROOT / "workflows" / "pu" / "catalogues" / "annex3_penalty.yaml"
ANNEX4 = ROOT / "workflows" / "pu" / "catalogues" / "annex4_coercion.yaml"


@functools.cache
def _sheets() -> dict[str, Sheet]:
    return load_catalogues(ROOT / "workflows")


@pytest.fixture(scope="module")
def penalty() -> Sheet:
    return _sheets()["pu_annex3_penalty"]


@pytest.fixture(scope="module")
def coercion() -> Sheet:
    return _sheets()["pu_annex4_coercion"]


def _deduct(*items: str) -> tuple[Deduction, ...]:
    return tuple(Deduction(i, reason=f"{i} 不符合要求") for i in items)


def _passed(sheet: Sheet, *items: str, **na: str) -> tuple[Decimal, str]:
    s = score(sheet, Answers(True, deductions=_deduct(*items), not_applicable=na))
    return s.score, s.grade


# ------------------------------------------------------------------------- the catalogues
def test_annex3_stages_add_up_to_one_hundred(penalty: Sheet) -> None:
    """附件3: 立案 8 + 调查取证 28 + 审查决定 40 + 送达执行 8 + 结案 8 + 案卷归档 8 = 100, every
    document's items adding up to it, and all 17 basic standards of the five categories."""
    assert [(s.title, s.points) for s in penalty.stages] == [
        ("立案阶段", 8), ("调查取证阶段", 28), ("审查决定阶段", 40), ("送达执行阶段", 8),
        ("结案阶段", 8), ("案卷归档", 8)]
    assert sum(i.points for i in penalty.items) == 100
    assert [d.points for d in penalty.stage("P3").documents] == [4, 7, 3, 3, 5, 8, 10]
    assert len(penalty.basic) == 17
    assert penalty.item("P3.3.3").points == Decimal("0.5")  # printed "0,5分"


def test_annex4_stages_add_up_to_one_hundred_and_say_when_they_apply(coercion: Sheet) -> None:
    """附件4: measures 46 + execution 46 + 案卷归档 8 = 100; a measures-only file has no
    execution stage (reading R-NA)."""
    assert [(s.id, s.points) for s in coercion.stages] == [("C1", 46), ("C2", 46), ("C3", 8)]
    assert coercion.not_applicable_for(["行政强制措施"]) == ("C2",)
    assert coercion.not_applicable_for(["行政强制执行"]) == ("C1",)
    assert coercion.not_applicable_for(["行政强制措施", "代履行"]) == ()


def test_a_document_whose_items_do_not_add_up_is_refused_naming_it_and_its_line() -> None:
    """EVA-09: P3.4.3 entered as 0.5 makes 行政处罚听证通知书 2.5, not 3: the catalogue is
    refused, naming the stage, the document and the document's line."""
    text = ANNEX3.read_text(encoding="utf-8")
    old = "行政机关的印章、日期完整, points: 1,"
    assert old in text
    bad = text.replace(old, "行政机关的印章、日期完整, points: 0.5,")
    sheet, problems = check_catalogue(bad, "annex3.yaml")
    assert sheet is None
    lines = text.splitlines()
    doc_line = next(i for i, x in enumerate(lines, 1) if "id: P3.4\n" in x + "\n")
    shown = [str(p) for p in problems]
    assert len(shown) == 1
    assert shown[0].startswith(f"annex3.yaml:{doc_line + 2}:")  # its `points:` line
    assert "stage P3 (审查决定阶段): document P3.4 (行政处罚听证通知书)" in shown[0]
    assert "阶段 P3（审查决定阶段）的文书 P3.4" in shown[0] and "2.5" in shown[0]


def test_stages_that_do_not_add_up_to_the_total_are_refused_naming_each_stage() -> None:
    """A stage whose own points are changed together with a document (so its subtotal holds)
    still breaks the total of 100: refused, listing every stage's points."""
    text = ANNEX3.read_text(encoding="utf-8")
    bad = text
    for old, new in (("title: 结案阶段\n    points: 8", "title: 结案阶段\n    points: 9"),
                     ("报告表\n        points: 8", "报告表\n        points: 9"),
                     ("签名日期, points: 2}", "签名日期, points: 3}")):
        assert old in bad
        bad = bad.replace(old, new)
    with pytest.raises(DefinitionError) as err:
        parse_catalogue(bad, "annex3.yaml")
    assert err.value.code == "catalogue.invalid"
    assert "P5 9" in err.value.message_en and "101" in err.value.message_en
    assert "不等于总分 100" in err.value.message_zh


def test_points_that_are_not_half_steps_are_refused() -> None:
    """Every catalogue value is a multiple of 0.5; 0.3 is an OCR error, refused at its line."""
    old = "id: C1.3.2, text: 载明行政强制措施的种类、期限, points: 1"
    text = ANNEX4.read_text(encoding="utf-8").replace(old, "id: C1.3.2, text: x, points: 0.3")
    _, problems = check_catalogue(text, "annex4.yaml")
    assert any("C1.3.2" in str(p) and "0.5" in str(p) for p in problems)


# --------------------------------------------------------------------------- the score
def test_a_file_without_deductions_scores_100_and_90_is_still_excellent(penalty: Sheet) -> None:
    """EVA-01 (附件1第四项 "90分以上为优秀"; 以上 includes 90)."""
    assert _passed(penalty) == (100, "优秀")
    assert _passed(penalty, "P2.2.6", "P3.7.3", "P4.1.3") == (90, "优秀")


@pytest.mark.parametrize(("items", "expected"), [
    (("P2.2.1", "P2.5.2", "P3.7.3"), (Decimal("89.5"), "良好")),  # 10.5
    (("P3.7.3", "P2.5.2", "P2.5.3", "P2.2.4", "P1.1.4", "P2.2.8", "P3.6.1", "P3.6.3"),
     (Decimal(75), "良好")),  # 25
    (("P3.7.3", "P2.5.2", "P2.5.3", "P2.2.4", "P1.1.4", "P2.2.8", "P3.6.1", "P3.6.3",
      "P2.2.1"), (Decimal("74.5"), "合格")),  # 25.5
    (("P3.7.3", "P2.5.2", "P2.5.3", "P2.2.4", "P3.6.1", "P3.6.2", "P4.1.1", "P4.1.2",
      "P4.1.3", "P4.1.4", "P5.1.1", "P5.1.2", "P5.1.3", "P5.1.4"), (Decimal(60), "合格")),  # 40
])
def test_band_boundaries(penalty: Sheet, items: tuple[str, ...],
                         expected: tuple[Decimal, str]) -> None:
    """EVA-02: 89.5 is 良好 (75分以上未满90分), 75 良好, 74.5 合格, 60 合格 (附件1第四项)."""
    assert _passed(penalty, *items) == expected


def test_59_5_fails_under_annex_2(penalty: Sheet) -> None:
    """EVA-03, reading R-GAP: 40.5 deducted → 59.5, which annex 1's "59分以下" leaves in no band;
    annex 2's 不合格（未满60分） makes it 不合格.  41 → 59, 不合格."""
    gap = ("P3.7.3", "P2.5.2", "P2.5.3", "P2.2.4", "P3.6.1", "P3.6.2", "P4.1.1", "P4.1.2",
           "P4.1.3", "P4.1.4", "P5.1.1", "P5.1.2", "P5.1.3", "P5.1.4", "P2.2.1")
    s = score(penalty, Answers(True, deductions=_deduct(*gap)))
    assert (s.score, s.grade, s.band.article) == (Decimal("59.5"), "不合格", "蒲县评查制度附件2")
    assert "R-GAP" in s.readings
    assert _passed(penalty, *gap[:-1], "P2.2.8") == (59, "不合格")


def test_one_basic_standard_failed_scores_zero(penalty: Sheet) -> None:
    """EVA-04 (附件1第三项 "违反基础标准要求的，案卷得分为零"): PB4.2 failed with 3 points of
    deductions → 0, 不合格; the deductions stay on the record."""
    s = score(penalty, Answers(False, failed_basic=("PB4.2",),
                               deductions=_deduct("P2.2.6", "P2.3.1")))
    assert (s.score, s.grade) == (0, "不合格")
    assert s.to_data()["deductions_total"] == "3" and s.to_data()["failed_basic"] == ["PB4.2"]


def test_a_basic_failure_must_name_the_standard(penalty: Sheet) -> None:
    """EVA-04: 不合格 without the failed standards is refused (附件2 二 不合格原因)."""
    with pytest.raises(ScoringError) as err:
        score(penalty, Answers(False))
    assert err.value.code == "scoring.basic_failed_without_items"
    assert err.value.article == "蒲县评查制度附件2"


@pytest.mark.parametrize(("deduction", "code"), [
    (Deduction("P2.3.1", Decimal(3), "理由"), "scoring.points_exceed"),  # worth 1
    (Deduction("P2.2.4", Decimal("0.3"), "理由"), "scoring.points_step"),
    (Deduction("P2.2.4", Decimal(2), "理由"), "scoring.points_not_full"),  # R-FULL
    (Deduction("C1.1.1", None, "理由"), "scoring.unknown_item"),  # an annex 4 item
    (Deduction("P9.9.9", None, "理由"), "scoring.unknown_item"),
    (Deduction("P2.2.4", None, " "), "scoring.deduction_without_reason"),
])
def test_deductions_the_standard_cannot_hold_are_refused(penalty: Sheet, deduction: Deduction,
                                                         code: str) -> None:
    """EVA-05: more than an item is worth, a step finer than 0.5, a partial deduction while
    partial deductions are off (R-FULL), an item of the other annex or of none, no reason."""
    with pytest.raises(ScoringError) as err:
        score(penalty, Answers(True, deductions=(deduction,)))
    assert err.value.code == code


def test_the_same_item_is_deducted_once(penalty: Sheet) -> None:
    """EVA-05, R-ONCE: P2.2.6 twice in one file is refused (three 询问笔录 deduct it once)."""
    with pytest.raises(ScoringError) as err:
        score(penalty, Answers(True, deductions=_deduct("P2.2.6", "P2.2.6")))
    assert err.value.code == "scoring.duplicate_deduction" and "P2.2.6" in err.value.message_zh


def test_partial_deductions_when_enabled_follow_the_half_point_step(penalty: Sheet) -> None:
    """With the adopter's partial deductions on, 2 of P2.2.4's 4 points may be deducted, 0.3
    may not (the 0.5 step is policy: the smallest catalogue value)."""
    partial = ScoringPolicy(partial_deductions=True)
    s = score(penalty, Answers(True, deductions=(Deduction("P2.2.4", Decimal(2), "不够详尽"),)),
              partial)
    assert s.score == 98
    with pytest.raises(ScoringError):
        score(penalty, Answers(True, deductions=(Deduction("P2.2.4", Decimal("0.3"), "x"),)),
              partial)


def test_a_document_the_file_did_not_need_is_not_deducted(penalty: Sheet) -> None:
    """EVA-07, R-NA: no hearing was requested, so 听证通知书 (P3.4) and 听证笔录 (P3.5) are not
    applicable; the hearing-rights notice (P3.3) is still owed and omits the time limit
    (P3.3.3, 0.5) → 99.5, 优秀.  Deducting a not-applicable document is refused."""
    na = {"P3.4": "当事人未申请听证", "P3.5": "当事人未申请听证"}
    assert _passed(penalty, "P3.3.3", **na) == (Decimal("99.5"), "优秀")
    with pytest.raises(ScoringError) as err:
        _passed(penalty, "P3.4.1", **na)
    assert err.value.code == "scoring.not_applicable_deducted"


def test_a_summary_procedure_file_is_exempt_from_one_case_one_volume(penalty: Sheet) -> None:
    """第四条 "案卷卷宗除简易程序行政处罚案卷卷宗外应一案一卷": P6.1.1 alone is marked not
    applicable; the other archiving items still count."""
    assert _passed(penalty, "P6.1.2", **{"P6.1.1": "简易程序案卷"}) == (99, "优秀")


def test_a_measures_only_coercion_file_is_scored_on_its_own_stages(coercion: Sheet) -> None:
    """EVA-07 (annex 4): a file with coercive measures only — C2 not applicable — loses only
    what it got wrong in C1 and C3 (without R-NA it could never score above 54)."""
    na = {s: "未实施行政强制执行" for s in coercion.not_applicable_for(["行政强制措施"])}
    assert _passed(coercion, "C1.2.2", "C3.1.1", **na) == (92, "优秀")


def test_the_scored_data_lets_an_auditor_recount_the_file(penalty: Sheet) -> None:
    """The `score` step's event data holds every deduction with its points and reason, and the
    total: 100 − Σ points = the score, recounted from the data alone (spec §4.3)."""
    data = score(penalty, Answers(True, deductions=_deduct("P2.2.1", "P2.5.2", "P3.7.3"))
                 ).to_data()
    recount = Decimal(100) - sum(Decimal(d["points"]) for d in data["deductions"])
    assert str(recount) == data["score"] == "89.5"


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_set_of_distinct_deductions_scores_100_minus_their_sum(data: st.DataObject) -> None:
    """附件1第四项 "100－扣分合计＝案卷得分", never negative (不设负分): for any set of distinct
    items of annex 3, the score is 100 − their points and lies in [0, 100]."""
    sheet = _sheets()["pu_annex3_penalty"]
    chosen = data.draw(st.sets(st.sampled_from([i.id for i in sheet.items])))
    s = score(sheet, Answers(True, deductions=_deduct(*sorted(chosen))))
    assert s.score == 100 - sum(sheet.item(i).points for i in chosen)  # type: ignore[union-attr]
    assert 0 <= s.score <= 100
