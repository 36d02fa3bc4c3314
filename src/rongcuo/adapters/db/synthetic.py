"""Synthetic decisions for store tests and the store benchmark (no engine involved).

They exercise exactly the store's writes — events, the case row, deadline rows — with data
shaped like real ones, so the store's mechanics can be tested and measured on their own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from rongcuo.domain.case import CaseState, Deadline, Event, TimerState

if TYPE_CHECKING:
    from rongcuo.adapters.db.records import CaseRecord
    from rongcuo.adapters.db.store import Store

WORKFLOW = "synthetic"
VERSION = "1"
PATTERN = "测试容错〔{year}〕{n}号"


def opening(
    on: date, actor: str = "tester"
) -> tuple[tuple[Event, ...], CaseState, tuple[Deadline, ...]]:
    """A case opened on ``on`` with one running timer."""
    ev = Event("open", "CaseOpened", on, actor, "测试办法第一条", {"subject": "张三", "n": 0})
    timer = TimerState("step", on)
    state = CaseState(WORKFLOW, VERSION, "open", {"n": 0}, {"step": timer}, on, False)
    return (ev,), state, (deadline(on, 0),)


def open_case(store: Store, on: date, recorded_at: datetime) -> str:
    """Store a synthetic case opened on ``on`` (in one transaction, as the unit of work
    writes a new case); its id."""
    ev, st, dl = opening(on)
    with store.write() as conn:
        head = store.create_in(conn, subject="张三", agency="局", opened_on=on,
                               number_pattern=PATTERN, state=st, recorded_at=recorded_at)
        return store.append_in(conn, head, st, ev, dl, recorded_at).case_id


def commit_step(store: Store, case: CaseRecord, on: date, n: int, recorded_at: datetime) -> None:
    """Append the ``n``-th synthetic step to ``case`` (as loaded) in one transaction."""
    ev, st, dl = step(case.state, on, n)
    with store.write() as conn:
        store.append_in(conn, case.head, st, ev, dl, recorded_at)


def step(
    state: CaseState, on: date, n: int, actor: str = "tester"
) -> tuple[tuple[Event, ...], CaseState, tuple[Deadline, ...]]:
    """The ``n``-th step on a case: one event, the state's counter moved, the deadline moved."""
    ev = Event("tick", "Ticked", on, actor, "测试办法第二条", {"n": n})
    new = state.evolve(facts={**state.facts, "n": n}, last_on=on)
    return (ev,), new, (deadline(on, n),)


def deadline(on: date, n: int) -> Deadline:
    return Deadline(
        timer="step",
        status="running",
        due=on + timedelta(days=30 + n % 7),
        provisional=False,
        basis={"start": on.isoformat(), "days": 30, "n": n},
        started_on=on,
        label_zh="测试期限",
        label_en="test period",
    )
