"""What the Guian and audit-bureau definitions do *not* take from Licheng or Banan (the sources
say none of it), and their diagrams: no timer at all, no hearing, no review window, no
minimum of two investigators, no repeated-mistake rule in the audit bureau's procedure."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo.definitions import load_definitions
from rongcuo.domain.rules import guards_of
from rongcuo.entrypoints.cli.main import cli

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
IDS = ("guian", "guian_clarification", "audit_bureau")


def _guards(wid: str) -> list[tuple[str, dict[str, object]]]:
    d = load_definitions(WORKFLOWS).get(wid)
    return [(g.rule, dict(g.params)) for t in d.triggers for g in guards_of(d, t)]


@pytest.mark.parametrize("wid", IDS)
def test_no_period_is_invented(wid: str) -> None:
    """GUI-09, AUD-06: the texts give no number of days ("及时", "第一时间")."""
    d = load_definitions(WORKFLOWS).get(wid)
    assert dict(d.timers) == {} and dict(d.parameters) == {}
    assert not {"hold_hearing", "request_review", "pause_clock", "extend_investigation"} & set(
        d.triggers)


def test_guian_needs_one_team_member_not_licheng_s_two() -> None:
    mins = [p["min"] for r, p in _guards("guian") if r == "min_investigators"]
    assert mins == [1]


def test_the_audit_bureau_has_no_hearing_no_investigators_no_repetition_rule() -> None:
    rules = {r for r, _ in _guards("audit_bureau")}
    assert not {"statement_heard", "min_investigators", "repeated_mistake",
                "exclusion_forbids_tolerance"} & rules


def test_guian_art_12_compares_the_matter_key() -> None:
    (params,) = [p for r, p in _guards("guian") if r == "repeated_mistake"][:1]
    assert params["matter_fact"] == "matter_key" and params["tolerated"] == ["exempted"]


@pytest.mark.parametrize("wid", IDS)
def test_mermaid_graph(wid: str) -> None:
    res = CliRunner().invoke(cli, ["workflows", "graph", wid, "--format", "mermaid"])
    assert res.exit_code == 0 and res.stdout.startswith("stateDiagram-v2")
    assert "--> [*]" in res.stdout


def test_a_conditional_guard_names_exactly_one_condition(tmp_path: Path) -> None:
    """C10: a condition that names no fact or field, or both, or tests both by value and by
    membership, is refused when the definition is validated, FILE:LINE, never a guard that
    fails at run time."""
    text = (WORKFLOWS / "guian.yaml").read_text("utf-8")
    old = "when: {fact: outcome, in: [exempted]}, article: 贵安办法第八条第（三）项"
    assert old in text
    rest = "article: 贵安办法第八条第（三）项"
    for new in (f"when: {{in: [exempted]}}, {rest}",
                f"when: {{fact: outcome, data: x, in: [exempted]}}, {rest}",
                f"when: {{fact: outcome, in: [exempted], includes: [exempted]}}, {rest}"):
        f = tmp_path / "guian.yaml"
        f.write_text(text.replace(old, new, 1), encoding="utf-8")
        res = CliRunner().invoke(cli, ["workflows", "validate", str(f)])
        assert res.exit_code == 3
        assert "a condition: {fact: NAME} or {data: NAME}" in res.output, res.output
        assert "guian.yaml:" in res.output
