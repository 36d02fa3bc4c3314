"""The generic procedure (行政执法容错纠错实施办法, seeds/002 third document): art. 14 "容错决定
作出后，应当于日内告知相关单位及当事人" leaves the number of days blank (C2).  GEN-15…17 and the
notice counted with two adopter values, 5 and 10, to show it really is the adopter's.

Counted by hand: a determination on 2026-02-10 (Tue); 5 days → 02-15, inside 春节 (02-15..02-23)
→ 02-24; 10 days → 02-20, inside 春节 → 02-24 too; so also from 2026-03-02 (Mon): 5 → 03-07
(Sat) → 03-09 (Mon); 10 → 03-12 (Thu).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rongcuo.definitions import check_definition
from rongcuo.domain.engine import Engine
from rongcuo.domain.errors import Refused
from rongcuo.testing.workflows import cmd, run, shipped_calendar, shipped_definition

ROOT = Path(__file__).resolve().parents[2]
OPEN = {"subject": "张某", "agency": "执法局", "matter": "m", "source": "党组启动"}
SIX = {"subjective": "s", "objective": "o", "procedure_method": "p", "nature_degree": "n",
       "consequence": "c", "loss_recovered": "l"}


def engine() -> Engine:
    return Engine(shipped_definition("generic"), shipped_calendar())


def adopted(days: Any) -> dict[str, Any]:
    return {"adopter_parameters": {"notice_days": days}}


def determined(eng: Engine, on: str, days: int) -> Any:
    return run(eng, [
        cmd("open", on, **OPEN), cmd("start_verification", on, verified_by="执法局"),
        cmd("determine", on, outcome="duty_fulfilled", items="10.1", decided_by="所在单位党组",
            **SIX),
    ], context=adopted(days))


def test_gen_15_the_shipped_definition_refuses_to_open_until_the_adopter_sets_the_days() -> None:
    """GEN-15: no adopter value → definition.parameter_unset, citing 通用办法第十四条 and naming
    the parameter; a value that is no number of days is refused too.  No default is shipped."""
    eng = engine()
    param = eng.definition.parameters["notice_days"]
    assert param.value is None and param.adopter and param.article == "通用办法第十四条"
    for context in (None, {}, adopted(None)):
        with pytest.raises(Refused) as info:
            eng.open(cmd("open", "2026-02-02", **OPEN), context)
        assert info.value.code == "definition.parameter_unset"
        assert info.value.article == "通用办法第十四条"
        assert info.value.details["parameter"] == "notice_days"
        assert "notice_days" in info.value.message_zh and "采用单位" in info.value.message_zh
    for bad in (0, -3, "7", True, 99999):
        with pytest.raises(Refused) as info:
            eng.open(cmd("open", "2026-02-02", **OPEN), adopted(bad))
        assert info.value.code == "definition.parameter_invalid"


def test_gen_16_a_blank_period_without_a_declared_parameter_is_still_refused() -> None:
    """GEN-16: the fixture that leaves the period blank with no parameter stays invalid; a
    blank parameter that ships a default, or cites no article, is refused as well."""
    text = (ROOT / "tests/fixtures/workflows/generic_blank_notice.yaml").read_text("utf-8")
    assert check_definition(text, "generic_blank_notice.yaml")[0] is None
    shipped = (ROOT / "workflows/generic.yaml").read_text("utf-8")
    with_default = shipped.replace("    value: null\n", "    value: 7\n", 1)
    _, problems = check_definition(with_default, "generic.yaml")
    assert any("ship no default" in str(p) for p in problems)
    no_article = shipped.replace("    article: 通用办法第十四条\n    note:", "    note:", 1)
    _, problems = check_definition(no_article, "generic.yaml")
    assert any("cite the article" in str(p) for p in problems)


def test_gen_17_a_case_keeps_the_value_it_opened_with() -> None:
    """GEN-17: opened with 5, the case's notice stays 5 days on replay, whatever the setting
    is later (10); the value is in the opening event and in the case's facts."""
    eng = engine()
    case, events = determined(eng, "2026-03-02", 5)
    assert events[0].data["parameters"] == {"notice_days": 5}
    assert case.facts["parameters"] == {"notice_days": 5}
    later = engine()  # a new process, the adopter now says 10: replay needs only the events
    replayed = later.replay(events)
    assert replayed == case
    due = {d.timer: d.due for d in later.deadlines(replayed)}
    assert due["notice"] == date(2026, 3, 9)


@pytest.mark.parametrize(("days", "on", "expected"), [
    (5, "2026-02-10", date(2026, 2, 24)),  # 02-15 in 春节 → 02-24
    (10, "2026-02-10", date(2026, 2, 24)),  # 02-20 in 春节 → 02-24
    (5, "2026-03-02", date(2026, 3, 9)),  # 03-07 (Sat) → 03-09 (Mon)
    (10, "2026-03-02", date(2026, 3, 12)),  # 03-12 (Thu)
])
def test_the_notice_period_is_the_adopters_number(days: int, on: str, expected: date) -> None:
    """The notice timer counts the adopter's days like any calendar period (Civil Code arts.
    201, 203), and its basis says so."""
    eng = engine()
    case, _ = determined(eng, on, days)
    d = next(x for x in eng.deadlines(case) if x.timer == "notice")
    assert (d.due, d.status) == (expected, "running")
    assert d.basis["n"] == days
