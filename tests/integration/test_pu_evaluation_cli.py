"""蒲县行政执法案卷评查制度 (seeds/001) — one file's evaluation through the CLI, on SQLite and
PostgreSQL: two evaluators (第七条), basic standards pass/fail (附件1第三项: any failure → 0),
deductions from annex 3 scored by the `score` step (FileScored, 附件1第四项, 附件2 未满60分),
the form signed by the evaluators and the unit head (第十条), rectification (第十一条)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from tests.support.procedure_cli import Worker

TEN_AND_A_HALF = (("P2.2.4", "询问笔录未告知权利"), ("P2.5.2", "未附证据"),
                  ("P1.1.4", "案情摘要不清"), ("P2.2.1", "笔录无页码"))
FORTY_AND_A_HALF = ("P3.7.3", "P2.5.2", "P2.5.3", "P2.2.4", "P3.6.1", "P3.6.2", "P4.1.1",
                    "P4.1.2", "P4.1.3", "P4.1.4", "P5.1.1", "P5.1.2", "P5.1.3", "P5.1.4",
                    "P2.2.1")


@pytest.fixture
def w(db_url: str) -> Worker:
    worker = Worker(db_url, "pu_casefile_evaluation", by="县司法局 张科长")
    worker.run("db", "upgrade")
    return worker


FILES = itertools.count(12)


def _selected(w: Worker, evaluators: tuple[str, ...] = ("李评查", "王评查"),
              file: str | None = None) -> str:
    file = file or f"蒲城综执罚〔2026〕{next(FILES)}号"  # 一案一评: each case its own file
    case: str = w.open("2026-03-02", file, "城关镇综合行政执法队",
                       "round_ref=2026年第1次全县评查", "round_kind=县司法局组织",
                       "case_type=行政处罚", "procedure=普通程序", "file_closed_on=2026-01-15")
    for name in evaluators:
        w.fire(case, "assign_evaluator", "2026-03-02", f"evaluator={name}")
    return case


def _evaluating(w: Worker) -> str:
    case = _selected(w)
    w.fire(case, "start_evaluation", "2026-03-03", "place=县司法局会议室")
    return case


def _scored(w: Worker, case: str) -> dict[str, Any]:
    w.fire(case, "score", "2026-03-04")
    shown = w.show(case)
    event = shown["events"][-1]
    assert (event["trigger"], event["type"]) == ("score", "FileScored")
    return dict(event["data"])


def test_deductions_of_10_5_score_89_5_good_and_the_file_is_rectified(w: Worker) -> None:
    """附件1第四项: 100 − 10.5 = 89.5, 75分以上未满90分 → 良好; each deduction is in the event with
    its reason (附件2 三); the form is signed, the problems pointed out, the measures submitted."""
    case = _evaluating(w)
    w.fire(case, "record_basic", "2026-03-03", "result=合格")
    for item, reason in TEN_AND_A_HALF:
        w.fire(case, "record_deduction", "2026-03-03", f"item={item}", f"reason={reason}")
    data = _scored(w, case)
    assert (data["score"], data["grade"], data["deductions_total"]) == ("89.5", "良好", "10.5")
    assert [(d["item"], d["points"], d["reason"]) for d in data["deductions"]] == [
        ("P2.2.4", "4", "询问笔录未告知权利"), ("P2.5.2", "4", "未附证据"),
        ("P1.1.4", "2", "案情摘要不清"), ("P2.2.1", "0.5", "笔录无页码")]
    assert data["sheet"] == "pu_annex3_penalty" and "R-GAP" in data["readings"]
    facts = w.show(case)["facts"]
    assert (facts["score"], facts["grade"], facts["perfect"]) == ("89.5", "良好", False)
    err = w.refused(case, "sign", "2026-03-05", "evaluator_signatures=李评查",
                    "unit_head=赵队长")
    assert (err["code"], err["article"]) == ("guard.signatures", "蒲县评查制度第十条")
    err = w.refused(case, "sign", "2026-03-05", "evaluator_signatures=李评查,王评查",
                    "unit_head=王评查")
    assert err["code"] == "guard.signatures" and "受查单位负责人" in err["message_zh"]
    w.fire(case, "sign", "2026-03-05", "evaluator_signatures=李评查,王评查", "unit_head=赵队长")
    err = w.refused(case, "close", "2026-03-05")
    assert (err["code"], err["article"]) == ("guard.fact", "蒲县评查制度第十一条")
    w.fire(case, "require_rectification", "2026-03-06", "problems=询问笔录等4项不规范")
    w.fire(case, "submit_measures", "2026-03-20", "measures=重新培训笔录制作")
    shown = w.show(case)
    assert (shown["state"], shown["closed"]) == ("closed", True)


def test_one_basic_standard_failed_scores_zero(w: Worker) -> None:
    """附件1第三项 "违反基础标准要求的，案卷得分为零": PB4.2 failed, 3 points deducted → 0, 不合格;
    a failure that names no standard is refused (附件2 不合格原因)."""
    case = _evaluating(w)
    err = w.refused(case, "record_basic", "2026-03-03", "result=不合格")
    assert err["article"] == "蒲县评查制度附件2"
    w.fire(case, "record_basic", "2026-03-03", "result=不合格", "failed_items=PB4.2",
           "reason=调查取证仅一名执法人员")
    w.fire(case, "record_deduction", "2026-03-03", "item=P3.6.1", "reason=未载明依据")
    data = _scored(w, case)
    assert (data["score"], data["grade"], data["failed_basic"]) == ("0", "不合格", ["PB4.2"])
    assert data["deductions_total"] == "3"


def test_59_5_fails_under_annex_2(w: Worker) -> None:
    """R-GAP: 40.5 deducted → 59.5, which annex 1 ("59分以下") leaves in no band; annex 2's
    不合格（未满60分） makes it 不合格."""
    case = _evaluating(w)
    w.fire(case, "record_basic", "2026-03-03", "result=合格")
    for item in FORTY_AND_A_HALF:
        w.fire(case, "record_deduction", "2026-03-03", f"item={item}", "reason=不规范")
    data = _scored(w, case)
    assert (data["score"], data["grade"], data["grade_article"]) == ("59.5", "不合格",
                                                                   "蒲县评查制度附件2")


def test_fewer_than_two_evaluators_is_refused_citing_art_7(w: Worker) -> None:
    case = _selected(w, evaluators=("李评查", "李评查"))  # the same person twice is one
    err = w.refused(case, "start_evaluation", "2026-03-03", "place=会议室")
    assert (err["code"], err["article"]) == ("guard.min_evaluators", "蒲县评查制度第七条")
    assert "二名以上评查人" in err["message_zh"] or "2名以上评查人" in err["message_zh"]
    w.fire(case, "assign_evaluator", "2026-03-03", "evaluator=王评查")
    w.fire(case, "start_evaluation", "2026-03-03", "place=会议室")


def test_a_perfect_file_closes_and_an_unknown_item_is_refused_at_scoring(w: Worker) -> None:
    """Nothing deducted → 100, 优秀, closed without rectification (require_rectification refused);
    an item not in annex 3 is refused when scored, naming it; an observation (第九条第七项) makes
    rectification owed even at 100."""
    case = _evaluating(w)
    w.fire(case, "record_basic", "2026-03-03", "result=合格")
    w.fire(case, "record_deduction", "2026-03-03", "item=C1.1.1", "reason=误录")
    err = w.refused(case, "score", "2026-03-04")
    assert err["code"] == "scoring.unknown_item" and "C1.1.1" in err["message_zh"]
    perfect = _evaluating(w)
    w.fire(perfect, "record_basic", "2026-03-03", "result=合格")
    data = _scored(w, perfect)
    assert (data["score"], data["grade"], data["perfect"]) == ("100", "优秀", True)
    w.fire(perfect, "sign", "2026-03-05", "evaluator_signatures=李评查,王评查",
           "unit_head=赵队长")
    err = w.refused(perfect, "require_rectification", "2026-03-05", "problems=无")
    assert (err["code"], err["article"]) == ("guard.any_of", "蒲县评查制度第十一条")
    w.fire(perfect, "close", "2026-03-05")
    observed = _evaluating(w)
    w.fire(observed, "record_basic", "2026-03-03", "result=合格")
    w.fire(observed, "record_observation", "2026-03-03", "content=罚没收据与罚缴分离",
           "note=当场收缴未开具省级收据")
    _scored(w, observed)
    w.fire(observed, "sign", "2026-03-05", "evaluator_signatures=李评查,王评查",
           "unit_head=赵队长")
    assert w.refused(observed, "close", "2026-03-05")["code"] == "guard.fact"
    w.fire(observed, "require_rectification", "2026-03-05", "problems=罚缴分离")


def test_the_annual_statistics_count_the_grades(w: Worker) -> None:
    """The statistics report reads ("pu_casefile_evaluation", "score", "FileScored")."""
    case = _evaluating(w)
    w.fire(case, "record_basic", "2026-03-03", "result=合格")
    for item, reason in TEN_AND_A_HALF:
        w.fire(case, "record_deduction", "2026-03-03", f"item={item}", f"reason={reason}")
    _scored(w, case)
    out = json.loads(w.run("report", "statistics", "--year", "2026", "--format", "json").stdout)
    rows = {r[0]: r[1] for r in out["tables"]["evaluations"]["rows"]}
    assert (rows["良好"], rows["优秀"]) == (1, 0)


def test_a_deduction_entered_by_mistake_is_voided_before_scoring(w: Worker) -> None:
    """The log is insert-only: a wrong deduction is voided (撤销, with approval) and the score
    does not count it; once the file is scored, voiding a deduction is refused — the recorded
    score rests on it — until the score itself is voided; the file is then scored again."""
    case = _evaluating(w)
    w.fire(case, "record_basic", "2026-03-03", "result=合格")
    w.fire(case, "record_deduction", "2026-03-03", "item=P3.7.3", "reason=误录")
    seq = len(w.show(case)["events"])
    w.run("case", "void", case, str(seq), "--reason", "误录扣分项", "--by", "李评查",
          "--approved-by", "县司法局 刘局长")
    data = _scored(w, case)
    assert (data["score"], data["deductions"]) == ("100", [])
    other = _evaluating(w)
    w.fire(other, "record_basic", "2026-03-03", "result=合格")
    w.fire(other, "record_deduction", "2026-03-03", "item=P3.7.3", "reason=未载明")
    seq = len(w.show(other)["events"])
    _scored(w, other)
    res = w.run("case", "void", other, str(seq), "--reason", "误录", "--by", "李评查",
                "--approved-by", "县司法局 刘局长", ok=False)
    assert res.exit_code != 0
    assert w.show(other)["facts"]["score"] == "94"
    w.run("case", "void", other, str(seq + 1), "--reason", "扣分项误录，重新计分", "--by",
          "李评查", "--approved-by", "县司法局 刘局长")
    w.run("case", "void", other, str(seq), "--reason", "误录", "--by", "李评查",
          "--approved-by", "县司法局 刘局长")
    assert w.show(other)["state"] == "evaluating"
    w.fire(other, "score", "2026-12-01")
    assert w.show(other)["facts"]["score"] == "100"


def test_a_file_is_evaluated_once_per_round(w: Worker) -> None:
    """第十条 "一案一评": a second evaluation of the same file in the same round is refused,
    naming the first case; the same file in another round is a new evaluation."""
    first = _selected(w, file="蒲城综执罚〔2026〕12号")
    number = w.show(first)["number"]
    res = w.open("2026-03-03", "蒲城综执罚〔2026〕12号", "城关镇综合行政执法队",
                 "round_ref=2026年第1次全县评查", "round_kind=县司法局组织",
                 "case_type=行政处罚", "procedure=普通程序", "file_closed_on=2026-01-15",
                 ok=False)
    assert res.exit_code != 0 and number in res.output and "蒲县评查制度第十条" in res.output
    w.open("2026-09-01", "蒲城综执罚〔2026〕12号", "城关镇综合行政执法队",
           "round_ref=2026年第2次全县评查", "round_kind=县司法局组织", "case_type=行政处罚",
           "procedure=普通程序", "file_closed_on=2026-01-15")


def test_redeciding_a_scored_file_needs_the_standards_loaded(w: Worker) -> None:
    """The audit's drift check re-decides every recorded step: with the standards loaded at the
    edge the scored file is decided exactly as recorded; without them the score step could not
    be decided at all (what ``find_drift`` now avoids)."""
    from rongcuo.audit.drift import redecide
    from rongcuo.audit.log import Snapshot
    from rongcuo.bootstrap import bootstrap

    case = _evaluating(w)
    w.fire(case, "record_basic", "2026-03-03", "result=合格")
    w.fire(case, "record_deduction", "2026-03-03", "item=P2.2.4", "reason=未告知权利")
    _scored(w, case)
    app = bootstrap(w.db, migrate=False)
    try:
        engine = app.engine_for("pu_casefile_evaluation")
        with Snapshot(app.store.engine) as snap:
            stored = snap.cases(None)[case]
            events = snap.case_events(case)
        assert redecide(stored, events, engine, {"catalogues": app.catalogues}) == []
        bare = redecide(stored, events, engine)
        assert [(d["trigger"], d["refusal"]) for d in bare] == [("score", "guard.no_catalogue")]
    finally:
        app.close()


def test_a_coercion_file_with_measures_only_is_scored_on_annex_4_without_its_execution_stage(
        w: Worker) -> None:
    """EVA-07 (R-NA): a 行政强制 file is scored on annex 4; a file with coercive measures only
    owes nothing of stage C2 (行政强制执行), which is not applicable with its reason — 2 points
    deducted from C1 score 98, not 54 − 2."""
    case: str = w.open("2026-03-02", "蒲城综执强〔2026〕3号", "城关镇综合行政执法队",
                       "round_ref=2026年第1次全县评查", "round_kind=县司法局组织",
                       "case_type=行政强制", "procedure=普通程序",
                       "coercion_kinds=行政强制措施", "file_closed_on=2026-01-20")
    for name in ("李评查", "王评查"):
        w.fire(case, "assign_evaluator", "2026-03-02", f"evaluator={name}")
    w.fire(case, "start_evaluation", "2026-03-03", "place=县司法局会议室")
    w.fire(case, "record_basic", "2026-03-03", "result=合格")
    w.fire(case, "record_deduction", "2026-03-03", "item=C1.1.3", "reason=未载明理由")
    data = _scored(w, case)
    assert (data["sheet"], data["score"], data["grade"]) == ("pu_annex4_coercion", "98", "优秀")
    assert [n["part"] for n in data["not_applicable"]] == ["C2"]
    assert "R-NA" in data["readings"]
