"""The case engine's general rules: one shared machine, ordering, coercion, notices, replay."""

from __future__ import annotations

import gc
import json
import weakref
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rongcuo.domain.calendar import WorkCalendar
from rongcuo.domain.case import CaseState, Deadline, Event, deadline_changes
from rongcuo.domain.engine import Engine, compiled_machine
from rongcuo.domain.engine import machine as machine_mod
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.testing.workflows import (
    LICHENG_TO_FILED,
    LICHENG_TO_NOTIFIED,
    LICHENG_TO_VERIFYING,
    OPEN_DATA,
    cmd,
    licheng_engine,
    run,
    shipped_calendar,
    shipped_definition,
)

CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def eng() -> Engine:
    return licheng_engine()


def test_one_machine_per_definition_version_is_shared(eng: Engine) -> None:
    """Every Engine of licheng 2025.1 uses the same compiled machine (design card)."""
    other = Engine(shipped_definition("licheng"), WorkCalendar())
    assert other._machine is eng._machine is compiled_machine(eng.definition)
    assert ("licheng", "2025.1") in machine_mod._MACHINES


def test_machine_has_no_to_state_shortcuts_and_keeps_no_model(eng: Engine) -> None:
    """auto_transitions=False: no to_<state>() back doors; no case model kept (design card)."""
    machine = eng._machine
    assert not any(name.startswith("to_") for name in machine.events)
    run(eng, LICHENG_TO_VERIFYING)
    assert machine.models == []


def test_transient_model_is_released_after_decide(
    eng: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No per-case machine or model survives a decision (design card)."""
    refs: list[weakref.ref[object]] = []
    real = machine_mod._Step

    def tracking(*args: object, **kwargs: object) -> object:
        step = real(*args, **kwargs)  # type: ignore[arg-type]
        refs.append(weakref.ref(step))
        return step

    monkeypatch.setattr(machine_mod, "_Step", tracking)
    run(eng, LICHENG_TO_FILED)
    gc.collect()
    assert refs and all(r() is None for r in refs)


def test_step_dated_before_the_previous_step_is_refused(eng: Engine) -> None:
    """Steps are recorded in order (历城办法第十四条 sequence)."""
    case, _ = run(eng, LICHENG_TO_FILED)
    with pytest.raises(Refused) as info:
        eng.decide(case, cmd("transfer", "2025-06-04"))
    assert info.value.code == "case.date_before_previous_step"
    assert "transfer" in info.value.allowed


def test_no_step_on_a_closed_case(eng: Engine) -> None:
    """An archived case accepts nothing (历城办法第十四条 归档)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_FILED,
            cmd("transfer", "2025-06-09"),
            cmd("agency_handled", "2025-06-30"),
            cmd("agency_reported", "2025-07-02"),
        ],
    )
    with pytest.raises(Refused) as info:
        eng.decide(case, cmd("file", "2025-07-03"))
    assert info.value.code == "case.closed"


def test_open_outside_the_in_force_period_is_refused(eng: Engine) -> None:
    """Licheng is in force 2025-03-01 to 2027-02-28 (历城办法第二十四条)."""
    for day in ("2025-02-28", "2027-03-01"):
        with pytest.raises(Refused) as info:
            eng.open(cmd("open", day, **OPEN_DATA))
        assert info.value.code == "case.outside_in_force"
        assert info.value.article == "历城办法第二十四条"
    assert eng.open(cmd("open", "2027-02-28", **OPEN_DATA)).state.state == "received"


def test_open_requires_subject_agency_and_matter(eng: Engine) -> None:
    """The repeated-mistake rule compares subject and matter (历城办法第十二条第（五）项)."""
    with pytest.raises(InvalidInput) as info:
        eng.open(cmd("open", "2025-06-03", subject="张三", agency="区市场监管局"))
    assert info.value.code == "input.missing_field" and info.value.details["key"] == "matter"


def test_unknown_data_key_is_refused_naming_it(eng: Engine) -> None:
    """--set KEY=VALUE must name a declared field (definition data fields)."""
    case, _ = run(eng, LICHENG_TO_FILED)
    with pytest.raises(InvalidInput) as info:
        eng.decide(case, cmd("assign_investigator", "2025-06-05", investigatr="李四"))
    assert info.value.code == "input.unknown_field"
    assert "investigatr" in info.value.message_en


def test_string_data_is_coerced_and_bad_values_name_the_key(eng: Engine) -> None:
    """days=abc is refused naming 'days' (历城办法第十七条)."""
    case, _ = run(eng, LICHENG_TO_VERIFYING)
    with pytest.raises(InvalidInput) as info:
        eng.decide(case, cmd("extend_investigation", "2025-06-20", days="abc", approved_by="赵局"))
    assert info.value.details["key"] == "days"
    with pytest.raises(InvalidInput) as info:
        eng.decide(case, cmd("extend_investigation", "2025-06-20", days="0", approved_by="赵局"))
    assert info.value.details["key"] == "days"


