"""The rule registry (rongcuo.domain.rules): one declaration per rule, read by the validator,
the engine, the service and the docs; rules that work with a procedure's own words."""

from __future__ import annotations

import ast
import inspect
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rongcuo.definitions import Problem, check_definition, parse_definition
from rongcuo.domain.case import CaseState, Command
from rongcuo.domain.engine import Engine
from rongcuo.domain.errors import Refused
from rongcuo.domain.rules import RULES, GuardCall, PriorDecisions, needs_for, rule_table
from rongcuo.domain.rules.table import BEGIN, END
from rongcuo.domain.workflow.model import GuardSpec, WorkflowDefinition
from rongcuo.testing.workflows import (
    LICHENG_TO_VERIFYING,
    OPEN_DATA,
    cmd,
    run,
    shipped_calendar,
    shipped_definition,
)

ROOT = Path(__file__).resolve().parents[2]
LICHENG = (ROOT / "workflows" / "licheng.yaml").read_text(encoding="utf-8")
BANAN = (ROOT / "workflows" / "banan.yaml").read_text(encoding="utf-8")
CODE = re.compile(r"^(guard|timer|input)\.[a-z_]+$")


def _edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _engine(text: str, name: str = "x.yaml") -> Engine:
    return Engine(parse_definition(text, name), shipped_calendar())


def _problems(text: str, name: str = "x.yaml") -> list[Problem]:
    definition, problems = check_definition(text, name)
    assert definition is None and problems
    return problems


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _function(rule_name: str) -> ast.FunctionDef:
    fn = RULES[rule_name].check
    node = ast.parse(inspect.getsource(fn)).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


# --------------------------------------------------------------------------- the registry
def test_every_rule_carries_its_chinese_term_and_article() -> None:
    """Findability: one grep from a term (回避, 重复失误, 期间 …) to its rule — each rule's
    docstring starts with its Chinese term and cites an article (of a 办法 or, for Pu
    County's systems, a 制度)."""
    assert len(RULES) >= 17
    for name, r in RULES.items():
        assert re.match(r"^[\u4e00-\u9fff]", r.summary), name
        assert re.search(r"(办法|制度)第[一二三四五六七八九十]+条", r.summary), name
        assert r.refuses, name


def test_declared_refusal_codes_are_exactly_those_the_rule_raises() -> None:
    """The registry's `refuses` cannot drift from the code: the codes written in each rule's
    body are the declared ones (refusal codes are stored and tested; they must not change)."""
    for name, r in RULES.items():
        body = _function(name)
        written = {n.value for n in ast.walk(body)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)
                   and CODE.match(n.value)}
        assert written == set(r.refuses), name


def test_reads_data_is_declared_exactly_where_a_rule_reads_the_steps_data() -> None:
    """`reads_data` tells a dry run which rules it can evaluate without the step's data: it
    must be true exactly for the rules whose body reads `call.data`."""
    for name, r in RULES.items():
        reads = any(isinstance(n, ast.Attribute) and n.attr == "data"
                    and isinstance(n.value, ast.Name) and n.value.id == "call"
                    for n in ast.walk(_function(name)))
        assert reads == r.reads_data, name


def test_the_rule_table_in_the_docs_is_the_registry() -> None:
    """docs/workflows.md's rule table is rendered from the registry; editing a rule without
    regenerating the table fails here."""
    doc = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    start, end = doc.index(BEGIN), doc.index(END) + len(END)
    assert doc[start:end] == rule_table()
    for name in RULES:
        assert f"| `{name}` |" in rule_table()


def test_the_repeated_mistake_need_comes_from_the_rules_own_parameters() -> None:
    """容错只适用一次 (历城办法第十二条第（五）项; 巴南办法第十六条): the service is told what to
    gather for the step — Licheng's earlier exemptions dated by `determined_on`, Banan's
    earlier tolerances with no decision date — and nothing for a step without the rule."""
    licheng, banan = shipped_definition("licheng"), shipped_definition("banan")
    assert needs_for(licheng, "determine") == (PriorDecisions(("exempted",), "determined_on"),)
    assert needs_for(banan, "determine") == (
        PriorDecisions(("exempted", "lighter", "mitigated"), None),
    )
    assert needs_for(licheng, "file") == ()
    assert needs_for(banan, "open") == ()


