"""Random commands at random dates against every shipped definition (hypothesis, stateful).

One state machine per definition version in ``workflows/`` (Licheng, Banan and its archived
version, the tolerance family — Baiyintala, Pu County, the generic procedure with an adopter's
notice period drawn at random): every refused command names its rule (a stable code,
bilingual message) and changes nothing; replaying the accepted events (through JSON) rebuilds
the same state and the same deadlines — also when some of them are corrections (issue 15:
amend, void, withdraw), and when steps and notices follow a correction; a case is closed
exactly in a final state (or withdrawn).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from rongcuo import paths
from rongcuo.definitions import load_definitions
from rongcuo.definitions.catalogues import load_catalogues
from rongcuo.domain.case import CaseState, Command, Event
from rongcuo.domain.engine import Engine
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.domain.rules import RULES
from rongcuo.domain.workflow.model import WorkflowDefinition
from rongcuo.testing.workflows import OPEN_DATA, shipped_calendar

REGISTRY = load_definitions(paths.workflows_dir())
# the evaluation standards a computed score reads (pu_casefile_evaluation's `score`)
CONTEXT = {"catalogues": load_catalogues(paths.workflows_dir())}
PEOPLE = ["李四", "王五", "赵六"]
SIDE_EXITS = {"transfer", "lapse", "recuse"}  # left to fire_any, so cases also reach the end
REFUSAL_CODES = {
    "case.wrong_state",
    "case.closed",
    "case.date_before_previous_step",
    "guard.min_investigators",
    "guard.min_count",
    "guard.investigator_recused",
    "guard.investigator_already_assigned",
    "guard.investigator_not_assigned",
    "guard.statement_before_determination",
    "guard.exclusion_forbids_tolerance",
    "guard.repeated_mistake",
    "guard.items_match_outcome",
    "guard.conditions_not_met",
    "guard.outcome",
    "guard.fact",
    "guard.data_not_allowed",
    "guard.fact_required_when",
    "guard.any_of",
    "guard.window_open",
    "guard.timer_not_expired",
    "guard.correction_owed",
    "timer.window_closed",
    "timer.extension_limit",
    "timer.not_paused",
    "timer.already_paused",
    "timer.not_running",
    "timer.already_ended",
    "timer.pause_overlap",
    # corrections (issue 15)
    "case.withdrawn",
    "correction.already_voided",
    "correction.opening_void",
    "correction.opening_identity",
    "correction.breaks_later_step",
    "correction.dependent_step",
    "correction.route_changed",
    "correction.withdraw_closed",
    "guard.timer_days_limit",
    "notice.duplicate",
    "notice.timer_not_running",
    # reports (历城办法第二十二条): a number reused, feedback to a report the case lacks or of
    # the other kind (容错免责 without an exemption is guard.fact_required_when, above)
    "guard.record",
}
RULE_CODES = {c.split("/")[0] for r in RULES.values() for c in r.refuses}
TODAY = date(2031, 1, 1)


def _data(definition: WorkflowDefinition, trigger: str, on: date, draw: Any) -> dict[str, Any]:
    fields = definition.triggers[trigger].data
    items = sorted(f"{a}.{i}" for a, art in definition.catalogue.items() for i in art.items)
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
            pool = items
            if "outcome" in out and draw(st.integers(0, 3)):  # mostly items that fit the outcome
                arts = definition.outcomes[out["outcome"]].articles
                pool = [i for i in items if i.partition(".")[0] in arts] or items
            out[key] = ",".join(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3)))
        else:
            out[key] = draw(st.sampled_from(["甲", "乙"]))
    return out


class Cases(RuleBasedStateMachine):
    """Cases of one definition version (``ENGINE``, set by :func:`machine_for`)."""

    ENGINE: Engine
    case: CaseState
    events: list[Event]

    @initialize(start=st.dates(min_value=date(2025, 3, 1), max_value=date(2026, 10, 31)),
                notice_days=st.integers(min_value=1, max_value=30), data=st.data())
    def open_case(self, start: date, notice_days: int, data: st.DataObject) -> None:
        eng = self.ENGINE
        opener = eng.definition.open_trigger
        payload = {**_data(eng.definition, opener.name, start, data.draw), **OPEN_DATA}
        payload = {k: v for k, v in payload.items() if k in opener.data}
        if "applicant" in opener.data:  # the tolerance family: an application names its applicant
            payload["applicant"] = "张三"
        # the generic procedure's blank notice period (通用办法第十四条), as its adopter sets it
        context = {"adopter_parameters": {p.name: notice_days
                                           for p in eng.definition.adopter_parameters}}
        decision = eng.open(Command(opener.name, start, "tester", payload), context)
        self.case = decision.state
        self.events = list(decision.events)

    def _attempt(self, do: Any) -> None:
        before = self.case
        snapshot = repr(before)
        try:
            decision = do()
        except Refused as err:
            # a refusal names a rule: one of the codes above, or one a registered guard rule
            # declares it refuses with (the procedures' own rules)
            assert err.code in REFUSAL_CODES | RULE_CODES, err.code
            assert err.message_zh and err.message_en
            assert repr(self.case) == snapshot and self.case is before
            return
        except InvalidInput as err:
            # scoring.*: what an evaluation standard cannot hold (蒲县评查制度附件3、附件4)
            assert err.code.startswith(("input.", "correction.", "scoring.")), err.code
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
        payload = _data(self.ENGINE.definition, trigger, on, data.draw)
        self._attempt(
            lambda: self.ENGINE.decide(self.case, Command(trigger, on, "tester", payload),
                                       CONTEXT))

    def _step_seqs(self) -> list[int]:
        triggers = self.ENGINE.definition.triggers
        return [i for i, e in enumerate(self.events, 1) if e.trigger in triggers]

    @rule(shift=st.integers(min_value=-3, max_value=3), data=st.data())
    def amend(self, shift: int, data: st.DataObject) -> None:
        """更正 a random step: its date moved a little, and/or new data for its fields."""
        seq = data.draw(st.sampled_from(self._step_seqs()))
        ev = self.events[seq - 1]
        sets = (_data(self.ENGINE.definition, ev.trigger, ev.on, data.draw)
                if data.draw(st.booleans()) else {})
        on = ev.on + timedelta(days=shift) if shift or not sets else None
        self._attempt(lambda: self.ENGINE.amend(
            self.events, seq, on=on, sets=sets, actor="复核人", reason="录入有误",
            approved_by=None, today=TODAY))

    @rule(data=st.data())
    def void(self, data: st.DataObject) -> None:
        """撤销 a random step (refused while a later step depends on it), mostly a recent one."""
        seqs = self._step_seqs()
        seq = data.draw(st.sampled_from(seqs[-2:] if data.draw(st.booleans()) else seqs))
        self._attempt(lambda: self.ENGINE.void(self.events, seq, actor="复核人", reason="未发生",
                                          approved_by=None, today=TODAY))

    @rule(step=st.integers(min_value=0, max_value=5), often=st.integers(min_value=0, max_value=4))
    def withdraw(self, step: int, often: int) -> None:
        """误录撤回 (one draw in five: a withdrawn case takes no more steps)."""
        if often:
            return
        assert self.case.last_on is not None
        on = self.case.last_on + timedelta(days=step)
        self._attempt(lambda: self.ENGINE.withdraw(self.events, on=on, actor="复核人",
                                              reason="误录", approved_by=None))

    @rule(step=st.integers(min_value=-2, max_value=25), data=st.data())
    def fire_any(self, step: int, data: st.DataObject) -> None:
        """Any trigger, any date (mostly refused)."""
        triggers = sorted(t for t, spec in self.ENGINE.definition.triggers.items()
                          if not spec.opens)
        self._fire(data.draw(st.sampled_from(triggers)), step, data)

    @rule(step=st.integers(min_value=0, max_value=6), data=st.data())
    def fire_allowed(self, step: int, data: st.DataObject) -> None:
        """A trigger open in the current state, soon after the last step (drives cases deep)."""
        allowed = [t for t in self.ENGINE.allowed_triggers(self.case) if t not in SIDE_EXITS]
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
        for d in self.ENGINE.deadlines(self.case):
            if d.next_notice and d.next_notice_at and d.next_notice_at.date() <= on:
                self._attempt(
                    lambda d=d: self.ENGINE.record_notice(self.case, d.timer, d.next_notice, on)
                )
                return
            if d.due is not None and on > d.due:
                self._attempt(lambda d=d: self.ENGINE.expire(self.case, d.timer, on))
                return

    @invariant()
    def replay_rebuilds_state_and_timers(self) -> None:
        stored = [
            Event.from_dict(json.loads(json.dumps(e.to_dict(), ensure_ascii=False)))
            for e in self.events
        ]
        rebuilt = self.ENGINE.replay(stored)
        assert rebuilt == self.case
        assert self.ENGINE.deadlines(rebuilt) == self.ENGINE.deadlines(self.case)

    @invariant()
    def closed_only_in_final_states(self) -> None:
        assert self.case.closed == (self.ENGINE.definition.states[self.case.state].final
                                    or self.case.withdrawn)
        if self.case.closed:
            assert self.ENGINE.allowed_triggers(self.case) == []


def machine_for(definition: WorkflowDefinition) -> type[Cases]:
    """The state machine of one definition version, with its own test case settings."""
    engine = Engine(definition, shipped_calendar())
    name = f"{definition.id}_{definition.version}".replace(".", "_").replace("-", "_")
    cls = type(f"Cases_{name}", (Cases,), {"ENGINE": engine})
    # Licheng, the reference procedure, gets the most examples; the others share the budget
    # of two cores (CI prints the time; no assertion is timed)
    many = definition.id == "licheng"
    cls.TestCase.settings = settings(
        max_examples=60 if many else 25,
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    return cls


MACHINES = {(d.id, d.version): machine_for(d) for d in REGISTRY}
for _cls in MACHINES.values():
    globals()[f"Test{_cls.__name__}"] = _cls.TestCase


def test_every_shipped_definition_has_a_state_machine() -> None:
    """The stateful test covers each definition version shipped (archives included), not
    only Licheng's: each machine runs its own definition's engine."""
    assert set(MACHINES) == {(d.id, d.version) for d in REGISTRY}
    assert {"licheng", "banan", "baiyintala", "pu_tolerance", "generic"} <= {
        i for i, _ in MACHINES}
    for key, cls in MACHINES.items():
        assert cls.ENGINE.definition.key == key
        assert f"Test{cls.__name__}" in globals()
