"""The evaluation guards of 蒲县评查制度, as registered rules: two evaluators (art. 7) and five
ordinary-procedure files per unit (art. 8).  (Phase 2's definitions attach them to steps; here
they are called through the registry, as the engine calls them.)"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rongcuo.domain.case import CaseState, Command
from rongcuo.domain.errors import Refused
from rongcuo.domain.rules import RULES, GuardCall
from rongcuo.domain.workflow.model import GuardSpec
from rongcuo.testing.workflows import shipped_definition


def _call(rule: str, article: str, params: dict[str, Any], facts: dict[str, Any],
          data: dict[str, Any] | None = None) -> GuardCall:
    d = shipped_definition("banan")  # any definition: these rules read facts and data only
    spec = GuardSpec(rule, article, RULES[rule].with_defaults(params))
    case = CaseState("pu_casefile_evaluation", "1", "selected", facts)
    return GuardCall(spec, d, case, Command("start_evaluation", date(2026, 3, 2), "t", data or {}),
                     data or {}, {}, lambda _n: None, ("assign_evaluator",))


def _files(unit: str, n: int, procedure: str = "普通程序") -> list[dict[str, str]]:
    return [{"unit": unit, "file": f"{unit}罚〔2026〕{i}号", "procedure": procedure}
            for i in range(1, n + 1)]


def test_one_evaluator_is_refused_citing_article_7() -> None:
    """第七条 "行政执法案卷评查应当由二名以上评查人实施": one evaluator is refused, with the
    article and the steps open instead."""
    call = _call("min_evaluators", "蒲县评查制度第七条", {"min": 2}, {"evaluators": ["李评查"]})
    with pytest.raises(Refused) as err:
        RULES["min_evaluators"].check(call)
    assert err.value.code == "guard.min_evaluators"
    assert err.value.article == "蒲县评查制度第七条"
    assert "2名以上评查人" in err.value.message_zh and "现有评查人 1 名" in err.value.message_zh
    assert err.value.allowed == ("assign_evaluator",)


def test_two_evaluators_pass_and_a_name_added_twice_counts_once() -> None:
    """Two distinct evaluators pass (以上 includes two); the same person twice is one evaluator."""
    ok = _call("min_evaluators", "蒲县评查制度第七条", {"min": 2},
               {"evaluators": ["李评查", "王评查"]})
    RULES["min_evaluators"].check(ok)
    assert ok.seen["evaluators"] == ["李评查", "王评查"]
    twice = _call("min_evaluators", "蒲县评查制度第七条", {"min": 2},
                  {"evaluators": ["李评查", "李评查"]})
    with pytest.raises(Refused):
        RULES["min_evaluators"].check(twice)


def test_a_unit_with_four_files_is_refused_citing_article_8() -> None:
    """第八条 "通常普通程序行政处罚、行政强制案卷不少于五件": a round whose second unit has four
    ordinary-procedure files is refused, naming that unit and its count; the first unit (five)
    is not named."""
    facts = {"units": ["城关镇综合行政执法队", "县市场监管综合行政执法队"],
             "sampled_files": _files("城关镇综合行政执法队", 5)
             + _files("县市场监管综合行政执法队", 4)}
    call = _call("round_sample_size", "蒲县评查制度第八条", {}, facts)
    with pytest.raises(Refused) as err:
        RULES["round_sample_size"].check(call)
    assert err.value.code == "guard.round_sample_size"
    assert err.value.article == "蒲县评查制度第八条"
    assert "县市场监管综合行政执法队（4件）" in err.value.message_zh
    assert "城关镇" not in err.value.message_zh
    assert err.value.details["shortfalls"] == {"县市场监管综合行政执法队": 4}


def test_summary_procedure_files_do_not_count_towards_the_five() -> None:
    """Four ordinary files and three summary-procedure ones are still four (art. 8 counts
    普通程序 files)."""
    facts = {"units": ["城关镇综合行政执法队"],
             "sampled_files": _files("城关镇综合行政执法队", 4)
             + _files("城关镇综合行政执法队", 3, "简易程序")}
    with pytest.raises(Refused):
        RULES["round_sample_size"].check(_call("round_sample_size", "蒲县评查制度第八条", {},
                                               facts))


def test_fewer_files_pass_with_the_reason_recorded() -> None:
    """"通常" allows fewer when the unit closed fewer such cases: with the reason the round may
    conclude, and what the rule saw — counts, the shortfall, the reason — goes on record."""
    facts = {"units": ["城关镇综合行政执法队"],
             "sampled_files": _files("城关镇综合行政执法队", 3)}
    call = _call("round_sample_size", "蒲县评查制度第八条", {}, facts,
                 {"fewer_reason": "本年度仅办结普通程序案件3件"})
    RULES["round_sample_size"].check(call)
    assert call.seen["sample"] == {"counts": {"城关镇综合行政执法队": 3}, "min": 5,
                                   "fewer_reason": "本年度仅办结普通程序案件3件",
                                   "fewer": ["城关镇综合行政执法队"]}