# --------------------------------------------------------------------------- fact_in, typed
HEARING_REQUIRED = _edit(LICHENG, (
    "      - {rule: statement_heard, article: 历城办法第十六条}\n",
    "      - {rule: statement_heard, article: 历城办法第十六条}\n"
    "      - {rule: fact_in, fact: hearing_held, values: [true], article: 历城办法第十四条}\n",
))


def _verifying(eng: Engine, *extra: Command) -> CaseState:
    return run(eng, [*LICHENG_TO_VERIFYING, cmd("hear_statement", "2025-06-10"), *extra])[0]


def test_fact_in_matches_a_true_false_fact_by_its_value() -> None:
    """A yes/no fact (听证 held: `hearing_held`, set to true by `hold_hearing`, 历城办法第十四条)
    matches `values: [true]`: the step passes after a hearing and is refused without one.
    Before, the values were compared as text ("True" against True) and it was refused always."""
    eng = _engine(HEARING_REQUIRED)
    determine = cmd("determine", "2025-06-20", outcome="exempted", items="10.2")
    held = _verifying(eng, cmd("hold_hearing", "2025-06-12", host="赵主任"))
    assert eng.decide(held, determine).state.state == "determined"
    with pytest.raises(Refused) as err:
        eng.decide(_verifying(eng), determine)
    assert err.value.code == "guard.fact" and err.value.article == "历城办法第十四条"
    assert "true" in err.value.message_en and "not recorded" in err.value.message_en


def test_fact_in_negate_refuses_the_listed_true_false_value() -> None:
    """With `negate: true` the step is for cases whose fact is none of the values: refused
    after a hearing, allowed without one (before, negate made it pass always)."""
    eng = _engine(_edit(HEARING_REQUIRED, ("values: [true], article", "values: [true], "
                                           "negate: true, article")))
    determine = cmd("determine", "2025-06-20", outcome="exempted", items="10.2")
    assert eng.decide(_verifying(eng), determine).state.state == "determined"
    held = _verifying(eng, cmd("hold_hearing", "2025-06-12", host="赵主任"))
    with pytest.raises(Refused) as err:
        eng.decide(held, determine)
    assert err.value.code == "guard.fact" and err.value.details["value"] is True


def _call(rule: str, params: dict[str, Any], facts: dict[str, Any],
          data: dict[str, Any] | None = None) -> GuardCall:
    d = shipped_definition("banan")
    spec = GuardSpec(rule, "巴南办法第十六条", RULES[rule].with_defaults(params))
    case = CaseState("banan", str(d.version), "received", facts)
    return GuardCall(spec, d, case, Command(rule, date(2025, 6, 10), "t", data or {}),
                     data or {}, {}, lambda _n: None, ())


@pytest.mark.parametrize(("fact", "values", "passes"), [
    (True, [True], True),
    (False, [True], False),
    ("True", [True], False),  # text is not a true/false value
    (True, ["True"], False),  # and the reverse: the old bug matched neither way round
    (1, [True], False),  # 1 is not true
    (2, [2], True),
    ("2", [2], False),
    ("局党组", ["局党组"], True),
    (None, [True], False),
])
def test_fact_in_compares_values_by_type(fact: Any, values: list[Any], passes: bool) -> None:
    """Typed comparison: true matches only true, numbers only numbers, text only text."""
    call = _call("fact_in", {"fact": "flag", "values": values}, {"flag": fact})
    if passes:
        RULES["fact_in"].check(call)
    else:
        with pytest.raises(Refused):
            RULES["fact_in"].check(call)


