"""One stateless step: a case row in, the rows to write out — as the store and the sweep do it.

What ``rongcuo case fire`` and a sweep pay per step besides the database: decode the case
row (its ``facts`` and ``timers`` JSON, its dates), decide the command with the engine
(guards, the event, the fold, every deadline projected for a freshly decoded state), chain
the event's hash, and encode the case row, the event row and the deadline rows with the
driver-level parameters the store sends.  Nothing is written: the rows go back in as the
next step's input, the way the next ``SELECT`` would return them.

Deadline rows are written — with ``only_moved=True`` — as ``case fire`` and the sweep write
them (:meth:`Store.append_in` / :meth:`Store.append_many_in` with ``previous``): the loaded
state's projection first, then only the rows that moved, a moved row with an unchanged basis
by the narrow UPDATE; or, by default, every row whole, as ``case fire`` wrote them before
issue 16 (every due date's explanation built and encoded).

The encoders are the store's own (:class:`~rongcuo.adapters.db.store.Store` on SQLite, whose
spelling is text for every JSON column and date), so the benchmark follows the store's code
when it changes; if the store's hot path is renamed, :class:`StatelessWalker` is the one place
to update.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.db.records import CaseRecord
from rongcuo.adapters.db.sql import CASE_COLUMNS, chained_rows
from rongcuo.adapters.db.store import Store
from rongcuo.domain.case import Command, deadline_changes
from rongcuo.domain.chain import GENESIS
from rongcuo.domain.engine import Engine

RECORDED_AT = datetime(2025, 9, 30, 4, 0, tzinfo=UTC)
CASE_ID = "0123456789abcdef0123456789abcdef"
NUMBER = "历城容错〔2025〕1号"
# The repeated-mistake guard reads the subject's earlier tolerances; the store's query for
# them is database work, so the step gets its (empty) answer.
CONTEXT: Mapping[str, Any] = {"prior_tolerances": ()}

_UPDATED = (
    "version", "last_seq", "last_hash", "updated_at", "state", "facts", "timers", "last_on",
    "closed",
)

Row = tuple[Any, ...]
"""A ``cases`` row as the driver returns it (``CASE_COLUMNS`` order)."""


class StatelessWalker:
    """Steps a case kept only as its encoded row (no state object survives a step)."""

    def __init__(self, engine: Engine, *, only_moved: bool = False) -> None:
        self.engine = engine
        self.only_moved = only_moved
        # The SQLite store's encoders; the engine of an in-memory database is never connected.
        self._store = Store(sa.create_engine("sqlite://"))
        self._columns = CASE_COLUMNS
        # where the UPDATE's nine SET values go in a row
        self._set_at = tuple(self._columns.index(c) for c in _UPDATED)

    def open_row(self, command: Command) -> tuple[Row, list[Row]]:
        """The row of a case just opened by ``command`` (what ``create_case`` stores), and
        its event rows."""
        decision = self.engine.open(command, CONTEXT)
        store = self._store
        rows, _, seq, last_hash = chained_rows(
            CASE_ID, 0, GENESIS, decision.state, decision.events, RECORDED_AT, None
        )
        params = store.enc.case_update(decision.state, 0, seq, last_hash, RECORDED_AT, CASE_ID)
        at = store.enc.ts(RECORDED_AT)
        head = {
            "id": CASE_ID,
            "number": NUMBER,
            "subject": str(command.data["subject"]),
            "agency": str(command.data["agency"]),
            "opened_on": command.on.isoformat(),
            "workflow_id": decision.state.workflow_id,
            "workflow_version": decision.state.workflow_version,
            "created_at": at,
        }
        events = [store.enc.event(r) for r in rows]
        return self._next_row(tuple(head.get(c) for c in self._columns), params), events

    def step(self, row: Row, command: Command) -> tuple[Row, list[Row], list[Row]]:
        """One step: the next case row, the event rows and the deadline rows to write."""
        store = self._store
        case = CaseRecord.from_row(store.enc.case_row(row))
        previous = self.engine.deadlines(case.state) if self.only_moved else ()
        decision = self.engine.decide(case.state, command, CONTEXT)
        rows, _, seq, last_hash = chained_rows(
            case.id, case.last_seq, case.last_hash, decision.state, decision.events,
            RECORDED_AT, None,
        )
        params = store.enc.case_update(
            decision.state, case.version, seq, last_hash, RECORDED_AT, case.id
        )
        events = [store.enc.event(r) for r in rows]
        if self.only_moved:
            whole, moved = deadline_changes(previous, decision.deadlines)
            deadlines = [store.enc.deadline(case.id, d, RECORDED_AT) for d in whole]
            deadlines += [store.enc.deadline_move(case.id, d, RECORDED_AT) for d in moved]
        else:
            deadlines = [
                store.enc.deadline(case.id, d, RECORDED_AT) for d in decision.deadlines
            ]
        return self._next_row(row, params), events, deadlines

    def walk(self, first: Row, commands: Sequence[Command]) -> Row:
        """Every command in turn from the row ``first``; the last row."""
        row = first
        for command in commands:
            row = self.step(row, command)[0]
        return row

    def decode(self, row: Row) -> CaseRecord:
        """The case a row holds (as :meth:`Store.load_case` would return it)."""
        return CaseRecord.from_row(self._store.enc.case_row(row))

    def _next_row(self, row: Row, case_params: Row) -> Row:
        """``row`` after the store's version-checked UPDATE with ``case_params`` (the
        parameters of ``UPDATE cases SET version, last_seq, last_hash, updated_at, state,
        facts, timers, last_on, closed WHERE id AND version``)."""
        new = list(row)
        for i, v in zip(self._set_at, case_params, strict=False):
            new[i] = v
        return tuple(new)