def test_receipt_date_after_the_step_is_invalid(eng: Engine) -> None:
    """received_on (receipt of the decision) is not after the step (历城办法第十九条)."""
    case, _ = run(
        eng,
        [
            *LICHENG_TO_VERIFYING,
            cmd("hear_statement", "2025-06-10"),
            cmd("determine", "2025-06-20", outcome="exempted", items="10.2"),
        ],
    )
    with pytest.raises(InvalidInput) as info:
        eng.decide(case, cmd("notify", "2025-06-24", received_on="2025-06-25"))
    assert info.value.details["key"] == "received_on"


def test_refusal_changes_nothing(eng: Engine) -> None:
    """A refused command leaves the case exactly as it was (历城办法第十六条 guard)."""
    case, _ = run(eng, LICHENG_TO_FILED)
    before = repr(case)
    with pytest.raises(Refused):
        eng.decide(case, cmd("start_verification", "2025-06-06"))
    assert repr(case) == before


def test_replay_rebuilds_state_from_json_events(eng: Engine) -> None:
    """Events alone (through JSON) rebuild the case (design card: replay is a gate)."""
    case, events = run(eng, [*LICHENG_TO_NOTIFIED, cmd("order_correction", "2025-07-10", days=20)])
    stored = [
        Event.from_dict(json.loads(json.dumps(e.to_dict(), ensure_ascii=False))) for e in events
    ]
    assert eng.replay(stored) == case
    assert eng.deadlines(eng.replay(stored)) == eng.deadlines(case)


def test_events_never_store_due_dates(eng: Engine) -> None:
    """Due dates are derived, so a new calendar year recomputes them (issue 2 provisional rule)."""
    _, events = run(eng, LICHENG_TO_NOTIFIED)
    assert not any("due" in e.data for e in events)


def test_due_date_follows_the_calendar_given(eng: Engine) -> None:
    """A period past the loaded years is provisional; the calendar decides (民法典第二百零三条)."""
    case, _ = run(eng, [cmd("open", "2027-02-20", **OPEN_DATA), cmd("file", "2027-02-22")])
    inv = {d.timer: d for d in eng.deadlines(case)}["investigation"]
    assert inv.provisional is True
    assert inv.due is not None and inv.due >= date(2027, 3, 24)


def test_case_is_pinned_to_its_definition_version(eng: Engine) -> None:
    """A case of another version is refused by this engine (versions are pinned)."""
    case, _ = run(eng, LICHENG_TO_FILED)
    other = case.evolve(workflow_version="2024.0")
    with pytest.raises(InvalidInput) as info:
        eng.decide(other, cmd("transfer", "2025-06-09"))
    assert info.value.code == "case.wrong_version"


# -------------------------------------------------------------------- notices (issue 5 API)
def _filed(eng: Engine) -> CaseState:
    return run(eng, LICHENG_TO_FILED)[0]


def test_next_notice_is_the_first_reminder(eng: Engine) -> None:
    """Reminder 3 working days before due falls at 00:00 CST of that day (policy)."""
    inv = {d.timer: d for d in eng.deadlines(_filed(eng))}["investigation"]
    assert inv.due == date(2025, 7, 7)
    assert inv.next_notice == "reminder:3"
    assert inv.next_notice_at == datetime(2025, 7, 2, tzinfo=CST)


def test_notices_follow_the_ladder_once_each(eng: Engine) -> None:
    """reminder:3, reminder:1, overdue, rung 1, rung 2 (+3 working days, 历城办法第十九条)."""
    case = _filed(eng)
    seen = []
    for _ in range(5):
        d = {x.timer: x for x in eng.deadlines(case)}["investigation"]
        assert d.next_notice is not None and d.next_notice_at is not None
        seen.append((d.next_notice, d.next_notice_at))
        case = eng.record_notice(
            case, "investigation", d.next_notice, d.next_notice_at.date()
        ).state
    assert seen == [
        ("reminder:3", datetime(2025, 7, 2, tzinfo=CST)),
        ("reminder:1", datetime(2025, 7, 4, tzinfo=CST)),
        ("overdue", datetime(2025, 7, 8, tzinfo=CST)),
        ("escalation:1", datetime(2025, 7, 8, tzinfo=CST)),
        ("escalation:2", datetime(2025, 7, 11, tzinfo=CST)),
    ]
    last = {x.timer: x for x in eng.deadlines(case)}["investigation"]
    assert last.status == "overdue" and last.next_notice is None


def test_a_notice_does_not_block_recording_an_earlier_step(eng: Engine) -> None:
    """A system notice is not a step: after the sweep marks the investigation overdue on
    07-08, a step that happened on 07-07 can still be recorded (历城办法第十四条 — the steps
    keep their own order; the notice stays in the log)."""
    case = eng.record_notice(_filed(eng), "investigation", "overdue", date(2025, 7, 8)).state
    assert case.last_on == date(2025, 6, 5)
    d = eng.decide(case, cmd("assign_investigator", "2025-07-07", investigator="李明"))
    assert d.state.facts["investigators"] == ["李明"]
    with pytest.raises(Refused) as info:
        eng.decide(d.state, cmd("assign_investigator", "2025-07-06", investigator="赵芳"))
    assert info.value.code == "case.date_before_previous_step"


