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
:func:`recompute_provisional`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from rongcuo import logging as rlog
from rongcuo.adapters.db import tables as t
from rongcuo.adapters.db.store import CaseRecord
from rongcuo.domain.case import Event
from rongcuo.domain.engine import NOTICE_TRIGGER
from rongcuo.service.errors import ConcurrencyConflict

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.bootstrap import App

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


def recompute_provisional(app: App, on: date, actor: str) -> list[Recomputed]:
    """Re-derive every provisional deadline with ``app.calendar``; record each change."""
    d = t.deadlines
    with app.store.read() as conn:
        case_ids = [
            str(r[0])
            for r in conn.execute(
                sa.select(d.c.case_id).where(d.c.provisional.is_(True)).distinct()
            )
        ]
    changed: list[Recomputed] = []
    for case_id in case_ids:
        for attempt in range(3):  # a case worker may write the same case meanwhile: reload
            try:
                with rlog.bound(case_id=case_id, actor=actor):
                    changed.extend(_one(app, case_id, on, actor))
                break
            except ConcurrencyConflict:
                if attempt == 2:
                    log.warning("recompute.conflict", case_id=case_id)
    return changed


def _one(app: App, case_id: str, on: date, actor: str) -> list[Recomputed]:
    case: CaseRecord = app.store.load_case(case_id)
    engine = app.engine_for(case.workflow_id, case.workflow_version)
    definition = app.definition(case.workflow_id, case.workflow_version)
    stored = {r.timer: r for r in app.store.deadlines(case_id=case.id) if r.provisional}
    fresh = engine.deadlines(case.state)
    events: list[Event] = []
    notes: list[tuple[str, str | None, str | None, bool]] = []
    for dl in fresh:
        old = stored.get(dl.timer)
        if old is None or old.due == dl.due:
            continue
        spec = definition.timers.get(dl.timer)
        new_due = dl.due.isoformat() if dl.due else None
        events.append(
            Event(
                trigger=TRIGGER,
                type=EVENT_TYPE,
                on=max(on, case.state.last_on or on),
                actor=actor,
                article=spec.article if spec is not None else "",
                data={
                    "timer": dl.timer,
                    "notice": f"recomputed:{new_due}",
                    "old_due": old.due.isoformat() if old.due else None,
                    "new_due": dl.due.isoformat() if dl.due else None,
                    "old_provisional": True,
                    "provisional": dl.provisional,
                    "calendar": _source(app, dl.due or old.due),
                    "basis": dict(dl.basis),
                },
            )
        )
        notes.append(
            (dl.timer, old.due.isoformat() if old.due else None,
             dl.due.isoformat() if dl.due else None, dl.provisional)
        )
    state = case.state
    for ev in events:
        state = engine.apply(state, ev)
    fresh = engine.deadlines(state) if events else fresh
    if not events:
        # nothing moved; still clear the provisional flag where the year is now loaded
        if any(not dl.provisional for dl in fresh if dl.timer in stored):
            with app.store.write() as conn:
                app.store.upsert_deadlines_in(conn, case.id, fresh, app.clock.now())
        return []
    with app.store.write() as conn:
        res = app.store.append_in(
            conn, case.id, case.number, case.version, case.last_seq, case.last_hash,
            state, events, fresh, app.clock.now(), None,
        )
    out = [
        Recomputed(case.id, case.number, timer, old, new, prov, ev.seq)
        for (timer, old, new, prov), ev in zip(notes, res.events, strict=True)
    ]
    log.info("deadline.recomputed", case_id=case.id, timers=[o.timer for o in out])
    return out
