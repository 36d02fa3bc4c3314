"""易错风险点, pure (历城办法第二十一条): the declared cluster policy, recurring evaluation
deductions (spec §9.4), the vocabulary and the risk-point record."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rongcuo.definitions.vocabularies import load_vocabularies
from rongcuo.domain.errors import DefinitionError, InvalidInput
from rongcuo.domain.risk import (
    ClusterPolicy,
    RiskPoint,
    check_risk_point,
    find_clusters,
    recurring_items,
)

ROOT = Path(__file__).resolve().parents[2]


def test_a_cluster_needs_both_the_floor_and_the_factor() -> None:
    """Policy (no source quantifies 频繁/集中): 4 cases in one pair of a quiet window is below
    the floor of 5 however uneven; in a busy window a pair must reach 3 times an even spread."""
    quiet = {("procedure", "market"): 4}
    assert find_clusters(quiet, cells=42) == []
    busy = {("procedure", "market"): 60, ("facts", "urban"): 40, ("law", "market"): 20}
    found = find_clusters(busy, cells=10)  # an even spread: 12 a pair; 3 × 12 = 36
    assert [(c.category, c.field, c.count) for c in found] == [
        ("procedure", "market", 60), ("facts", "urban", 40)]
    assert find_clusters(busy, cells=10, policy=ClusterPolicy(factor=4.0))[0].count == 60


def test_an_item_deducted_in_four_of_five_files_recurs_for_that_team() -> None:
    """Spec §9.4's example: P2.2.6 (告知申请回避的权利) missed in 4 of a team's 5 files recurs;
    an item in 1 of 5 does not, nor one in 2 of 2 files (fewer than 3 files)."""
    found = recurring_items({
        "城关镇执法队": [["P2.2.6"], ["P2.2.6", "P3.7.3"], ["P2.2.6"], ["P2.2.6"], []],
        "县市场监管执法队": [["P4.1.1"], ["P4.1.1"]],
    })
    assert [(r.unit, r.item, r.deducted, r.files) for r in found] == [
        ("城关镇执法队", "P2.2.6", 4, 5)]


def test_a_category_not_in_the_vocabulary_is_refused_listing_the_choices() -> None:
    """Classification is by a controlled vocabulary: free text would split one problem into
    many spellings and hide the cluster."""
    vocab = load_vocabularies(ROOT / "workflows")["licheng"]
    with pytest.raises(InvalidInput) as err:
        vocab.check("程序违法", "market")
    assert err.value.code == "classification.unknown_term"
    assert "procedure（执法程序）" in err.value.message_zh
    vocab.check("procedure", "market")


def test_two_vocabularies_may_not_cover_one_procedure(tmp_path: Path) -> None:
    """A case's classification must not depend on which file was read first."""
    for name in ("a", "b"):
        folder = tmp_path / name / "vocabulary"
        folder.mkdir(parents=True)
        (folder / "v.yaml").write_text(
            f"vocabulary: {name}\ntitle: {name}\nworkflows: [licheng]\n"
            "categories: [{id: x, label_zh: 甲}]\nfields: [{id: y, label_zh: 乙}]\n",
            encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_vocabularies(tmp_path)
    assert err.value.code == "vocabulary.duplicate"


def test_a_risk_point_record_needs_what_the_article_asks_for() -> None:
    """"找出易错风险点和问题症结并警示提醒": a record without the root cause, without whom the
    warning went to, or without the cases it drew on is refused."""
    full = RiskPoint("licheng_supervision", date(2025, 12, 20), date(2025, 1, 1),
                     date(2025, 12, 31), "询问笔录未告知回避权利", "未用统一模板", "统一使用新模板",
                     ("区市场监管局",), ("case-1",), "历城办法第二十一条")
    check_risk_point(full)
    for change in ({"root_cause": " "}, {"recipients": ()}, {"case_ids": ()}):
        bad = RiskPoint(**{**full.__dict__, **change})
        with pytest.raises(InvalidInput) as err:
            check_risk_point(bad)
        assert err.value.code == "risk_point.missing"
        assert err.value.article == "历城办法第二十一条"