def test_duplicate_notice_is_refused(eng: Engine) -> None:
    """The sweeper records each notice exactly once."""
    case = eng.record_notice(_filed(eng), "investigation", "reminder:3", date(2025, 7, 2)).state
    with pytest.raises(Refused) as info:
        eng.record_notice(case, "investigation", "reminder:3", date(2025, 7, 2))
    assert info.value.code == "notice.duplicate"


def test_escalation_event_names_the_body(eng: Engine) -> None:
    """Rung 2 goes to the district government, the body's reporting line (历城办法第十九条)."""
    d = eng.record_notice(_filed(eng), "investigation", "escalation:2", date(2025, 7, 11))
    ev = d.events[0]
    assert ev.type == "DeadlineEscalated" and ev.data["to"] == "区政府"
    assert ev.article == "历城办法第十九条" and ev.data["basis"] == "policy"


def test_no_notice_for_a_met_or_paused_timer(eng: Engine) -> None:
    """Met, cancelled and paused timers owe nothing (历城办法第十六条 pause)."""
    case = run(eng, [*LICHENG_TO_VERIFYING, cmd("pause_clock", "2025-06-10")])[0]
    by = {x.timer: x for x in eng.deadlines(case)}
    assert by["filing"].next_notice is None and by["investigation"].next_notice is None
    with pytest.raises(Refused) as info:
        eng.record_notice(case, "filing", "overdue", date(2025, 6, 11))
    assert info.value.code == "notice.timer_not_running"


def test_expire_of_an_escalate_only_timer_returns_none(eng: Engine) -> None:
    """Only timers with `fire:` act on expiry; the rest escalate via notices."""
    assert eng.expire(_filed(eng), "investigation", date(2025, 7, 8)) is None


def test_allowed_triggers_follow_the_state(eng: Engine) -> None:
    """What may be done in `verifying` (历城办法第十六条、第十七条)."""
    case = run(eng, LICHENG_TO_VERIFYING)[0]
    assert set(eng.allowed_triggers(case)) == {
        "assign_investigator",
        "recuse",
        "pause_clock",
        "resume_clock",
        "extend_investigation",
        "hear_statement",
        "hold_hearing",
        "determine",
        # 历城办法第二十二条: reports, their feedback and explanations
        "record_report",
        "feedback_reporter",
        "explain_report_in_scope",
    }


def test_shipped_calendar_is_used(eng: Engine) -> None:
    """The helpers load the shipped State Council calendars."""
    assert 2025 in shipped_calendar().loaded_years


def test_what_a_writer_must_store_after_a_notice_a_pause_and_an_extension(eng: Engine) -> None:
    """``deadline_changes``: a notice moves only the investigation's next notice (its basis —
    历城办法第十七条's 30 days from filing — is the same), a pause (第十六条) or an extension
    (第十七条) changes the basis, and untouched timers are not written at all."""
    case = _filed(eng)
    before = eng.deadlines(case)
    after = eng.record_notice(case, "investigation", "reminder:3", date(2025, 7, 2))
    whole, moved = deadline_changes(before, after.deadlines)
    assert whole == [] and [d.timer for d in moved] == ["investigation"]
    assert moved[0].next_notice == "reminder:1"
    assert whole + moved != list(after.deadlines)  # the filing timer is left alone

    verifying = run(eng, LICHENG_TO_VERIFYING)[0]
    paused = eng.decide(verifying, cmd("pause_clock", "2025-06-10"))
    whole, moved = deadline_changes(eng.deadlines(verifying), paused.deadlines)
    assert [d.timer for d in whole] == ["investigation"] and moved == []
    extended = eng.decide(verifying, cmd("extend_investigation", "2025-06-20", days="30",
                                         approved_by="赵局"))
    whole, moved = deadline_changes(eng.deadlines(verifying), extended.deadlines)
    assert [d.timer for d in whole] == ["investigation"] and moved == []
    assert whole[0].due != next(d.due for d in eng.deadlines(verifying)
                                if d.timer == "investigation")


def test_a_deadline_without_a_basis_key_or_new_is_always_written_whole() -> None:
    def dl(timer: str, key: object, nxt: str | None = None) -> Deadline:
        return Deadline(timer, "running", date(2025, 7, 7), False, {}, date(2025, 6, 5),
                        next_notice=nxt, basis_key=key)

    old = [dl("a", None), dl("b", (1,)), dl("c", (1,), "overdue")]
    new = [dl("a", None), dl("b", (1,)), dl("c", (1,), "escalation:1"), dl("d", (1,))]
    whole, moved = deadline_changes(old, new)
    assert [d.timer for d in whole] == ["a", "d"]  # unknown basis; a timer the rows lack
    assert [d.timer for d in moved] == ["c"]  # "b" is equal in every stored column
