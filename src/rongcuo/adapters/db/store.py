"""The durable case store: the record's writes inside a caller's transaction, and its reads.

The service layer's unit of work (:mod:`rongcuo.service.unit_of_work`) opens ONE write
transaction (:meth:`Store.write`) and, inside it, asks the store to:

1. record the idempotency key, if any (a concurrent duplicate blocks on it, then finds it);
2. ``UPDATE cases … SET version = version + 1 WHERE id = :id AND version = :expected`` — zero
   rows means another writer was first: :class:`~.errors.StaleWrite`, and the caller's
   transaction rolls back with nothing written;
3. insert the new events (``seq`` continues the case, each hash-chained, ``recorded_at`` from
   the injected clock);
4. upsert one ``deadlines`` row per timer of the decision's projection.

Batched appends (the sweep) are :mod:`.batch`; reads other than a case and its events are
:mod:`.queries`.  Reads return plain frozen records (:mod:`.records`); :meth:`iter_events`
streams the whole log in global order with keyset pagination (auditors verify a million
events without loading them).  The store raises only its own errors (:mod:`.errors`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from rongcuo.adapters.db import tables as t
from rongcuo.adapters.db.batch import BatchWrites
from rongcuo.adapters.db.codec import state_columns
from rongcuo.adapters.db.errors import BadNumberPattern, KeyReused, StaleWrite
from rongcuo.adapters.db.queries import Queries
from rongcuo.adapters.db.records import (
    CaseRecord,
    ChainHead,
    CommitResult,
    Idempotency,
    StoredEvent,
    utc,
)
from rongcuo.adapters.db.sql import Encoder, Statements, chained_rows
from rongcuo.domain.case import CaseState, Deadline, Event, deadline_changes
from rongcuo.domain.chain import GENESIS

__all__ = ["Store"]


class Store(BatchWrites, Queries):
    """The case store over one SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._sqlite = self.dialect == "sqlite"
        self.sql = Statements(self._sqlite)
        self.enc = Encoder(self._sqlite)
        self.integrity_errors = _integrity_errors(self._sqlite)

    # -- transactions -----------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite)."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A read: each read method runs ONE statement, which is consistent on its own, so
        PostgreSQL reads run in autocommit (no BEGIN/COMMIT round trips); SQLite uses a
        deferred ``BEGIN`` (readers never take the write lock)."""
        if self.dialect == "postgresql":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                yield conn
            return
        with self.engine.connect().execution_options(rongcuo_read=True) as conn, conn.begin():
            yield conn

    def stale(self, exc: Exception, **details: Any) -> StaleWrite:
        """The store's error for a lost race (a failed version check or unique insert)."""
        return StaleWrite(
            "另一操作已先修改本案，本次未记录任何内容",
            "another writer changed this case first; nothing was recorded",
            details={**details, "cause": type(getattr(exc, "orig", exc)).__name__},
        )

    # -- idempotency ------------------------------------------------------------------
    def command_result(self, idem: Idempotency) -> CommitResult | None:
        """The result first returned for this key, or None.  A key reused for a different
        command is :class:`~.errors.KeyReused` (nothing is written)."""
        with self.read() as conn:
            row = (
                conn.execute(sa.select(t.commands).where(t.commands.c.idempotency_key == idem.key))
                .mappings()
                .first()
            )
        if row is None:
            return None
        if row["fingerprint"] != idem.fingerprint:
            raise KeyReused(
                f"幂等键“{idem.key}”已用于另一条不同的指令，本次未记录任何内容",
                f"idempotency key {idem.key!r} was already used for a different command; "
                "nothing was recorded",
                details={"key": idem.key},
            )
        r = dict(row["result"])
        return CommitResult(
            case_id=r["id"],
            number=r["number"],
            state=r["state"],
            version=r["version"],
            # the events the first call recorded (they carry the key): the same ``seqs``
            events=tuple(e for e in self.case_events(r["id"]) if e.idempotency_key == idem.key),
            replayed=True,
        )

    # -- writes (inside the caller's transaction) --------------------------------------
    def next_number_in(self, conn: sa.Connection, workflow_id: str, year: int,
                       pattern: str) -> str:
        """The next readable case number of ``workflow_id`` in ``year`` (never reused: the
        counter row is locked by the upsert until the transaction ends)."""
        ins = (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(
            t.case_counters
        ).values(workflow_id=workflow_id, year=year, last_n=1)
        stmt = ins.on_conflict_do_update(
            index_elements=["workflow_id", "year"],
            set_={"last_n": t.case_counters.c.last_n + 1},
        ).returning(t.case_counters.c.last_n)
        n = int(conn.execute(stmt).scalar_one())
        try:
            return pattern.format(year=year, n=n)
        except (KeyError, IndexError, ValueError) as exc:
            raise BadNumberPattern(
                f"案件编号格式“{pattern}”无效（只能使用 {{year}} 和 {{n}}）",
                f"case number pattern {pattern!r} is invalid (only {{year}} and {{n}}): {exc}",
            ) from exc

    def create_in(
        self,
        conn: sa.Connection,
        *,
        subject: str,
        agency: str,
        opened_on: date,
        number_pattern: str,
        state: CaseState,
        recorded_at: datetime,
        case_id: str | None = None,
    ) -> ChainHead:
        """Insert a new case row (numbered); return the head its first append continues."""
        case_id = case_id or uuid.uuid4().hex
        number = self.next_number_in(conn, state.workflow_id, opened_on.year, number_pattern)
        conn.execute(
            t.cases.insert().values(
                id=case_id, number=number, subject=subject, agency=agency,
                opened_on=opened_on, version=0, last_seq=0, last_hash=GENESIS,
                created_at=recorded_at, updated_at=recorded_at, **state_columns(state),
            )
        )
        return ChainHead(case_id, number, 0, 0, GENESIS)

    def append_in(
        self,
        conn: sa.Connection,
        head: ChainHead,
        state: CaseState,
        events: Sequence[Event],
        deadlines: Sequence[Deadline],
        recorded_at: datetime,
        idem: Idempotency | None = None,
        previous: Sequence[Deadline] | None = None,
    ) -> CommitResult:
        """Append one case's events inside the caller's write transaction: the version-checked
        case row UPDATE (a stale ``head`` raises :class:`~.errors.StaleWrite`: the caller's
        transaction must roll back), the hash-chained events, the deadline rows — with
        ``previous`` (the projection the rows hold), only those that moved (a moved row whose
        basis is the same by the narrow UPDATE), as the sweep's batched append does."""
        recorded_at = utc(recorded_at)  # type: ignore[assignment]
        new_version = head.version + 1
        if idem is not None:
            # First, so a concurrent duplicate waits on this key and then finds our result.
            conn.execute(
                t.commands.insert().values(
                    idempotency_key=idem.key, fingerprint=idem.fingerprint,
                    case_id=head.case_id,
                    result={"id": head.case_id, "number": head.number, "state": state.state,
                            "version": new_version},
                    recorded_at=recorded_at,
                )
            )
        rows, stored, seq, prev = chained_rows(
            head.case_id, head.last_seq, head.last_hash, state, events, recorded_at, idem
        )
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cur.execute(self.sql.case_update, self.enc.case_update(
                state, head.version, seq, prev, recorded_at, head.case_id))
            if cur.rowcount != 1:
                raise StaleWrite(
                    "另一操作已先修改本案，本次未记录任何内容",
                    "another writer changed this case first; nothing was recorded",
                    details={"case_ids": [head.case_id], "expected_version": head.version},
                )
            if rows:
                cur.executemany(self.sql.event_insert, [self.enc.event(r) for r in rows])
            self._write_deadlines(cur, head.case_id, deadlines, previous, recorded_at)
        finally:
            cur.close()
        return CommitResult(head.case_id, head.number, state.state, new_version, tuple(stored))

    def _write_deadlines(self, cur: Any, case_id: str, deadlines: Sequence[Deadline],
                         previous: Sequence[Deadline] | None, at: datetime) -> None:
        whole: Sequence[Deadline] = deadlines
        if previous is not None:
            whole, moved = deadline_changes(previous, deadlines)
            for d in moved:
                cur.execute(self.sql.deadline_move, self.enc.deadline_move(case_id, d, at))
                if cur.rowcount != 1:  # the row is missing (never expected): write it whole
                    whole.append(d)
        if whole:
            cur.executemany(self.sql.deadline_upsert,
                            [self.enc.deadline(case_id, d, at) for d in whole])

    def upsert_deadlines_in(
        self, conn: sa.Connection, case_id: str, deadlines: Sequence[Deadline], at: datetime
    ) -> None:
        """Upsert one row per timer inside the caller's write transaction."""
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cur.executemany(self.sql.deadline_upsert,
                            [self.enc.deadline(case_id, d, at) for d in deadlines])
        finally:
            cur.close()

    def correct_rows_in(
        self, conn: sa.Connection, case_id: str, state: CaseState, timers: Sequence[str]
    ) -> None:
        """After a correction (issue 15), inside the caller's write transaction: drop the
        deadline rows of timers the corrected history no longer has (a voided step started
        them) and set the case row's ``withdrawn`` mark from ``state``."""
        d = t.deadlines
        conn.execute(d.delete().where(d.c.case_id == case_id, d.c.timer.not_in(list(timers))))
        if state.withdrawn:
            conn.execute(t.cases.update().where(t.cases.c.id == case_id).values(withdrawn=True))

    # -- reads ------------------------------------------------------------------------
    def load_case(self, ref: str) -> CaseRecord | None:
        """A case by stable id or by readable number; None when there is none (one
        driver-level SELECT by id, then one by number: every transition starts here)."""
        raw = self.engine.raw_connection()
        try:
            if not self._sqlite:
                raw.driver_connection.autocommit = True  # type: ignore[union-attr]
            cur = raw.cursor()
            found = None
            for key in ("id", "number"):
                cur.execute(self.sql.case_by[key], (ref,))
                found = cur.fetchone()
                if found is not None:
                    break
            cur.close()
        finally:
            if not self._sqlite:
                raw.driver_connection.autocommit = False  # type: ignore[union-attr]
            raw.close()
        return None if found is None else CaseRecord.from_row(self.enc.case_row(found))

    def cases_for_update_in(
        self, conn: sa.Connection, ids: Sequence[str]
    ) -> dict[str, CaseRecord]:
        """The cases ``ids`` inside the caller's write transaction, by id.  PostgreSQL: locked
        ``FOR UPDATE SKIP LOCKED`` — a case another transaction holds is left out, so the
        caller can leave it for later instead of waiting; SQLite: the write transaction
        (``BEGIN IMMEDIATE``) already excludes every other writer."""
        if not ids:
            return {}
        from rongcuo.adapters.db.sql import CASE_COLUMNS

        cols = ", ".join(CASE_COLUMNS)
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if self._sqlite:
                cur.execute(
                    f"SELECT {cols} FROM cases WHERE id IN ({', '.join('?' * len(ids))})",
                    list(ids),
                )
            else:
                cur.execute(
                    f"SELECT {cols} FROM cases WHERE id = ANY(%s) FOR UPDATE SKIP LOCKED",
                    (list(ids),),
                )
            found = cur.fetchall()
        finally:
            cur.close()
        return {str(r[0]): CaseRecord.from_row(self.enc.case_row(r)) for r in found}

    def claim_due_in(
        self, conn: sa.Connection, now: datetime, skip: set[tuple[str, str]], limit: int
    ) -> list[tuple[str, str]]:
        """Up to ``limit`` (case, timer) deadline rows owing a notice at ``now``, oldest
        first, inside the caller's write transaction — ``FOR UPDATE SKIP LOCKED`` on
        PostgreSQL, so several sweepers share the rows and never take the same one."""
        d = t.deadlines
        q = (
            sa.select(d.c.case_id, d.c.timer)
            .where(d.c.next_notice_at <= now)
            .order_by(d.c.next_notice_at)
            .limit(limit)
        )
        if skip:
            q = q.where(sa.tuple_(d.c.case_id, d.c.timer).not_in(sorted(skip)))
        if not self._sqlite:
            q = q.with_for_update(skip_locked=True)
        return [(str(r[0]), str(r[1])) for r in conn.execute(q)]

    def case_events(self, case_id: str) -> list[StoredEvent]:
        """A case's events in ``seq`` order."""
        with self.read() as conn:
            return self.case_events_in(conn, case_id)

    def case_events_in(self, conn: sa.Connection, case_id: str) -> list[StoredEvent]:
        """A case's events in ``seq`` order, read in the caller's transaction."""
        rows = conn.execute(
            sa.select(t.events).where(t.events.c.case_id == case_id).order_by(t.events.c.seq)
        ).mappings()
        return [StoredEvent.from_row(r) for r in rows]

    def iter_events(self, *, after_id: int = 0, batch: int = 2000) -> Iterator[StoredEvent]:
        """Every event with ``id > after_id`` in global order (``id``), streamed.

        One read transaction (a snapshot: REPEATABLE READ on PostgreSQL, a WAL read snapshot on
        SQLite) with a server-side cursor fetching ``batch`` rows at a time, so a million
        events stream in constant memory and no event committed late with a lower ``id`` is
        skipped at a batch boundary.  Within a case, ``id`` order is ``seq`` order.
        """
        conn = self.engine.connect().execution_options(
            stream_results=True,
            yield_per=batch,
            rongcuo_read=True,
            **({"isolation_level": "REPEATABLE READ"} if not self._sqlite else {}),
        )
        with conn, conn.begin():
            result = conn.execute(
                sa.select(t.events).where(t.events.c.id > after_id).order_by(t.events.c.id)
            )
            for r in result.mappings():
                yield StoredEvent.from_row(r)


def _integrity_errors(sqlite: bool) -> tuple[type[Exception], ...]:
    """Unique violations: SQLAlchemy's, and the driver's own (the hot path talks to the
    driver directly).  psycopg is imported only for PostgreSQL: a SQLite command must not
    pay for a driver it does not use."""
    from sqlalchemy.exc import IntegrityError

    if sqlite:
        import sqlite3

        return (IntegrityError, sqlite3.IntegrityError)
    import psycopg

    return (IntegrityError, psycopg.IntegrityError)
