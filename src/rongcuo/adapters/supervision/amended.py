"""Amended steps in the counts (issue 15): a report counts a step by its *corrected* business
date and data (更正), as the case's replay reads it.

Amendments are few: they are read once per count (by the ``(type, "on")`` index:
``StepAmended``), the latest per step wins, and the grouped counts of :mod:`.counts` are
adjusted in Python — a step moved into the window is added, one moved out is taken away, a
decision's outcome is read from its corrected data.  Withdrawn cases and voided steps are left
out already (:func:`rongcuo.adapters.db.standing.standing`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.db import tables as db
from rongcuo.adapters.db.standing import standing
from rongcuo.domain.corrections import AMEND, TYPES, VOID

Key = tuple[str, int]  # (case id, seq of the amended step)


def amendments(conn: sa.Connection) -> dict[Key, tuple[date, dict[str, Any]]]:
    """(case, step seq) → (corrected business date, corrected data) of every amended step."""
    e, c = db.events, db.cases
    q = (sa.select(e.c.case_id, e.c.data).select_from(e.join(c, c.c.id == e.c.case_id))
         .where(e.c.type == TYPES[AMEND], e.c.trigger == AMEND, c.c.withdrawn.is_(False))
         .order_by(e.c.id))
    out: dict[Key, tuple[date, dict[str, Any]]] = {}
    for case_id, data in conn.execute(q):
        d = dict(data or {})
        out[(str(case_id), int(d["target"]))] = (date.fromisoformat(d["on"]),
                                                  dict(d.get("data") or {}))
    return out


def originals(conn: sa.Connection, keys: list[Key], where: Any) -> list[Mapping[str, Any]]:
    """The amended steps themselves (still standing, matching ``where``), unwindowed."""
    e, c = db.events, db.cases
    q = (sa.select(e.c.case_id, e.c.seq, e.c.workflow_id, c.c.agency, e.c.on, e.c.data)
         .select_from(e.join(c, c.c.id == e.c.case_id))
         .where(sa.tuple_(e.c.case_id, e.c.seq).in_(keys), where, standing(e, c))
         .order_by(e.c.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def in_window(on: Any, start: date, end: date) -> bool:
    day = on if isinstance(on, date) else date.fromisoformat(str(on)[:10])
    return start <= day <= end


def corrected_cases(conn: sa.Connection) -> list[str]:
    """The cases (not withdrawn) with an amendment or a voiding: their recorded notices may
    no longer all stand (:func:`rongcuo.domain.engine.corrected.untrue_notices`)."""
    e, c = db.events, db.cases
    q = (sa.select(e.c.case_id).select_from(e.join(c, c.c.id == e.c.case_id))
         .where(e.c.type.in_([TYPES[AMEND], TYPES[VOID]]), c.c.withdrawn.is_(False))
         .distinct())
    return sorted(str(r[0]) for r in conn.execute(q))
