"""Recompute provisional (暂定) due dates when a calendar year is loaded.

A due date that falls in a year with no calendar file is computed from weekends and the
holidays fixed by date, and marked provisional.  Due dates are derived, never stored in
events, so once the State Council notice for that year is loaded the date may move (an
adjusted working Saturday, a longer holiday block).  The case history must show the change
and why: for every deadline whose due date changed, one ``deadline.recomputed`` event (old
due, new due, the calendar source that changed it) is appended with the updated deadline row,
in one transaction per case.  Civil Code art. 203 (a period ending on a rest day rolls to the
next working day) is what makes the calendar matter.

The scheduler's calendar check and ``rongcuo calendar import`` call
:func:`recompute_provisional`; each case's events go through one unit of work, re-decided on
the fresh state when a case worker wrote the same case meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from rongcuo import logging as rlog
from rongcuo.domain.case import Decision, Event
from rongcuo.domain.engine import NOTICE_TRIGGER
from rongcuo.service.commands import RecomputeDeadlines
from rongcuo.service.context import App
from rongcuo.service.errors import ConcurrencyConflict
from rongcuo.service.handlers.cases import load_case
from rongcuo.service.unit_of_work import retrying

log = rlog.get_logger("rongcuo.service")

EVENT_TYPE = "deadline.recomputed"
# Recorded through the engine's notice trigger, so ``Engine.apply``/``replay`` fold it
# without a special case: it adds ``recomputed:<new due>`` to the timer's notices and changes
# nothing else (the due date itself is always derived, never stored).
TRIGGER = NOTICE_TRIGGER


@dataclass(frozen=True)
class Recomputed:
    case_id: str
    number: str
    timer: str
    old_due: str | None
    new_due: str | None
    provisional: bool
    event_seq: int


def _source(app: App, d: date | None) -> dict[str, Any] | None:
    if d is None:
        return None
    year = app.calendar.year(d.year)
    if year is None:
        return {"year": d.year, "title": None, "number": None, "published": None}
    src = year.source
    return {
        "year": d.year,
        "title": src.title,
        "number": src.number,
        "published": src.published.isoformat() if src.published else None,
    }


def recompute_provisional(app: App, cmd: RecomputeDeadlines) -> list[Recomputed]:
    """Re-derive every provisional deadline with ``app.calendar``; record each change."""
    changed: list[Recomputed] = []
    for case_id in app.store.case_ids_with_provisional_deadlines():
        try:
            with rlog.bound(case_id=case_id, actor=cmd.actor):
                changed.extend(retrying(partial(_one, app, case_id, cmd)))
        except ConcurrencyConflict:
            log.warning("recompute.conflict", case_id=case_id)
    return changed


def _one(app: App, case_id: str, cmd: RecomputeDeadlines) -> list[Recomputed]:
    case = load_case(app, case_id)
    engine = app.engine_for(case.workflow_id, case.workflow_version)
    definition = engine.definition
    stored = {r.timer: r for r in app.store.deadlines(case_id=case.id) if r.provisional}
    fresh = engine.deadlines(case.state)
    on = max(cmd.on, case.state.last_on or cmd.on)
    events: list[Event] = []
    notes: list[tuple[str, str | None, str | None, bool]] = []
    for dl in fresh:
        old = stored.get(dl.timer)
        if old is None or old.due == dl.due:
            continue
        spec = definition.timers.get(dl.timer)
        new_due = dl.due.isoformat() if dl.due else None
        events.append(Event(
            trigger=TRIGGER, type=EVENT_TYPE, on=on, actor=cmd.actor,
            article=spec.article if spec is not None else "",
            data={
                "timer": dl.timer,
                "notice": f"recomputed:{new_due}",
                "old_due": old.due.isoformat() if old.due else None,
                "new_due": new_due,
                "old_provisional": True,
                "provisional": dl.provisional,
                "calendar": _source(app, dl.due or old.due),
                "basis": dict(dl.basis),
            },
        ))
        notes.append((dl.timer, old.due.isoformat() if old.due else None, new_due,
                      dl.provisional))
    if not events:
        # nothing moved; still clear the provisional flag where the year is now loaded
        if any(not dl.provisional for dl in fresh if dl.timer in stored):
            with app.unit_of_work() as uow:
                uow.replan(case.id, fresh)
                uow.commit()
        return []
    state = case.state
    for ev in events:
        state = engine.apply(state, ev)
    with app.unit_of_work() as uow:
        uow.append(case.head, Decision(tuple(events), state, engine.deadlines(state)))
        res = uow.commit()[0]
    out = [
        Recomputed(case.id, case.number, timer, old, new, prov, ev.seq)
        for (timer, old, new, prov), ev in zip(notes, res.events, strict=True)
    ]
    log.info("deadline.recomputed", case_id=case.id, timers=[o.timer for o in out])
    return out
