"""Names and small helpers every part of the engine shares (no engine logic here)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rongcuo.domain.case import TimerState

__all__ = [
    "ACCESS_TRIGGER",
    "ACCESS_TYPE",
    "ACTIVE",
    "NEW",
    "NOTICE_TRIGGER",
    "NOTICE_TYPES",
    "DueFor",
    "as_date",
    "is_active",
    "jsonable",
]

NEW = "_new"  # the machine's pseudo-state before a case is opened
NOTICE_TRIGGER = "notice"  # the trigger of every scheduler notice event
# the trigger of a record of access to confidential data kept outside the events (a
# reporter's identity revealed): not a step of the procedure, the case does not change
ACCESS_TRIGGER = "access"
ACCESS_TYPE = "ReporterRevealed"
ACTIVE = frozenset({"running", "overdue", "paused"})
NOTICE_TYPES = {
    "reminder": "ReminderRecorded",
    "overdue": "DeadlineOverdue",
    "escalation": "DeadlineEscalated",
}

DueFor = Callable[[str], date | None]
"""The running due date of a case's timer by name (None: paused, stopped or absent)."""


def jsonable(v: Any) -> Any:
    """A coerced value as event data holds it: dates as ISO text, tuples as lists."""
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, tuple | list):
        return [jsonable(x) for x in v]
    return v


def as_date(v: Any) -> date:
    """A date, or the ISO text event data stores it as."""
    return v if isinstance(v, date) else date.fromisoformat(str(v))


def is_active(t: TimerState) -> bool:
    """Still counting (running, paused, or overdue but not yet stopped)."""
    return t.status in ACTIVE and t.stopped_on is None
