"""The reading of a corrected log (issue 15), on the Licheng definition: which events stand,
how corrections link, and what becomes of a notice a correction made untrue."""

from __future__ import annotations

from datetime import date

import pytest

from rongcuo.domain.case import Command, Event
from rongcuo.domain.corrections import AMEND, VOID, effective_history, links
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.testing.workflows import OPEN_DATA, licheng_engine

ENGINE = licheng_engine()
TODAY = date(2026, 6, 1)


def _walk(*steps: tuple[str, date, dict[str, str]]) -> list[Event]:
    d = ENGINE.open(Command("open", date(2025, 9, 26), "科员", dict(OPEN_DATA)))
    state, events = d.state, list(d.events)
    for trigger, on, data in steps:
        d = ENGINE.decide(state, Command(trigger, on, "科员", data))
        state = d.state
        events.extend(d.events)
    return events


def _filed() -> list[Event]:
    return _walk(("file", date(2025, 9, 29), {}))


def test_effective_history_replaces_amended_and_skips_voided_steps() -> None:
    events = _walk(("file", date(2025, 9, 29), {}),
                   ("assign_investigator", date(2025, 9, 30), {"investigator": "李明"}),
                   ("assign_investigator", date(2025, 9, 30), {"investigator": "赵芳"}))
    d = ENGINE.amend(events, 3, on=None, sets={"investigator": "李敏"}, actor="复核",
                     reason="姓名", approved_by=None, today=TODAY)
    events += list(d.events)
    d = ENGINE.void(events, 4, actor="复核", reason="未指派", approved_by=None, today=TODAY)
    events += list(d.events)
    eff = effective_history(events)
    assert [i.seq for i in eff] == [1, 2, 3]
    assert eff[2].event.data["investigator"] == "李敏" and eff[2].amended_by == 5
    assert d.state.facts["investigators"] == ["李敏"] == ENGINE.replay(events).facts[
        "investigators"]
    linked = links([(i, e.trigger, e.data) for i, e in enumerate(events, 1)])
    assert dict(linked.superseded_by) == {3: 5} and dict(linked.voided_by) == {4: 6}
    assert [e.trigger for e in events[4:]] == [AMEND, VOID]


def test_an_overdue_mark_a_correction_made_untrue_is_dropped_and_owed_again() -> None:
    """The investigation period (art. 17, 30 days from the filing) was marked overdue on
    2025-10-30 for a filing recorded on 2025-09-29; the filing was really on 2025-10-09, so the
    period runs to 2025-11-08 → the mark no longer stands and is owed again after that day."""
    events = _filed()
    state = ENGINE.replay(events)
    d = ENGINE.record_notice(state, "investigation", "overdue", date(2025, 10, 30))
    events += list(d.events)
    assert d.state.timers["investigation"].status == "overdue"
    d = ENGINE.amend(events, 2, on=date(2025, 10, 9), sets={}, actor="复核", reason="立案日期",
                     approved_by=None, today=TODAY)
    t = d.state.timers["investigation"]
    assert t.status == "running" and "overdue" not in t.notices
    due = {x.timer: x for x in d.deadlines}["investigation"]
    assert due.due is not None and due.due > date(2025, 10, 30)
    assert ENGINE.replay([*events, *d.events]) == d.state


def test_a_mark_recorded_after_the_correction_is_kept() -> None:
    events = _filed()
    d = ENGINE.amend(events, 2, on=date(2025, 9, 28), sets={}, actor="复核", reason="日期",
                     approved_by=None, today=TODAY)
    events += list(d.events)
    d = ENGINE.record_notice(d.state, "investigation", "overdue", date(2025, 11, 1))
    events += list(d.events)
    assert ENGINE.replay(events) == d.state
    assert d.state.timers["investigation"].status == "overdue"


@pytest.mark.parametrize(("seq", "code"), [(0, "correction.unknown_seq"),
                                           (3, "correction.unknown_seq")])
def test_a_seq_outside_the_log_is_refused(seq: int, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        ENGINE.void(_filed(), seq, actor="复核", reason="x", approved_by=None, today=TODAY)
    assert err.value.code == code and str(seq) in err.value.message_zh


def test_a_notice_is_not_a_step_and_the_withdrawn_case_takes_nothing() -> None:
    events = _filed()
    d = ENGINE.record_notice(ENGINE.replay(events), "investigation", "overdue",
                             date(2025, 10, 30))
    events += list(d.events)
    with pytest.raises(InvalidInput) as err:
        ENGINE.void(events, 3, actor="复核", reason="x", approved_by=None, today=TODAY)
    assert err.value.code == "correction.not_a_step"
    d = ENGINE.withdraw(events, on=date(2025, 11, 1), actor="复核", reason="误录",
                        approved_by=None)
    events += list(d.events)
    assert d.state.withdrawn and d.state.closed and d.state.state == "filed"
    assert {n: t.status for n, t in d.state.timers.items()} == {"filing": "met",
                                                              "investigation": "cancelled"}
    assert not any(x.next_notice for x in d.deadlines)
    with pytest.raises(Refused) as refused:
        ENGINE.decide(d.state, Command("assign_investigator", date(2025, 11, 2), "科员",
                                       {"investigator": "李明"}))
    assert refused.value.code == "case.withdrawn"
