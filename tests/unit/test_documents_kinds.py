"""Document catalogues (``workflows/templates/<workflow>/documents.yaml``): which step issues
which document, checked against the definition; what a unit may override."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rongcuo.documents.errors import DocumentError
from rongcuo.documents.kinds import (
    apply_override,
    documents_for_step,
    issuing_of,
    parse_catalogue,
)
from rongcuo.testing.workflows import shipped_definition

TEMPLATES = Path(__file__).resolve().parents[2] / "workflows" / "templates"


def _raw(workflow: str) -> Any:
    return yaml.safe_load((TEMPLATES / workflow / "documents.yaml").read_text("utf-8"))


def _catalogue(workflow: str, raw: Any = None) -> Any:
    d = shipped_definition(workflow)
    return parse_catalogue(raw or _raw(workflow), "documents.yaml", workflow=workflow,
                           triggers=tuple(d.triggers), issuing=issuing_of(d.triggers))


def test_licheng_issues_its_documents_at_the_steps_of_articles_13_to_20() -> None:
    """立案 (第十四条), 延长 (第十七条), 认定 and 意见书 (第十七、十八条), 告知 and 送达
    (第十七、十九条), 复核 (第十九条), 纠错 (第二十条)."""
    cat = _catalogue("licheng")
    assert {k.name: k.issued_by for k in cat.kinds.values()} == {
        "filing_approval": "file", "extension_approval": "extend_investigation",
        "determination": "determine", "supervision_opinion": "determine",
        "notice": "notify", "delivery_receipt": "notify",
        "review_decision": "decide_review", "correction_order": "order_correction",
    }
    assert all(k.articles and all(a.startswith("历城办法第") for a in k.articles)
               for k in cat.kinds.values())


def test_the_supervision_opinion_comes_only_with_unlawful_or_improper_acts() -> None:
    """第十八条第二款: the 《行政执法监督意见书》 is issued for acts found unlawful or improper —
    a determination needing correction, or one not tolerating the act; not for 履职尽责."""
    cat = _catalogue("licheng")

    def names(facts: dict[str, object]) -> list[str]:
        return [k.name for k in documents_for_step(cat, "determine", facts)]

    assert names({"outcome": "exempted", "correction_required": True}) == [
        "determination", "supervision_opinion"]
    assert names({"outcome": "not_tolerated", "correction_required": False}) == [
        "determination", "supervision_opinion"]
    assert names({"outcome": "duty_fulfilled", "correction_required": False}) == ["determination"]


def test_banan_records_the_decision_in_the_personnel_and_integrity_files() -> None:
    """巴南办法第十七条: the decision, and the record in both files, signed by the
    accountability body that decides (the case's agency)."""
    cat = _catalogue("banan")
    assert [k.name for k in documents_for_step(cat, "record_files", {})] == ["file_record"]
    assert cat.issuer.for_facts({"agency": "某追责问责机关"}) == "某追责问责机关"


def test_a_kind_issued_by_a_step_the_workflow_lacks_is_refused() -> None:
    """A catalogue must not name a step the procedure does not have."""
    raw = _raw("licheng")
    raw["kinds"]["notice"]["issued_by"] = "notify_everyone"
    d = shipped_definition("licheng")
    raw = {**raw, "kinds": {"notice": {**raw["kinds"]["notice"]}}}
    with pytest.raises(DocumentError, match="notify_everyone"):
        parse_catalogue(raw, "documents.yaml", workflow="licheng", triggers=tuple(d.triggers))
    with pytest.raises(DocumentError, match="notify_everyone"):  # disagrees with documents:
        _catalogue("licheng", raw)


def test_the_definition_names_each_steps_documents_and_the_catalogue_must_have_them() -> None:
    """The triggers' ``documents:`` say which step issues what (第十七条: 认定 → 决定书); a
    kind no step issues, or a step naming a kind the catalogue lacks, is refused by name."""
    d = shipped_definition("licheng")
    assert d.triggers["notify"].documents == ("notice", "delivery_receipt")
    assert d.triggers["archive"].documents == ("case_file",)
    assert "case_file" not in issuing_of(d.triggers)
    raw = _raw("licheng")
    raw["kinds"]["stray"] = dict(raw["kinds"]["notice"], number=None)
    with pytest.raises(DocumentError, match="stray"):
        _catalogue("licheng", raw)
    raw = _raw("licheng")
    del raw["kinds"]["correction_order"]
    with pytest.raises(DocumentError, match="correction_order"):
        _catalogue("licheng", raw)


def test_two_kinds_with_one_pattern_must_share_a_counter() -> None:
    """One 发文字号 pattern drawn from two counters would give two documents one number."""
    raw = _raw("licheng")
    raw["kinds"]["notice"]["number"] = raw["kinds"]["determination"]["number"]
    with pytest.raises(DocumentError, match="重号"):
        _catalogue("licheng", raw)
    raw["kinds"]["notice"]["counter"] = "determination"
    assert _catalogue("licheng", raw).kinds["notice"].counter == "determination"


def test_a_unit_overrides_its_name_and_numbers_never_the_procedure() -> None:
    """A unit's own documents.yaml changes the issuer's name and number patterns; the step
    that issues a document and the articles it cites are the procedure's (第十三条至第二十条)."""
    cat = _catalogue("licheng")
    own = apply_override(cat, {"issuer": {"name": "济南市历城区司法局"},
                               "kinds": {"determination": {"number": "历司容〔{year}〕{n}号"}}},
                         "own.yaml")
    assert own.issuer.name == "济南市历城区司法局"
    assert own.kinds["determination"].number == "历司容〔{year}〕{n}号"
    assert own.kinds["determination"].issued_by == "determine"
    with pytest.raises(DocumentError, match="只能覆盖"):
        apply_override(cat, {"kinds": {"determination": {"issued_by": "file"}}}, "own.yaml")
    with pytest.raises(DocumentError, match="六角括号"):
        apply_override(cat, {"kinds": {"notice": {"number": "历司[{year}]{n}号"}}}, "own.yaml")
