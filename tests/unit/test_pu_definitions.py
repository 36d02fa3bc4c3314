"""The four Pu County case definitions (workflows/pu/): valid, drawn, and a computed score
that names a standard no catalogue provides is refused by the validator."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from rongcuo import paths
from rongcuo.definitions.loader import validate_files
from rongcuo.entrypoints.cli.main import cli

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
