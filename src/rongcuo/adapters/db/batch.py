"""Many cases' appends in one transaction, in a few statements (the sweep's write path).

What :meth:`Store.append_in <rongcuo.adapters.db.store.Store.append_in>` does per case — the
same rows, the same hash chain — batched: all the case-row UPDATEs (each with its own version
check), then all the events (``COPY`` on PostgreSQL), then the deadline rows.  Of an append
that says what its rows held (``previous``) only what moved is written: a narrow UPDATE of
status, due date and next notice when the basis is unchanged, nothing for an unchanged timer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from rongcuo.adapters.db.engine import copy_rows
from rongcuo.adapters.db.errors import StaleWrite
from rongcuo.adapters.db.records import CommitResult, PendingAppend, utc
from rongcuo.adapters.db.sql import EVENT_COLUMNS, chained_rows, columns
from rongcuo.domain.case import Deadline, deadline_changes

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.adapters.db.sql import Encoder, Statements


class BatchWrites:
    """The batched append (a mixin of :class:`~rongcuo.adapters.db.store.Store`)."""

    sql: Statements
    enc: Encoder
    _sqlite: bool

    def append_many_in(
        self,
        conn: sa.Connection,
        appends: Sequence[PendingAppend],
        *,
        deadlines_only: Sequence[tuple[str, Sequence[Deadline], datetime]] = (),
    ) -> list[CommitResult]:
        """Many cases' appends inside the caller's write transaction (plus ``deadlines_only``:
        rows re-planned without an event).

        If any case's version moved, :class:`~.errors.StaleWrite` is raised before any event
        is written, with ``details["case_ids"]`` naming every stale case: the caller must roll
        back and retry without them (the other cases' UPDATEs are in the same transaction)."""
        results: list[CommitResult] = []
        event_params: list[tuple[Any, ...]] = []
        case_params: list[tuple[Any, ...]] = []
        deadline_params: list[tuple[Any, ...]] = []
        move_params: list[tuple[Any, ...]] = []
        moved_by_key: dict[tuple[str, str], tuple[str, Deadline, datetime]] = {}
        enc = self.enc
        for a in appends:
            at = utc(a.recorded_at)
            assert at is not None
            h = a.head
            rows, stored, seq, prev = chained_rows(
                h.case_id, h.last_seq, h.last_hash, a.state, a.events, at, None
            )
            case_params.append(enc.case_update(a.state, h.version, seq, prev, at, h.case_id))
            event_params.extend(enc.event(r) for r in rows)
            if a.previous is None:
                whole: Sequence[Deadline] = a.deadlines
            else:
                whole, moved = deadline_changes(a.previous, a.deadlines)
                for d in moved:
                    move_params.append(enc.deadline_move(h.case_id, d, at))
                    moved_by_key[(h.case_id, d.timer)] = (h.case_id, d, at)
            deadline_params.extend(enc.deadline(h.case_id, d, at) for d in whole)
            results.append(CommitResult(h.case_id, h.number, a.state.state, h.version + 1,
                                        tuple(stored)))
        for case_id, dls, at in deadlines_only:
            deadline_params.extend(enc.deadline(case_id, d, at) for d in dls)
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if case_params:
                updated = {k[0] for k in self._checked_updates(
                    cur, self.sql.case_update, self.sql.pg_case_update_many, case_params,
                    key=(-2,))}
                stale = [a.case_id for a in appends if a.case_id not in updated]
                if stale:
                    raise StaleWrite(
                        "另一操作已先修改本案，本次未记录任何内容",
                        "another writer changed this case first; nothing was recorded",
                        details={"case_ids": stale},
                    )
            if event_params:
                if self._sqlite:
                    cur.executemany(self.sql.event_insert, event_params)
                else:
                    copy_rows(cur, "events", EVENT_COLUMNS, event_params)
            if move_params:
                # A row the projection says exists but the table lacks (never expected) is
                # written whole rather than silently missed.
                done = self._checked_updates(
                    cur, self.sql.deadline_move, self.sql.pg_deadline_move_many, move_params,
                    key=(-2, -1))
                deadline_params.extend(
                    enc.deadline(cid, d, at)
                    for key, (cid, d, at) in moved_by_key.items()
                    if key not in done
                )
            if deadline_params:
                if self._sqlite:
                    cur.executemany(self.sql.deadline_upsert, deadline_params)
                else:
                    cur.execute(self.sql.pg_deadline_upsert_many, columns(deadline_params, 12))
        finally:
            cur.close()
        return results

    def _checked_updates(
        self, cur: Any, sql: str, pg_many: str, params: list[tuple[Any, ...]],
        key: tuple[int, ...],
    ) -> set[tuple[str, ...]]:
        """Run one UPDATE per parameter row and return the keys (the values at positions
        ``key`` of a row) of the rows that matched.  SQLite: statement by statement (in
        process, no round trip); PostgreSQL: one ``UPDATE … FROM unnest(…)`` whose
        ``RETURNING`` gives the matched keys, in the same order."""
        done: set[tuple[str, ...]] = set()
        if self._sqlite:
            for p in params:
                cur.execute(sql, p)
                if cur.rowcount == 1:
                    done.add(tuple(str(p[i]) for i in key))
            return done
        cur.execute(pg_many, columns(params, len(params[0])))
        done.update(tuple(str(v) for v in r) for r in cur.fetchall())
        return done