def test_data_in_when_compares_the_fact_by_type() -> None:
    """data_in_when applies only when the fact is one of `when`, compared by type: a true fact
    with `when: [true]` restricts the data; the text "True" does not."""
    params = {"fact": "flag", "when": [True], "data": "applicant", "allowed": ["所在单位党组织"]}
    with pytest.raises(Refused) as err:
        RULES["data_in_when"].check(_call("data_in_when", params, {"flag": True},
                                          {"applicant": "本人"}))
    assert err.value.code == "guard.data_not_allowed"
    RULES["data_in_when"].check(_call("data_in_when", params, {"flag": "True"},
                                      {"applicant": "本人"}))


# --------------------------------------------------------------------------- messages
def test_the_statement_refusal_names_the_step_to_take_by_its_label() -> None:
    """历城办法第十六条 陈述申辩 before a determination: the refusal says what to do in a case
    worker's words (the step's label), not a command name."""
    eng = _engine(LICHENG)
    case = run(eng, LICHENG_TO_VERIFYING)[0]
    with pytest.raises(Refused) as err:
        eng.decide(case, cmd("determine", "2025-06-20", outcome="exempted", items="10.2"))
    assert err.value.code == "guard.statement_before_determination"
    assert "“听取陈述申辩”" in err.value.message_zh
    assert "'hear the statement and defence'" in err.value.message_en
    assert "hear_statement" not in err.value.message_zh + err.value.message_en


# --------------------------------------------------------------------------- other words
HANDLERS = _edit(
    LICHENG,
    ("      investigator: {type: str, required: true, max_length: 50, label_zh: 调查人员}\n",
     "      handler: {type: str, required: true, label_zh: 承办人}\n"),
    ("{add: investigators, value: $investigator}", "{add: handlers, value: $handler}"),
    ("{remove: investigators, value: $investigator}", "{remove: handlers, value: $handler}"),
    ("{add: recused, value: $investigator}", "{add: withdrawn, value: $handler}"),
    ("{rule: investigator_not_recused,", "{rule: investigator_not_recused, "
     "investigator_field: handler, recused_fact: withdrawn,"),
    ("{rule: investigator_not_assigned,", "{rule: investigator_not_assigned, "
     "investigator_field: handler, investigators_fact: handlers,"),
    ("{rule: investigator_assigned,", "{rule: investigator_assigned, "
     "investigator_field: handler, investigators_fact: handlers,"),
    ("{rule: min_investigators, min: 2,", "{rule: min_investigators, min: 2, "
     "investigators_fact: handlers, recused_fact: withdrawn,"),
)


def test_the_investigator_rules_work_with_a_procedures_own_words() -> None:
    """A procedure that says 承办人 (handlers) and 退出 (withdrawn) gets the same 历城办法第十六条
    protection: at least two handlers who have not withdrawn, no withdrawn handler back."""
    eng = _engine(HANDLERS)
    opened = [cmd("open", "2025-06-03", **OPEN_DATA), cmd("file", "2025-06-05")]
    one = run(eng, [*opened, cmd("assign_investigator", "2025-06-05", handler="李四")])[0]
    with pytest.raises(Refused) as err:
        eng.decide(one, cmd("start_verification", "2025-06-06"))
    assert err.value.code == "guard.min_investigators"
    two = eng.decide(one, cmd("assign_investigator", "2025-06-05", handler="王五")).state
    assert two.facts["handlers"] == ["李四", "王五"]
    out = eng.decide(two, cmd("recuse", "2025-06-05", handler="王五")).state
    with pytest.raises(Refused) as err:
        eng.decide(out, cmd("assign_investigator", "2025-06-06", handler="王五"))
    assert err.value.code == "guard.investigator_recused"
    assert eng.decide(two, cmd("start_verification", "2025-06-06")).state.state == "verifying"


