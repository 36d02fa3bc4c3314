"""Which stored steps still stand (issue 15): a count built from the event log leaves out the
steps of withdrawn cases (误录撤回) and the steps a correction voided (撤销).

One SQL condition over ``events`` joined to ``cases``, alike on SQLite and PostgreSQL (the
void's ``target`` seq is read by SQLAlchemy's JSON path).  Amended dates and data (更正) are
not applied here: a count groups by the stored business date and data of the original step.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.db import tables as t
from rongcuo.domain.corrections import VOID

__all__ = ["standing"]


def standing(events: Any = None, cases: Any = None) -> Any:
    """The condition "this event's case is not withdrawn and no voiding names it"."""
    e = t.events if events is None else events
    c = t.cases if cases is None else cases
    v = t.events.alias("voiding")
    voided = sa.exists().where(
        v.c.case_id == e.c.case_id, v.c.trigger == VOID,
        v.c.data["target"].as_integer() == e.c.seq,
    )
    return sa.and_(c.c.withdrawn.is_(False), ~voided)
