"""The validator's checks on a built definition: routing that could never be taken, guard
parameters of the wrong kind or naming nothing, discovery of jurisdiction folders, the
version in force on a date, and definitions that are not YAML files."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from rongcuo.definitions import (
    Problem,
    check_definition,
    check_mapping,
    definition_files,
    load_definitions,
    parse_definition,
)
from rongcuo.domain.errors import DefinitionError
from rongcuo.domain.rules import Param, Scope
from rongcuo.domain.rules.params import check_value

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
LICHENG = (WORKFLOWS / "licheng.yaml").read_text(encoding="utf-8")
BANAN = (WORKFLOWS / "banan.yaml").read_text(encoding="utf-8")

# Banan's determine (巴南办法第十六条、第十七条): from `applied` always, from `received` only when
# the bureau's party group started the procedure.
PARTY = "{rule: fact_in, fact: started_by, values: [局党组], article: 巴南办法第十六条}"
DETERMINE = (
    "    transitions:\n"
    "      - {from: [applied], to: determined}\n"
    "      # 局党组启动的，同步考虑容错情形: decided without a proposal\n"
    f"      - {{from: [received], to: determined, guards: [{PARTY}]}}\n"
)
OTHER = "{rule: fact_in, fact: started_by, values: [其他追责问责机关], article: 巴南办法第十六条}"


def _routes(*lines: str) -> str:
    assert DETERMINE in BANAN
    return BANAN.replace(DETERMINE, "    transitions:\n" + "".join(
        f"      - {line}\n" for line in lines))


def _problems(text: str, name: str = "banan.yaml") -> list[Problem]:
    definition, problems = check_definition(text, name)
    assert definition is None and problems
    return problems


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _valid(text: str) -> None:
    definition, problems = check_definition(text, "banan.yaml")
    assert problems == [] and definition is not None


# --------------------------------------------------------------------------- routing
def test_a_transition_after_an_unguarded_one_from_the_same_state_is_refused() -> None:
    """Transitions are tried in the order listed; after an unguarded one from `received`, a
    guarded one from `received` could never be taken: refused, naming file and line."""
    text = _routes("{from: [applied], to: determined}",
                   "{from: [received], to: lapsed}",
                   f"{{from: [received], to: determined, guards: [{PARTY}]}}")
    (hit,) = _problems(text)
    assert hit.line == _line_of(text, "{from: [received], to: determined, guards")
    assert str(hit).startswith(f"banan.yaml:{hit.line}: trigger 'determine': transition 3 can "
                               "never be taken from received: transition 2, tried first, has no "
                               "guards of its own")


def test_an_exact_repeat_of_a_transition_is_refused() -> None:
    """A guarded transition repeated word for word: the second is tried only when the first
    failed, so it fails too."""
    guarded = f"{{from: [received], to: determined, guards: [{PARTY}]}}"
    text = _routes("{from: [applied], to: determined}", guarded, guarded)
    (hit,) = _problems(text)
    assert "transition 3 can never be taken from received: it repeats transition 2 exactly" \
        in hit.problem
    assert hit.line == text[: text.rindex(guarded)].count("\n") + 1


def test_only_the_overlapping_states_are_named() -> None:
    """An unguarded transition from [applied] shadows a later one from [applied, received]
    only for `applied`; the problem names that state alone."""
    text = _routes("{from: [applied], to: determined}",
                   f"{{from: [applied, received], to: determined, guards: [{PARTY}]}}")
    (hit,) = _problems(text)
    assert "transition 2 can never be taken from applied:" in hit.problem
    assert "received" not in hit.problem.split(":")[1]


def test_a_later_transition_needing_more_guards_than_an_earlier_one_is_refused() -> None:
    """If every guard of the earlier transition is also a guard of the later one, the later
    one passes only where the earlier one already did."""
    text = _routes(
        "{from: [applied], to: determined}",
        f"{{from: [received], to: determined, guards: [{PARTY}]}}",
        f"{{from: [received], to: lapsed, guards: [{PARTY}, {{rule: timer_expired, timer: filing, "
        "article: 巴南办法第十六条}]}",
    )
    (hit,) = _problems(text)
    assert "transition 3 can never be taken from received: transition 2, tried first, has " \
        "only guards this one has too" in hit.problem


def test_two_guarded_transitions_from_one_state_are_valid() -> None:
    """Each guarded transition can be taken where its own guards hold."""
    _valid(_routes("{from: [applied], to: determined}",
                   f"{{from: [received], to: determined, guards: [{PARTY}]}}",
                   f"{{from: [received], to: lapsed, guards: [{OTHER}]}}"))


def test_a_guarded_transition_with_an_unguarded_fallback_is_valid() -> None:
    """Guarded first, unguarded fallback after it: both can be taken (the shipped Banan and
    Licheng definitions keep validating)."""
    _valid(_routes("{from: [applied], to: determined}",
                   f"{{from: [received], to: determined, guards: [{PARTY}]}}",
                   "{from: [received], to: lapsed}"))
    _valid(BANAN)
    _valid(LICHENG)


# --------------------------------------------------------------------------- parameter kinds
@pytest.mark.parametrize(("old", "new", "wanted"), [
    ("rule: min_investigators, min: 2, article", "rule: min_investigators, min: two, article",
     "'min' must be a whole number, not 'two'"),
    ("tolerated: [exempted]", "tolerted: [exempted], tolerated: [exempted]",
     "guard 'repeated_mistake' has no parameter 'tolerted'"),
    ("{rule: within_timer, timer: review_window,", "{rule: within_timer, timer: review_windw,",
     "'timer' names a timer the definition does not have: review_windw"),
    ("keys: [due, days]", "keys: [due, dayz]",
     "'keys' refers to undeclared data field(s) of 'order_correction': dayz"),
    ('exclusion_article: "12"', 'exclusion_article: "13"',
     "'exclusion_article' names catalogue article(s) the definition does not have: 13"),
    ("waiver: review_waived", "waiver: items",
     "'waiver': data field(s) items must be of type bool"),
    ("{rule: statement_heard, article", "{rule: statement_heard, statement_fact: heard, article",
     "no step records the fact 'heard'"),
])
def test_a_guard_parameter_of_the_wrong_kind_or_naming_nothing_is_refused(
    old: str, new: str, wanted: str
) -> None:
    """Each parameter is checked against its declared kind and against the definition, with
    the file and line of the guard (历城办法: the rules it would otherwise silently skip)."""
    assert old in LICHENG, old
    text = LICHENG.replace(old, new, 1)
    problems = _problems(text, "licheng.yaml")
    hit = next(p for p in problems if wanted in p.problem)
    assert hit.line == _line_of(text, new.split(",")[0])


def test_fact_values_a_fact_can_never_hold_are_refused() -> None:
    """巴南办法第十六条: `started_by` is set from an enum of 局党组 / 其他追责问责机关, so a typo in
    `values` (which with `negate` would let every case lapse) is refused."""
    text = BANAN.replace("values: [局党组], negate: true", "values: [区党组], negate: true")
    hit = _problems(text)[0]  # the guards of apply and of lapse (version 3) name it
    assert "started_by can never hold ['区党组']" in hit.problem
    assert "局党组, 其他追责问责机关" in hit.problem
    assert hit.line == _line_of(text, "values: [区党组]")
    boolean = BANAN.replace("values: [局党组], negate: true", "values: [true], negate: true")
    assert "can never hold [True]" in _problems(boolean)[0].problem


def test_a_trigger_parameter_must_name_a_trigger() -> None:
    """The `trigger` kind (for rules that name a step) accepts only a trigger of the definition."""
    d = parse_definition(LICHENG, "licheng.yaml")
    declared = {"step": Param("trigger", required=True)}
    scope = Scope(d, d.triggers["determine"])
    assert check_value("step", "hear_statement", declared, {}, scope) == []
    ((zh, en),) = check_value("step", "hear_statment", declared, {}, scope)
    assert "names a trigger the definition does not have: hear_statment" in en and zh


# --------------------------------------------------------------------------- discovery
def test_definitions_in_jurisdiction_folders_and_their_archives_are_found(tmp_path: Path) -> None:
    """`workflows/<jurisdiction>/*.yaml` and `<jurisdiction>/archive/` are loaded; calendars,
    schema and templates folders are not definitions."""
    (tmp_path / "chongqing" / "archive").mkdir(parents=True)
    shutil.copy(WORKFLOWS / "licheng.yaml", tmp_path / "licheng.yaml")
    shutil.copy(WORKFLOWS / "banan.yaml", tmp_path / "chongqing" / "banan.yaml")
    shutil.copy(WORKFLOWS / "archive" / "banan-1.yaml", tmp_path / "chongqing" / "archive")
    for skipped in ("calendars", "schema", "templates"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "x.yaml").write_text("not: a definition\n", encoding="utf-8")
    files = definition_files(tmp_path)
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "licheng.yaml", "chongqing/banan.yaml", "chongqing/archive/banan-1.yaml"]
    registry = load_definitions(tmp_path)
    assert [d.key for d in registry] == [("banan", "1"), ("banan", "3"), ("licheng", "2025.1")]


# --------------------------------------------------------------------------- in force
def test_the_version_in_force_on_a_date_is_chosen(tmp_path: Path) -> None:
    """A case opened on a date is filed under the version in force that day: Licheng 2025.1
    (2025-03-01 to 2027-02-28, 历城办法第二十四条) before a newer version starts, the newer one
    after; with no version in force, the newest (whose opening is then refused)."""
    (tmp_path / "archive").mkdir()
    shutil.copy(WORKFLOWS / "licheng.yaml", tmp_path / "archive" / "licheng-2025.1.yaml")
    newer = LICHENG.replace('version: "2025.1"', 'version: "2026.1"').replace(
        "  from: 2025-03-01\n  to: 2027-02-28\n", "  from: 2026-07-01\n  to: 2028-06-30\n")
    (tmp_path / "licheng.yaml").write_text(newer, encoding="utf-8")
    registry = load_definitions(tmp_path)
    assert registry.in_force("licheng", date(2025, 6, 3)).version == "2025.1"
    assert registry.in_force("licheng", date(2026, 6, 30)).version == "2025.1"
    assert registry.in_force("licheng", date(2026, 7, 1)).version == "2026.1"
    assert registry.in_force("licheng", date(2028, 1, 1)).version == "2026.1"
    assert registry.in_force("licheng", date(2024, 1, 1)).version == "2026.1"
    assert registry.get("licheng").version == "2026.1"  # get is unchanged: the newest
    with pytest.raises(DefinitionError) as err:
        registry.in_force("nowhere", date(2025, 6, 3))
    assert err.value.code == "definition.not_found"


# --------------------------------------------------------------------------- not a file
def test_a_definition_given_as_a_mapping_gets_the_same_checks() -> None:
    """A definition kept as data (a form, a table row) builds to the same definition as its
    file, and is refused for the same problems (without line numbers)."""
    doc = yaml.safe_load(LICHENG)
    built, problems = check_mapping(doc, "licheng (form)")
    assert problems == [] and built == parse_definition(LICHENG, "licheng (form)")
    doc["triggers"]["determine"]["guards"][3]["tolerated"] = ["exemptd"]
    built, problems = check_mapping(doc, "licheng (form)")
    assert built is None
    assert [(p.file, p.line) for p in problems] == [("licheng (form)", None)]
    assert "exemptd" in problems[0].problem
