"""The four Pu County case definitions (workflows/pu/): valid, drawn, and a computed score
that names a standard no catalogue provides is refused by the validator."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo import paths
from rongcuo.definitions.loader import validate_files
from rongcuo.domain.case import Command
from rongcuo.domain.engine import Engine
from rongcuo.domain.errors import Refused
from rongcuo.entrypoints.cli.main import cli
from rongcuo.testing.workflows import shipped_calendar, shipped_definition

PU = ("pu_casefile_evaluation", "pu_evaluation_round", "pu_statistics", "pu_daily_assessment")


def test_the_four_definitions_validate_and_draw() -> None:
    files = [paths.workflows_dir() / "pu" / f"{i}.yaml" for i in PU]
    assert validate_files(files) == []
    for i in PU:
        res = CliRunner().invoke(cli, ["workflows", "graph", i, "--format", "mermaid"])
        assert res.exit_code == 0 and res.output.startswith("stateDiagram-v2"), res.output


def test_a_score_naming_an_unknown_standard_is_refused(tmp_path: Path) -> None:
    text = (paths.workflows_dir() / "pu" / "pu_casefile_evaluation.yaml").read_text(
        encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("pu_annex4_coercion]", "pu_annex9_none]"), encoding="utf-8")
    problems = validate_files([bad])
    assert len(problems) == 1 and "pu_annex9_none" in str(problems[0])
    assert "score" in str(problems[0])


def test_nothing_is_opened_before_the_systems_were_issued() -> None:
    """EVA-11: 蒲县评查制度第十四条 "从印发之日起施行", 印发 2022-11-29 — a file selected on
    2022-11-28 is refused (`case.outside_in_force`); on the 29th it is opened."""
    eng = Engine(shipped_definition("pu_casefile_evaluation"), shipped_calendar())
    data = {"subject": "罚1号", "agency": "执法队", "round_ref": "r", "round_kind": "内部评查",
            "case_type": "行政处罚", "procedure": "普通程序", "file_closed_on": "2022-11-01"}
    with pytest.raises(Refused) as err:
        eng.open(Command("open", date(2022, 11, 28), "t", data))
    assert (err.value.code, err.value.article) == ("case.outside_in_force", "蒲县评查制度第十四条")
    assert eng.open(Command("open", date(2022, 11, 29), "t", data)).state.state == "selected"
