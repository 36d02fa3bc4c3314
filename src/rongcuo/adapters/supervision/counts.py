"""The aggregate reads the statistics, tolerance and risk-point reports are built from.

Every figure is counted from the event log (the record), by the business date of the event
(``on``, a CST date), never from the mutable case rows — except the case's agency, which the
opening event carries too (K9) and the case row repeats.  Grouping happens in SQL where the
value is a column; a value inside the event data (an outcome, a timer, a grade) is extracted
by SQLAlchemy's JSON path (``json_extract`` on SQLite, ``->>`` on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.db import tables as db
from rongcuo.adapters.db.standing import standing

e, c = db.events, db.cases


def _window(q: Any, start: date, end: date, agency: str | None) -> Any:
    # only what still stands: no withdrawn case, no voided step (issue 15)
    q = q.where(e.c.on >= start, e.c.on <= end, standing(e, c))
    if agency is not None:
        q = q.where(c.c.agency == agency)
    return q


Step = tuple[str, str, str]  # workflow, trigger, the event type its definition records


def _pairs(steps: Sequence[Step]) -> Any:
    """Events of these steps.  The event types come first so the database can use the index
    on ``(type, "on")`` (revision 0009): "the events of a kind in a period" is every
    periodic report's access path; the (workflow, trigger) test then keeps exactly the steps
    asked for."""
    return sa.and_(
        e.c.type.in_(sorted({t for _, _, t in steps})),
        sa.or_(*(sa.and_(e.c.workflow_id == w, e.c.trigger == tr) for w, tr, _ in steps)))


def openings(conn: sa.Connection, start: date, end: date, steps: Sequence[Step],
             agency: str | None = None) -> list[tuple[str, str, int]]:
    """(workflow, agency, cases opened) — each case's opening event dated in the window."""
    if not steps:
        return []
    q = (sa.select(e.c.workflow_id, c.c.agency, sa.func.count())
         .select_from(e.join(c, c.c.id == e.c.case_id)).where(_pairs(steps), e.c.seq == 1)
         .group_by(e.c.workflow_id, c.c.agency))
    return [(r[0], r[1], int(r[2])) for r in conn.execute(_window(q, start, end, agency))]


def decisions(conn: sa.Connection, start: date, end: date, pairs: Sequence[Step],
              agency: str | None = None) -> dict[str, tuple[str, str, str]]:
    """Each case's last decision in the window: case id → (workflow, agency, outcome).  A
    decision is an event of one of ``pairs`` (workflow, trigger) carrying an ``outcome``."""
    if not pairs:
        return {}
    outcome = e.c.data["outcome"].as_string()
    q = (sa.select(e.c.case_id, e.c.workflow_id, c.c.agency, outcome)
         .select_from(e.join(c, c.c.id == e.c.case_id)).where(_pairs(pairs))
         .order_by(e.c.id))
    out: dict[str, tuple[str, str, str]] = {}
    for r in conn.execute(_window(q, start, end, agency)):
        if r[3] is not None:
            out[r[0]] = (r[1], r[2], r[3])
    return out


def steps(conn: sa.Connection, start: date, end: date, pairs: Sequence[Step],
          agency: str | None = None) -> list[tuple[str, str, int]]:
    """(workflow, agency, count) of the events of ``pairs`` in the window."""
    if not pairs:
        return []
    q = (sa.select(e.c.workflow_id, c.c.agency, sa.func.count())
         .select_from(e.join(c, c.c.id == e.c.case_id)).where(_pairs(pairs))
         .group_by(e.c.workflow_id, c.c.agency))
    return [(r[0], r[1], int(r[2])) for r in conn.execute(_window(q, start, end, agency))]


def typed(conn: sa.Connection, start: date, end: date, types: Sequence[str],
          agency: str | None = None) -> list[tuple[str, str, str, str | None, int]]:
    """(workflow, agency, event type, timer, count) of events of ``types`` in the window (the
    overdue marks: ``DeadlineOverdue``, by timer)."""
    timer = e.c.data["timer"].as_string()
    q = (sa.select(e.c.workflow_id, c.c.agency, e.c.type, timer, sa.func.count())
         .select_from(e.join(c, c.c.id == e.c.case_id)).where(e.c.type.in_(list(types)))
         .group_by(e.c.workflow_id, c.c.agency, e.c.type, timer))
    return [(r[0], r[1], r[2], r[3], int(r[4]))
            for r in conn.execute(_window(q, start, end, agency))]


def scored(conn: sa.Connection, start: date, end: date, workflow: str, trigger: str,
           event_type: str, agency: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """(case id, agency, event data) of each scoring step in the window (a case-file
    evaluation's ``score``: its data holds the grade, the score and every deduction)."""
    q = (sa.select(e.c.case_id, c.c.agency, e.c.data)
         .select_from(e.join(c, c.c.id == e.c.case_id))
         .where(e.c.type == event_type, e.c.workflow_id == workflow, e.c.trigger == trigger)
         .order_by(e.c.id))
    return [(r[0], r[1], dict(r[2] or {})) for r in conn.execute(_window(q, start, end, agency))]