def test_a_rule_left_on_the_default_words_of_another_procedure_is_refused() -> None:
    """Renaming the facts without telling the rule is a validation error naming the file and
    line (no step records `investigators`), never a rule that silently never passes."""
    text = _edit(HANDLERS, ("{rule: min_investigators, min: 2, investigators_fact: handlers, "
                            "recused_fact: withdrawn,", "{rule: min_investigators, min: 2,"))
    problems = _problems(text, "handlers.yaml")
    guards = [i for i, line in enumerate(text.splitlines(), 1) if "min_investigators" in line]
    assert len(guards) == 2  # start_verification and determine
    assert [p.line for p in problems] == guards
    assert all("no step records the fact 'investigators'" in p.problem for p in problems)


RENAMED = _edit(LICHENG, ("exempted", "mianze"), ("determined_on", "decided_at"))


def test_repeated_mistake_works_with_a_procedures_own_outcomes_and_date_fact() -> None:
    """容错只适用一次 for a procedure that calls its exemption `mianze` and records the decision
    date as `decided_at`: an earlier `mianze` decided before this one bars tolerance; an
    earlier one decided later does not; Licheng's word `exempted` means nothing here."""
    eng = _engine(RENAMED)
    assert needs_for(eng.definition, "determine") == (PriorDecisions(("mianze",), "decided_at"),)
    case = _verifying(eng)
    determine = cmd("determine", "2025-06-20", outcome="lighter", items="11.1")
    prior = {**{k: OPEN_DATA[k] for k in ("subject", "matter")}, "case_id": "p",
             "number": "历城容错〔2025〕9号", "workflow": "licheng"}

    def decide(**p: Any) -> WorkflowDefinition:
        eng.decide(case, determine, {"prior_tolerances": [{**prior, **p}]})
        return eng.definition

    with pytest.raises(Refused) as err:
        decide(outcome="mianze", decided_on="2025-06-01")
    assert err.value.code == "guard.repeated_mistake"
    assert decide(outcome="mianze", decided_on="2025-06-21")  # decided after this one
    assert decide(outcome="exempted", decided_on="2025-06-01")  # not this procedure's word


def test_repeated_mistake_naming_an_outcome_the_catalogue_lacks_is_refused() -> None:
    """A tolerated outcome that is not in the definition's catalogue would silently match
    nothing: it is refused with the file and line of the guard."""
    text = _edit(LICHENG, ("tolerated: [exempted]", "tolerated: [exemptd]"))
    (hit,) = [p for p in _problems(text, "licheng.yaml") if "exemptd" in p.problem]
    assert hit.line == _line_of(text, "rule: repeated_mistake")
    assert str(hit).startswith(f"licheng.yaml:{hit.line}: trigger 'determine': guard "
                               "'repeated_mistake': 'tolerated' names outcome(s)")


def test_repeated_mistake_dated_by_a_fact_no_step_records_is_refused() -> None:
    """A decision-date fact no step sets would make every earlier decision count as later:
    refused with the line (Licheng's `determine` sets `determined_on`)."""
    text = _edit(LICHENG, ("date_fact: determined_on", "date_fact: decided_at"))
    (hit,) = _problems(text)
    assert hit.line == _line_of(text, "rule: repeated_mistake")
    assert "no step records the fact 'decided_at'" in hit.problem


def test_repeated_mistake_must_say_how_decisions_are_dated() -> None:
    """`date_fact` is required: left out, the definition is refused; `null` (every earlier
    decision counts, 巴南办法第十六条) needs a note saying why."""
    missing = _edit(LICHENG, (" date_fact: determined_on,", ""))
    assert any("needs parameter(s) ['date_fact']" in p.problem for p in _problems(missing))
    note = next(line for line in BANAN.splitlines(keepends=True) if "note: 巴南办法不记录" in line)
    unexplained = _edit(BANAN, (note, ""))
    (hit,) = _problems(unexplained)
    assert "'date_fact' is null: say why in the guard's 'note'" in hit.problem
    assert hit.line == _line_of(unexplained, "date_fact: null")
