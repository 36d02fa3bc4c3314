"""Definition format, JSON Schema and validator: every error names the file, line and problem."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from rongcuo.definitions import Problem, check_definition, load_definitions, parse_definition
from rongcuo.definitions.schema import SCHEMA
from rongcuo.domain.errors import DefinitionError

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
FIXTURES = ROOT / "tests" / "fixtures" / "workflows"
LICHENG = (WORKFLOWS / "licheng.yaml").read_text(encoding="utf-8")
SEED_LICHENG = ROOT.parent / "shared" / "seeds" / "004_ef9c8bc9603b305e.txt"


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _problems(text: str, name: str = "x.yaml") -> list[Problem]:
    definition, problems = check_definition(text, name)
    assert definition is None
    return problems


def _mutate(old: str, new: str) -> str:
    assert old in LICHENG, old
    return LICHENG.replace(old, new, 1)


def test_shipped_definitions_are_valid() -> None:
    """Every shipped procedure passes every check (历城办法, 巴南办法, 审计局办法, 贵安办法, the
    tolerance family)."""
    registry = load_definitions(WORKFLOWS)
    assert {"audit_bureau", "baiyintala", "banan", "generic", "guian", "licheng",
            "pu_tolerance"} <= set(registry.ids())


def test_checked_in_schema_matches_the_code() -> None:
    """workflows/schema/workflow.schema.json is the schema the parser uses."""
    on_disk = json.loads((WORKFLOWS / "schema" / "workflow.schema.json").read_text("utf-8"))
    assert on_disk == json.loads(json.dumps(SCHEMA))


def test_licheng_identity_and_in_force_dates() -> None:
    """In force 2025-03-01 to 2027-02-28 (历城办法第二十四条); case number pattern."""
    d = parse_definition(LICHENG, "licheng.yaml")
    assert (d.id, d.version) == ("licheng", "2025.1")
    assert d.in_force == (date(2025, 3, 1), date(2027, 2, 28))
    assert d.in_force_article == "历城办法第二十四条"
    assert d.case_number.format(year=2025, n=7) == "历城容错〔2025〕7号"


def test_licheng_catalogue_holds_every_item_of_articles_9_to_12() -> None:
    """Arts. 9 (9 items), 10 (10), 11 (3), 12 (7), as in the source (历城办法第九条至第十二条)."""
    d = parse_definition(LICHENG, "licheng.yaml")
    assert {a: len(c.items) for a, c in d.catalogue.items()} == {"9": 9, "10": 10, "11": 3, "12": 7}
    seed = SEED_LICHENG.read_text(encoding="utf-8") if SEED_LICHENG.exists() else None
    for art in d.catalogue.values():
        for text in art.items.values():
            assert text
            if seed is not None:
                assert text in seed, text
    assert d.catalogue["12"].exclusion is True


def test_blank_period_from_the_source_is_refused() -> None:
    """Generic procedure art. 14 “应当于日内告知”: a blank period may not be invented."""
    path = FIXTURES / "generic_blank_notice.yaml"
    text = path.read_text(encoding="utf-8")
    problems = _problems(text, str(path))
    assert len(problems) == 1
    assert problems[0].file == str(path)
    assert problems[0].line == _line_of(text, "period: {unit: calendar}")
    assert "no days" in problems[0].problem and "parameter" in problems[0].problem


def test_blank_period_declared_as_parameter_is_accepted() -> None:
    """The same period declared with a value and a note is accepted (generic art. 14)."""
    text = (FIXTURES / "generic_declared_notice.yaml").read_text(encoding="utf-8")
    d = parse_definition(text, "generic_declared_notice.yaml")
    assert d.timers["notice"].days == 7
    assert d.parameters["notice_days"].note


def test_parameter_without_value_is_refused() -> None:
    """A parameter must carry a value (no silent law)."""
    text = _mutate("    value: 5\n", "    value:\n")
    problems = _problems(text)
    assert any("filing_days" in p.problem and "no value" in p.problem for p in problems)


def test_unknown_state_is_named_with_its_line() -> None:
    """A trigger pointing at an unknown state (历城办法第十四条 sequence)."""
    text = _mutate("    from: [received]\n    to: filed\n", "    from: [recieved]\n    to: filed\n")
    problems = _problems(text)
    assert any("unknown state 'recieved'" in p.problem for p in problems)
    hit = next(p for p in problems if "recieved" in p.problem)
    assert hit.line == _line_of(text, "from: [recieved]")


def test_unknown_trigger_in_a_timer_is_refused() -> None:
    """Timers start and stop on declared triggers only."""
    text = _mutate("    stop: [file]\n", "    stop: [fiel]\n")
    problems = _problems(text)
    assert any("unknown trigger 'fiel'" in p.problem for p in problems)


def test_unreachable_state_is_refused() -> None:
    """Every state is reachable from the opening state."""
    text = _mutate(
        "states:\n", "states:\n  orphan: {label_zh: 孤立, article: 历城办法第十四条, final: true}\n"
    )
    problems = _problems(text)
    assert any("'orphan' is unreachable" in p.problem for p in problems)


def test_state_with_no_way_out_is_refused() -> None:
    """A non-final state must have an exit."""
    text = _mutate(
        "archived: {label_zh: 已归档, label_en: archived, article: 历城办法第十四条, final: true}",
        "archived: {label_zh: 已归档, label_en: archived, article: 历城办法第十四条}",
    )
    problems = _problems(text)
    assert any("'archived' is not final but has no way out" in p.problem for p in problems)


def test_timer_without_stop_is_refused() -> None:
    """A timer must name what stops it."""
    text = _mutate("    stop: [agency_reported]\n", "")
    problems = _problems(text)
    hit = next(p for p in problems if "has no stop" in p.problem)
    assert "transfer_report" in hit.problem
    assert hit.line == _line_of(text, "  transfer_report:")


def test_missing_citation_is_refused_with_line() -> None:
    """Every state cites its article."""
    text = _mutate(
        "filed: {label_zh: 已立案, label_en: filed, article: 历城办法第十四条}",
        "filed: {label_zh: 已立案, label_en: filed}",
    )
    problems = _problems(text, "licheng.yaml")
    hit = next(p for p in problems if "'article' is a required property" in p.problem)
    assert hit.line == _line_of(text, "filed: {label_zh: 已立案")
    assert str(hit).startswith(f"licheng.yaml:{hit.line}: ")


def test_yaml_syntax_error_names_the_line() -> None:
    """A broken file is reported at the line the parser stopped."""
    text = _mutate("  file:\n", "  file: [\n")
    problems = _problems(text)
    assert len(problems) == 1 and "YAML syntax" in problems[0].problem
    assert problems[0].line is not None and problems[0].line >= _line_of(text, "  file: [")


def test_duplicate_key_is_refused() -> None:
    """A duplicated key would silently drop a rule."""
    text = _mutate("  file:\n", "  open:\n    label_zh: x\n  file:\n")
    problems = _problems(text)
    assert any("duplicate key 'open'" in p.problem for p in problems)


def test_unknown_guard_rule_is_refused() -> None:
    """Guards are named rules from the rule catalogue."""
    text = _mutate("rule: min_investigators, min: 2", "rule: min_investigatorz, min: 2")
    problems = _problems(text)
    assert any("unknown guard rule 'min_investigatorz'" in p.problem for p in problems)


def test_guard_missing_its_parameter_is_refused() -> None:
    """min_investigators needs `min` (历城办法第十六条: 不得少于两人)."""
    text = _mutate("rule: min_investigators, min: 2, article", "rule: min_investigators, article")
    problems = _problems(text)
    assert any("needs parameter(s) ['min']" in p.problem for p in problems)


def test_parse_definition_raises_listing_every_problem() -> None:
    """parse_definition raises DefinitionError with file:line in the message."""
    text = _mutate("    stop: [agency_reported]\n", "")
    with pytest.raises(DefinitionError) as info:
        parse_definition(text, "bad.yaml")
    assert "bad.yaml:" in info.value.message_en
    assert info.value.details["problems"]


def test_registry_returns_newest_and_pinned_versions(tmp_path: Path) -> None:
    """A case replays under its own version: archive/<id>-<version>.yaml stays loadable."""
    (tmp_path / "archive").mkdir()
    (tmp_path / "licheng.yaml").write_text(
        LICHENG.replace('version: "2025.1"', 'version: "2025.10"'), encoding="utf-8"
    )
    (tmp_path / "archive" / "licheng-2025.1.yaml").write_text(LICHENG, encoding="utf-8")
    registry = load_definitions(tmp_path)
    assert registry.versions("licheng") == ["2025.1", "2025.10"]
    assert registry.get("licheng").version == "2025.10"
    assert registry.get("licheng", "2025.1").version == "2025.1"
    with pytest.raises(DefinitionError) as info:
        registry.get("licheng", "1999")
    assert info.value.code == "definition.not_found"
