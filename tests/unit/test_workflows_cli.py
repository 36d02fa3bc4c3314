"""`rongcuo workflows validate | list | show | graph | schema`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo.entrypoints.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "workflows"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_accepts_the_shipped_definitions() -> None:
    """Every shipped definition validates (历城, 巴南, 白音他拉, 蒲县, 通用办法)."""
    code, out, _ = _run("workflows", "validate")
    assert code == 0
    for name in ("licheng", "banan", "baiyintala", "pu_tolerance", "generic"):
        assert f"{name}.yaml" in out


@pytest.mark.parametrize("workflow", ["baiyintala", "pu_tolerance", "generic"])
def test_graph_of_each_tolerance_family_definition(workflow: str) -> None:
    """The family's diagram: open → verify → determine → correct → close, with the notice,
    publication, tracking, feedback and 澄清正名 steps inside their states."""
    code, out, _ = _run("workflows", "graph", workflow, "--format", "mermaid")
    assert code == 0 and out.startswith("stateDiagram-v2")
    for edge in ("[*] --> received : open", "received --> verifying : start_verification",
                 "verifying --> determined : determine",
                 "determined --> correcting : order_correction",
                 "correcting --> corrected : complete_correction",
                 "corrected --> closed : close", "determined --> closed : close",
                 "determined --> determined : publish", "corrected --> corrected : clear_name",
                 "closed --> [*]"):
        assert edge in out, edge


def test_validate_reports_file_line_and_problem_with_exit_3() -> None:
    """The generic procedure's blank period (art. 14 “应当于日内告知”) is refused."""
    path = FIXTURES / "generic_blank_notice.yaml"
    code, _, err = _run("workflows", "validate", str(path))
    assert code == 3
    line = next(
        i
        for i, s in enumerate(path.read_text("utf-8").splitlines(), 1)
        if "period: {unit: calendar}" in s
    )
    assert f"{path}:{line}: timer 'notice' has no days" in err


def test_validate_reports_every_problem_of_a_bad_file(tmp_path: Path) -> None:
    """Several problems in one file are all listed."""
    text = (ROOT / "workflows" / "licheng.yaml").read_text("utf-8")
    text = text.replace("    stop: [agency_reported]\n", "").replace(
        "from: [received]\n    to: filed", "from: [recieved]\n    to: filed"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    code, _, err = _run("workflows", "validate", str(bad))
    assert code == 3
    assert "unknown state 'recieved'" in err and "has no stop" in err


def test_list_json_gives_identity() -> None:
    """list --json: id, version, title, in force dates (历城办法第二十四条)."""
    code, out, _ = _run("workflows", "list", "--json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["licheng"]["in_force"] == ["2025-03-01", "2027-02-28"]
    assert rows["licheng"]["case_number"] == "历城容错〔{year}〕{n}号"
    assert rows["banan"]["in_force"] == [None, None]


def test_show_prints_states_triggers_and_timers() -> None:
    """show licheng lists the timers with their articles (历城办法第十七条)."""
    code, out, _ = _run("workflows", "show", "licheng")
    assert code == 0
    assert "investigation" in out and "30日" in out and "历城办法第十七条" in out


def test_show_unknown_workflow_exits_3() -> None:
    """An unknown id is a clear error naming the known ids."""
    code, _, err = _run("workflows", "show", "nowhere")
    assert code == 3
    assert "licheng" in err


def test_graph_mermaid_is_drawn_from_the_definition() -> None:
    """Every transition of the definition appears in the diagram (历城办法第十四条)."""
    code, out, _ = _run("workflows", "graph", "licheng", "--format", "mermaid")
    assert code == 0
    assert out.startswith("stateDiagram-v2")
    assert "[*] --> received : open" in out
    assert "verifying --> determined : determine" in out
    assert "notified --> archived : archive" in out
    assert "archived --> [*]" in out


def test_schema_prints_the_json_schema() -> None:
    """schema prints the checked-in JSON Schema."""
    code, out, _ = _run("workflows", "schema")
    on_disk = json.loads(
        (ROOT / "workflows" / "schema" / "workflow.schema.json").read_text("utf-8")
    )
    assert code == 0 and json.loads(out) == on_disk


def test_validate_refuses_what_would_fail_every_case_it_opens(tmp_path: Path) -> None:
    """A period of -5 or 0 days or of ten thousand years, reminders that are not distinct
    positive working days (`[3, -1]`, `[3, 1.5]`, `"abc"`), and a case-number pattern that
    does not format: refused by `workflows validate` with the file and line (exit 3, no
    traceback) — they used to pass and then fail every `case open`."""
    text = (ROOT / "workflows" / "licheng.yaml").read_text("utf-8")
    cases = {
        "neg": text.replace("  filing_days:\n    value: 5\n", "  filing_days:\n    value: -5\n"),
        "zero": text.replace("  filing_days:\n    value: 5\n", "  filing_days:\n    value: 0\n"),
        "huge": text.replace("  filing_days:\n    value: 5\n",
                             "  filing_days:\n    value: 99999999999999999999\n"),
        "rem_neg": text.replace("    value: [3, 1]\n", "    value: [3, -1]\n"),
        "rem_float": text.replace("    value: [3, 1]\n", "    value: [3, 1.5]\n"),
        "rem_text": text.replace("    value: [3, 1]\n", "    value: [3, -1, abc]\n"),
        "number": text.replace('case_number: "历城容错〔{year}〕{n}号"',
                               'case_number: "历城容错〔{year}〕{n}号{"', 1),
    }
    for name, body in cases.items():
        assert body != text, name
        bad = tmp_path / f"{name}.yaml"
        bad.write_text(body, encoding="utf-8")
        code, out, err = _run("workflows", "validate", str(bad))
        assert code == 3, (name, out, err)
        assert f"{bad}:" in err and "Traceback" not in err, (name, err)
        wanted = {"neg": "between 1 and", "zero": "between 1 and", "huge": "between 1 and",
                  "rem_neg": "distinct whole numbers", "rem_float": "distinct whole numbers",
                  "rem_text": "distinct whole numbers", "number": "case number pattern"}[name]
        assert wanted in err, (name, err)
