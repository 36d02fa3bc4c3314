"""Test helpers for workflow definitions and the case engine (shipped like structlog.testing).

Other parts' tests (store, scheduler, audit) can drive a Licheng or Banan case with these
instead of re-typing the steps::

    eng = licheng_engine()
    state, events = run(eng, LICHENG_TO_VERIFYING)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from rongcuo import paths
from rongcuo.calendars import load_calendar
from rongcuo.definitions import load_definitions
from rongcuo.domain.calendar import WorkCalendar
from rongcuo.domain.case import CaseState, Command, Event
from rongcuo.domain.engine import Engine
from rongcuo.domain.workflow.model import WorkflowDefinition


@lru_cache(maxsize=1)
def shipped_calendar() -> WorkCalendar:
    """The calendar years shipped in ``workflows/calendars`` (never the operator's imports)."""
    return load_calendar([paths.shipped_calendars_dir()])


@lru_cache(maxsize=8)
def shipped_definition(workflow_id: str, version: str | None = None) -> WorkflowDefinition:
    return load_definitions(paths.workflows_dir()).get(workflow_id, version)


def licheng_engine(calendar: WorkCalendar | None = None) -> Engine:
    return Engine(shipped_definition("licheng"), calendar or shipped_calendar())


def banan_engine(calendar: WorkCalendar | None = None) -> Engine:
    return Engine(shipped_definition("banan"), calendar or shipped_calendar())


def cmd(trigger: str, on: str | date, actor: str = "tester", **data: Any) -> Command:
    """A command; ``on`` may be an ISO date string."""
    day = on if isinstance(on, date) else date.fromisoformat(on)
    return Command(trigger=trigger, on=day, actor=actor, data=data)


def run(
    engine: Engine,
    commands: Iterable[Command],
    case: CaseState | None = None,
    context: Mapping[str, Any] | None = None,
) -> tuple[CaseState, list[Event]]:
    """Open (if ``case`` is None) and decide each command in turn; return state and events."""
    events: list[Event] = []
    for c in commands:
        decision = engine.open(c, context) if case is None else engine.decide(case, c, context)
        case = decision.state
        events.extend(decision.events)
    assert case is not None
    return case, events


OPEN_DATA = {"subject": "张三", "agency": "区市场监管局", "matter": "食品经营许可"}

LICHENG_TO_FILED: Sequence[Command] = (
    cmd("open", "2025-06-03", **OPEN_DATA),
    cmd("file", "2025-06-05"),
)
LICHENG_TO_VERIFYING: Sequence[Command] = (
    *LICHENG_TO_FILED,
    cmd("assign_investigator", "2025-06-05", investigator="李四"),
    cmd("assign_investigator", "2025-06-05", investigator="王五"),
    cmd("start_verification", "2025-06-06"),
)
LICHENG_TO_DETERMINED: Sequence[Command] = (
    *LICHENG_TO_VERIFYING,
    cmd("hear_statement", "2025-06-10"),
    cmd("determine", "2025-06-20", outcome="exempted", items="10.2"),
)
LICHENG_TO_NOTIFIED: Sequence[Command] = (
    *LICHENG_TO_DETERMINED,
    cmd("notify", "2025-06-24", received_on="2025-06-23"),
)
