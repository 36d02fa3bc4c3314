"""The value types of a case: commands in, events and state out.

These types are the contract between the engine (``rongcuo.domain.engine``), the store
(``rongcuo.adapters``), the scheduler and the auditors.  They are frozen and JSON-friendly:
``to_dict``/``from_dict`` round-trip exactly, so a case can be rebuilt from its events alone.

Naming: commands are imperative (``fire("extend_investigation")``), events are past tense
(``InvestigationExtended``) — the engine chooses the event ``type`` from the definition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal, Protocol

TimerStatus = Literal["running", "paused", "met", "overdue", "cancelled"]
"""Contract values of ``deadlines[].status`` (issue 4)."""


@dataclass(frozen=True)
class Command:
    """A request to fire ``trigger`` on a case.

    ``on`` is the business date the step happened (a legal date in CST); ``actor`` is who
    records it; ``data`` is the step's data (``--set KEY=VALUE``), values already parsed.
    """

    trigger: str
    on: date
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """One fact in a case's log, as the engine decides it (before storage adds seq/hash).

    ``trigger`` is what was fired (or a system trigger such as ``timer.overdue``), ``type``
    the past-tense event name, ``article`` the legal basis cited, ``data`` everything needed
    to re-apply the event without consulting anything but the definition and the calendar.
    """

    trigger: str
    type: str
    on: date
    actor: str
    article: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "trigger": self.trigger,
            "type": self.type,
            "on": self.on.isoformat(),
            "actor": self.actor,
            "article": self.article,
            "data": dict(self.data),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Event:
        return cls(
            trigger=d["trigger"],
            type=d["type"],
            on=date.fromisoformat(d["on"]),
            actor=d["actor"],
            article=d["article"],
            data=dict(d.get("data") or {}),
        )


@dataclass(frozen=True)
class Pause:
    """An inclusive date interval during which a period does not run (Licheng art. 16)."""

    start: date
    end: date

    def to_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class Extension:
    """Days added to a running period (Licheng art. 17, art. 20)."""

    days: int
    on: date
    approved_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"days": self.days, "on": self.on.isoformat(), "approved_by": self.approved_by}


@dataclass(frozen=True)
class TimerState:
    """A legal period running (or stopped) on a case.

    The due date is never stored here: it is derived from ``started_on``, the timer's period
    rule in the definition, ``pauses``, ``extensions`` and the calendar — so loading a new
    calendar year recomputes every provisional date.  ``paused_since`` is set while the clock
    is stopped (an open pause); ``status`` follows :data:`TimerStatus`.
    ``notices`` counts reminders/overdue/escalation rungs already recorded (by key), so the
    sweeper records each exactly once.
    """

    name: str
    started_on: date
    status: TimerStatus = "running"
    pauses: tuple[Pause, ...] = ()
    paused_since: date | None = None
    extensions: tuple[Extension, ...] = ()
    stopped_on: date | None = None
    # an explicit due date given by a step (order_correction due=DATE)
    due_override: date | None = None
    notices: tuple[str, ...] = ()

    def evolve(self, **changes: Any) -> TimerState:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "started_on": self.started_on.isoformat(),
            "status": self.status,
            "pauses": [p.to_dict() for p in self.pauses],
            "paused_since": self.paused_since.isoformat() if self.paused_since else None,
            "extensions": [e.to_dict() for e in self.extensions],
            "stopped_on": self.stopped_on.isoformat() if self.stopped_on else None,
            "due_override": self.due_override.isoformat() if self.due_override else None,
            "notices": list(self.notices),
        }


@dataclass(frozen=True)
class CaseState:
    """Everything the engine needs to decide the next step of one case.

    ``facts`` holds what guards read (investigators, recusals, statement heard, outcome,
    received dates, …) as JSON-friendly values.  ``last_on`` is the business date of the
    latest event: no step may be recorded before it.  ``closed`` is true in a final state.
    ``withdrawn`` is true for a case closed as opened by mistake (误录撤回,
    :mod:`rongcuo.domain.corrections`): it is closed too, and leaves every list and sweep.
    """

    workflow_id: str
    workflow_version: str
    state: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    timers: Mapping[str, TimerState] = field(default_factory=dict)
    last_on: date | None = None
    closed: bool = False
    withdrawn: bool = False

    def evolve(self, **changes: Any) -> CaseState:
        return replace(self, **changes)


@dataclass(frozen=True)
class Deadline:
    """A timer projected for storage and display: one row of the ``deadlines`` table."""

    timer: str
    status: TimerStatus
    due: date | None  # None while paused (the date is set again when the clock resumes)
    provisional: bool
    basis: Mapping[str, Any]
    started_on: date
    label_zh: str = ""
    label_en: str = ""
    # The next reminder / overdue mark / escalation rung the scheduler owes this deadline, and
    # the instant (aware, CST) it falls due; None when nothing more is owed (met, cancelled,
    # paused, or every rung recorded).  Keys: "reminder:<n>", "overdue", "escalation:<rung>".
    next_notice: str | None = None
    next_notice_at: datetime | None = None
    # What ``basis`` is a function of (the timer's start, pauses, extensions, given due date
    # and per-case days), set by the engine; two projections of one timer with equal keys have
    # equal bases, so a writer can leave the stored basis alone (see :func:`deadline_changes`).
    # None: unknown, always rewrite.  Not part of equality, of ``to_dict`` or of storage.
    basis_key: Any = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "timer": self.timer,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "provisional": self.provisional,
            "started_on": self.started_on.isoformat(),
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "basis": dict(self.basis),
            "next_notice": self.next_notice,
            "next_notice_at": self.next_notice_at.isoformat() if self.next_notice_at else None,
        }


def deadline_changes(
    before: Sequence[Deadline], after: Sequence[Deadline]
) -> tuple[list[Deadline], list[Deadline]]:
    """What a writer must store of ``after`` when ``before`` is what the rows already hold.

    Returns ``(whole, moved)``: ``whole`` are rows to write in full (new timers, or a basis
    that may have changed); ``moved`` are rows whose basis is provably the same (equal
    :attr:`Deadline.basis_key`) but whose status, due date or next notice moved — the
    sweep's usual case after a reminder, an overdue mark or a rung.  A deadline equal in
    every stored column to its ``before`` is in neither: there is nothing to write.
    """
    old = {d.timer: d for d in before}
    whole: list[Deadline] = []
    moved: list[Deadline] = []
    for d in after:
        b = old.get(d.timer)
        if b is d:
            continue
        if b is None or d.basis_key is None or b.basis_key != d.basis_key:
            whole.append(d)
        elif (b.status, b.due, b.provisional, b.next_notice, b.next_notice_at) != (
            d.status, d.due, d.provisional, d.next_notice, d.next_notice_at
        ):
            moved.append(d)
    return whole, moved


@dataclass(frozen=True)
class Decision:
    """What the engine returns for an accepted command.

    ``events`` are to be appended to the log (in order) and ``state`` is the case after
    applying them; ``deadlines`` is the full projection of every timer of the case after the
    step (the store upserts them in the same transaction).
    """

    events: tuple[Event, ...]
    state: CaseState
    deadlines: tuple[Deadline, ...]


class _DeadlineLike(Protocol):
    @property
    def timer(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def due(self) -> date | None: ...


def met_late_on(d: _DeadlineLike, state: CaseState | None) -> date | None:
    """逾期完成 (met late): the date a timer was met when that was after its due date — the
    step the period required (e.g. Licheng art. 17's determination within 30 days, its notice
    within 7) was taken, but late; None when it was met in time, or is not met.

    The stored status stays ``met`` (the fold and its replay are unchanged); views, exports
    and the overdue list read this to say *late*, never "on time", for such a timer."""
    if d.status != "met" or d.due is None or state is None:
        return None
    t = state.timers.get(d.timer)
    if t is None or t.stopped_on is None or t.stopped_on <= d.due:
        return None
    return t.stopped_on


def window_closed_on(
    d: _DeadlineLike, state: CaseState | None, kind: str, today: date
) -> date | None:
    """已届满 (closed): the last day of a *window* (a party's right to act, e.g. Licheng art.
    19's 15 days to request a review) that ran out unused — still ``running`` after its last
    day, or ``cancelled`` by a later step only after it had closed; None otherwise.  A window
    is nobody's deadline, so it is not "overdue"; nor was it cut short."""
    if kind != "window" or d.due is None:
        return None
    if d.status == "running" and today > d.due:
        return d.due
    if d.status == "overdue":  # the sweep marked its close (its on-expiry step not applicable)
        return d.due
    if d.status == "cancelled" and state is not None:
        t = state.timers.get(d.timer)
        if t is not None and t.stopped_on is not None and t.stopped_on > d.due:
            return d.due
    return None
