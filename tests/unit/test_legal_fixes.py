"""Two legal fixes on the existing procedures (issue 17), each counted by hand.

Calendars: 2025 National Day 10-01..10-08 off (09-28 Sun and 10-11 Sat worked); 2026 春节
02-15..02-23 off (02-14 Sat and 02-28 Sat worked).  A period's start day is not counted; a last
day on a rest day rolls to the next working day (Civil Code arts. 201, 203).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo.domain.case import CaseState, Event, Pause
from rongcuo.domain.engine import Engine
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.domain.periods import PeriodRule, compute_due
from rongcuo.entrypoints.cli.main import cli
from rongcuo.testing.workflows import OPEN_DATA, cmd, licheng_engine, run, shipped_calendar

D = date.fromisoformat
CAL = shipped_calendar()


# -- fix 1: an appraisal pause that began before the period started --------------------------
def test_a_pause_begun_before_the_period_counts_only_its_days_inside_it() -> None:
    """历城办法第十六条 (appraisal time not counted), 民法典第二百零一条: 10 days from 2025-03-03
    would end 03-13 (Thu).  An appraisal 03-01..03-05, commissioned before the period started,
    leaves out only 03-04 and 03-05 (the period's own days): days 1–10 are 03-06..03-15, a
    Saturday → Monday 03-17.  One that ended before the start (02-20..03-02) changes nothing."""
    rule = PeriodRule("calendar", 10, pause_article="历城办法第十六条")
    dd = compute_due(D("2025-03-03"), rule, CAL, pauses=[Pause(D("2025-03-01"), D("2025-03-05"))])
    assert dd.due == D("2025-03-17")
    (p,) = dd.basis["pauses"]
    assert (p["from"], p["counted_from"], p["shift"], p["status"]) == (
        "2025-03-01", "2025-03-04", 2, "counted")
    before = compute_due(D("2025-03-03"), rule, CAL,
                         pauses=[Pause(D("2025-02-20"), D("2025-03-02"))])
    assert before.due == D("2025-03-13")
    assert before.basis["pauses"][0]["status"] == "before_start"
    assert "起算前已结束" in before.explain("zh")
    assert "ended before the period started" in before.explain("en")


def test_calendar_due_accepts_a_pause_begun_before_the_start(tmp_path: Path) -> None:
    """`rongcuo calendar due 2025-09-05 3 --pause 2025-09-01:2025-09-07`: the pause's days in the
    period are 09-06 and 09-07, so days 1–3 are 09-08..09-10 → Wed 2025-09-10 (was refused)."""
    res = CliRunner().invoke(cli, ["calendar", "due", "2025-09-05", "3", "--unit", "calendar",
                                   "--pause", "2025-09-01:2025-09-07"])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().splitlines()[-1] == "2025-09-10"


TO_VERIFYING = [
    cmd("open", "2025-09-26", **OPEN_DATA), cmd("file", "2025-09-29"),
    cmd("assign_investigator", "2025-09-30", investigator="李明"),
    cmd("assign_investigator", "2025-09-30", investigator="赵芳"),
    cmd("start_verification", "2025-10-09"),
]


def _licheng_verifying() -> tuple[Engine, CaseState, list[Event]]:
    eng = licheng_engine()
    case, events = run(eng, TO_VERIFYING)
    return eng, case, events


def test_pause_clock_accepts_an_appraisal_commissioned_before_filing() -> None:
    """历城办法第十六条、第十七条: filed 2025-09-29, the 30-day investigation ends 10-29.  The
    appraisal was commissioned on 09-26 during the preliminary check (before filing) and its
    result arrived on 10-20: the pause is 09-26..10-19, of which 09-30..10-19 (20 days) lie in
    the period, so day 1 is 10-20 and day 30 is 11-18 (Tue).  The date is a historic one (C19):
    before the previous step, recorded when the clock is stopped."""
    eng, case, events = _licheng_verifying()
    paused = eng.decide(case, cmd("pause_clock", "2025-10-09", kind="鉴定",
                                  commissioned_on="2025-09-26"))
    assert paused.state.timers["investigation"].paused_since == D("2025-09-26")
    assert paused.events[0].data["commissioned_on"] == "2025-09-26"
    resumed = eng.decide(paused.state, cmd("resume_clock", "2025-10-20"))
    inv = next(d for d in resumed.deadlines if d.timer == "investigation")
    assert (inv.due, inv.status) == (D("2025-11-18"), "running")
    assert eng.replay([*events, *paused.events, *resumed.events]) == resumed.state


def test_a_historic_date_after_the_step_or_overlapping_a_pause_is_refused() -> None:
    """C19: a historic date may lie before the previous step, never after the step's own
    date; a second pause may not begin on a day an earlier pause already left out."""
    eng, case, _ = _licheng_verifying()
    with pytest.raises(InvalidInput) as info:
        eng.decide(case, cmd("pause_clock", "2025-10-09", commissioned_on="2025-10-10"))
    assert info.value.code == "input.invalid_field"
    first = eng.decide(case, cmd("pause_clock", "2025-10-09",
                                 commissioned_on="2025-10-01")).state
    first = eng.decide(first, cmd("resume_clock", "2025-10-13")).state  # pause 10-01..10-12
    with pytest.raises(Refused) as overlap:
        eng.decide(first, cmd("pause_clock", "2025-10-20", commissioned_on="2025-10-12"))
    assert overlap.value.code == "timer.pause_overlap"
    assert overlap.value.article == "历城办法第十六条"


# -- fix 2: an extension granted in days is a period ----------------------------------------
@pytest.mark.parametrize("workflow", ["licheng", "baiyintala"])
def test_an_extension_of_a_given_due_date_rolls_off_the_spring_festival(workflow: str) -> None:
    """民法典第二百零一条至第二百零三条: a correction due on the given date 2026-02-05 (Thu),
    extended by 10 days: the extension is a period counted after that day — day 10 is 02-15
    (Sun, 春节 02-15..02-23) — so it ends on the next working day, Tue 2026-02-24 (before this
    fix it was left on 02-15).  The given date itself is the body's and does not move."""
    from rongcuo.testing.workflows import shipped_definition

    eng = Engine(shipped_definition(workflow), CAL)
    if workflow == "licheng":
        steps = [cmd("open", "2026-01-05", **OPEN_DATA), cmd("file", "2026-01-05"),
                 cmd("assign_investigator", "2026-01-05", investigator="李明"),
                 cmd("assign_investigator", "2026-01-05", investigator="赵芳"),
                 cmd("start_verification", "2026-01-06"), cmd("hear_statement", "2026-01-07"),
                 cmd("determine", "2026-01-08", outcome="lighter", items="10.2"),
                 cmd("notify", "2026-01-09", received_on="2026-01-09"),
                 cmd("order_correction", "2026-01-20", due="2026-02-05", review_waived="true")]
        ext = {"approved_by": "王主任"}
    else:
        six = {"subjective": "s", "objective": "o", "procedure_method": "p",
               "nature_degree": "n", "consequence": "c", "loss_recovered": "l"}
        steps = [cmd("open", "2026-01-05", source="党委启动", **OPEN_DATA),
                 cmd("start_verification", "2026-01-05", verified_by="执法队"),
                 cmd("determine", "2026-01-08", outcome="lighter", items="10.2",
                     decided_by="苏木党委", **six),
                 cmd("order_correction", "2026-01-20", due="2026-02-05", reasons="r",
                     correction_items="i", requirements="q")]
        ext = {"approved_by": "队长", "reason": "特殊情况"}
    case, _ = run(eng, steps)
    corr = next(d for d in eng.deadlines(case) if d.timer == "correction")
    assert corr.due == D("2026-02-05")
    d = eng.decide(case, cmd("extend_correction", "2026-02-02", days=10, **ext))
    corr = next(x for x in d.deadlines if x.timer == "correction")
    assert (corr.due, corr.status) == (D("2026-02-24"), "running")
    period = corr.basis["extension_period"]
    assert (period["from"], period["days"], period["last_day"]) == ("2026-02-05", 10, "2026-02-15")
    assert period["article"] == "民法典第二百零一条至第二百零三条"
    # the period has not ended on 02-16: a further extension is still possible then
    assert eng.decide(d.state, cmd("extend_correction", "2026-02-16", days=1, **ext)).state
