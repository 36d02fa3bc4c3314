"""Random commands at random dates against the Licheng definition (hypothesis, stateful).

Every refused command names its rule (a stable code, bilingual message) and changes nothing;
replaying the accepted events (through JSON) rebuilds the same state and the same deadlines.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from rongcuo.domain.case import CaseState, Command, Event
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.testing.workflows import OPEN_DATA, licheng_engine

ENGINE = licheng_engine()
DEF = ENGINE.definition
TRIGGERS = sorted(t for t, spec in DEF.triggers.items() if not spec.opens)
ITEMS = sorted(f"{a}.{i}" for a, art in DEF.catalogue.items() for i in art.items)
PEOPLE = ["李四", "王五", "赵六"]
SIDE_EXITS = {"transfer", "lapse", "recuse"}  # left to fire_any, so cases also reach the end
REFUSAL_CODES = {
    "case.wrong_state",
    "case.closed",
    "case.date_before_previous_step",
    "guard.min_investigators",
    "guard.investigator_recused",
    "guard.investigator_already_assigned",
    "guard.investigator_not_assigned",
    "guard.statement_before_determination",
    "guard.exclusion_forbids_tolerance",
    "guard.repeated_mistake",
    "guard.items_match_outcome",
    "guard.window_open",
    "guard.timer_not_expired",
    "guard.correction_owed",
    "timer.window_closed",
    "timer.extension_limit",
    "timer.not_paused",
    "timer.already_paused",
    "timer.not_running",
    "timer.already_ended",
    "notice.duplicate",
    "notice.timer_not_running",
    # reports (历城办法第二十二条): a real-name report without its reporter, a number reused,
    # feedback to a report the case lacks or of the other kind, 容错免责 without an exemption
    "guard.required_when",
    "guard.record",
}


def _data(trigger: str, on: date, draw: Any) -> dict[str, Any]:
    fields = DEF.triggers[trigger].data
    out: dict[str, Any] = {}
    for key, f in fields.items():
        if not f.required and draw(st.booleans()):
            continue
        if key == "investigator":
            out[key] = draw(st.sampled_from(PEOPLE))
        elif f.type == "int":
            out[key] = str(draw(st.integers(min_value=1, max_value=40)))
        elif f.type == "date":
            delta = draw(st.integers(min_value=-5, max_value=30))
            out[key] = (
                on + timedelta(days=-abs(delta) if key.endswith("_on") else delta)
            ).isoformat()
        elif f.type == "enum":
            out[key] = draw(st.sampled_from(f.values))
        elif f.type == "bool":
            out[key] = draw(st.sampled_from(["true", "false"]))
        elif f.type == "items":
            pool = ITEMS
            if "outcome" in out and draw(st.integers(0, 3)):  # mostly items that fit the outcome
                arts = DEF.outcomes[out["outcome"]].articles
                pool = [i for i in ITEMS if i.partition(".")[0] in arts]
            out[key] = ",".join(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3)))
        else:
            out[key] = draw(st.sampled_from(["甲", "乙"]))
    return out


class LichengCases(RuleBasedStateMachine):
    case: CaseState
    events: list[Event]

    @initialize(start=st.dates(min_value=date(2025, 3, 1), max_value=date(2026, 10, 31)))
    def open_case(self, start: date) -> None:
        decision = ENGINE.open(Command("open", start, "tester", dict(OPEN_DATA)))
        self.case = decision.state
        self.events = list(decision.events)

    def _attempt(self, do: Any) -> None:
        before = self.case
        snapshot = repr(before)
        try:
            decision = do()
        except Refused as err:
            assert err.code in REFUSAL_CODES, err.code
            assert err.message_zh and err.message_en
            assert repr(self.case) == snapshot and self.case is before
            return
        except InvalidInput as err:
            assert err.code.startswith("input."), err.code
            assert repr(self.case) == snapshot
            return
        if decision is None:
            return
        assert decision.events
        self.case = decision.state
        self.events.extend(decision.events)

    def _fire(self, trigger: str, step: int, data: st.DataObject) -> None:
        assert self.case.last_on is not None
        on = self.case.last_on + timedelta(days=step)
        payload = _data(trigger, on, data.draw)
        self._attempt(lambda: ENGINE.decide(self.case, Command(trigger, on, "tester", payload)))

    @rule(
        trigger=st.sampled_from(TRIGGERS),
        step=st.integers(min_value=-2, max_value=25),
        data=st.data(),
    )
    def fire_any(self, trigger: str, step: int, data: st.DataObject) -> None:
        """Any trigger, any date (mostly refused)."""
        self._fire(trigger, step, data)

    @rule(step=st.integers(min_value=0, max_value=6), data=st.data())
    def fire_allowed(self, step: int, data: st.DataObject) -> None:
        """A trigger open in the current state, soon after the last step (drives cases deep)."""
        allowed = [t for t in ENGINE.allowed_triggers(self.case) if t not in SIDE_EXITS]
        if allowed:
            self._fire(data.draw(st.sampled_from(allowed)), step, data)

    @rule(step=st.integers(min_value=0, max_value=3), data=st.data())
    def fire_allowed_again(self, step: int, data: st.DataObject) -> None:
        """Same as fire_allowed (a second rule doubles its weight)."""
        self.fire_allowed(step, data)

    @rule(step=st.integers(min_value=0, max_value=40))
    def sweep(self, step: int) -> None:
        """What the scheduler does: record the next notice owed, or expire."""
        assert self.case.last_on is not None
        on = self.case.last_on + timedelta(days=step)
        for d in ENGINE.deadlines(self.case):
            if d.next_notice and d.next_notice_at and d.next_notice_at.date() <= on:
                self._attempt(
                    lambda d=d: ENGINE.record_notice(self.case, d.timer, d.next_notice, on)
                )
                return
            if d.due is not None and on > d.due:
                self._attempt(lambda d=d: ENGINE.expire(self.case, d.timer, on))
                return

    @invariant()
    def replay_rebuilds_state_and_timers(self) -> None:
        stored = [
            Event.from_dict(json.loads(json.dumps(e.to_dict(), ensure_ascii=False)))
            for e in self.events
        ]
        rebuilt = ENGINE.replay(stored)
        assert rebuilt == self.case
        assert ENGINE.deadlines(rebuilt) == ENGINE.deadlines(self.case)

    @invariant()
    def closed_only_in_final_states(self) -> None:
        assert self.case.closed == DEF.states[self.case.state].final
        if self.case.closed:
            assert ENGINE.allowed_triggers(self.case) == []


LichengCases.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLichengCases = LichengCases.TestCase
