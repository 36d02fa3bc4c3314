"""The durable case store: one-transaction appends, optimistic locking, idempotency, reads.

Writes (:meth:`Store.create_case`, :meth:`Store.commit`) do, in ONE transaction:

1. record the idempotency key, if any (a concurrent duplicate blocks on it, then finds it);
2. ``UPDATE cases … SET version = version + 1 WHERE id = :id AND version = :expected`` — zero
   rows means another writer was first: :class:`ConcurrencyConflict`, nothing written;
3. insert the new events (``seq`` continues the case, each hash-chained, ``recorded_at`` from
   the injected clock);
4. upsert one ``deadlines`` row per timer of the decision's projection.

Reads return plain frozen records; :meth:`Store.iter_events` streams the whole log in global
order with keyset pagination (auditors verify a million events without loading them).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from rongcuo.adapters.db import tables as t
from rongcuo.adapters.db.codec import JSON_TEXT, jsonable, state_columns, state_from_row
from rongcuo.adapters.db.engine import copy_rows
from rongcuo.domain.case import CaseState, Deadline, Event, deadline_changes
from rongcuo.domain.chain import GENESIS, canonical_fields, canonical_fields_of, event_hash
from rongcuo.domain.errors import InvalidInput
from rongcuo.service.errors import CaseNotFound, ConcurrencyConflict, StoreError


def _integrity_errors() -> tuple[type[Exception], ...]:
    """Unique violations: SQLAlchemy's, and the drivers' own (the hot path talks to the
    driver directly)."""
    import sqlite3

    import psycopg

    return (IntegrityError, sqlite3.IntegrityError, psycopg.IntegrityError)


INTEGRITY_ERRORS = _integrity_errors()


def utc(at: datetime | None) -> datetime | None:
    """Stored instants as aware UTC (SQLite hands them back naive, in UTC)."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


@dataclass(frozen=True)
class StoredEvent:
    """One row of the event log."""

    id: int
    case_id: str
    seq: int
    trigger: str
    type: str
    on: date
    actor: str
    article: str
    data: Mapping[str, Any]
    workflow_id: str
    workflow_version: str
    recorded_at: datetime
    idempotency_key: str | None
    prev_hash: str
    hash: str

    def to_event(self) -> Event:
        return Event(self.trigger, self.type, self.on, self.actor, self.article, dict(self.data))

    def hashed_fields(self) -> dict[str, Any]:
        """The fields :func:`rongcuo.domain.chain.event_hash` covers, plus ``hash``."""
        return {**canonical_fields_of(self), "hash": self.hash}

    def to_dict(self) -> dict[str, Any]:
        d = self.hashed_fields()
        d["id"] = self.id
        d["idempotency_key"] = self.idempotency_key
        return d

    @classmethod
    def from_row(cls, r: Mapping[Any, Any]) -> StoredEvent:
        return cls(
            id=int(r["id"]),
            case_id=r["case_id"],
            seq=int(r["seq"]),
            trigger=r["trigger"],
            type=r["type"],
            on=r["on"],
            actor=r["actor"],
            article=r["article"],
            data=dict(r["data"] or {}),
            workflow_id=r["workflow_id"],
            workflow_version=r["workflow_version"],
            recorded_at=utc(r["recorded_at"]),  # type: ignore[arg-type]
            idempotency_key=r["idempotency_key"],
            prev_hash=r["prev_hash"],
            hash=r["hash"],
        )


@dataclass(frozen=True)
class CaseRecord:
    """A case row: identity plus the persisted :class:`CaseState` and its version."""

    id: str
    number: str
    subject: str
    agency: str
    opened_on: date
    state: CaseState
    version: int
    last_seq: int
    last_hash: str
    created_at: datetime
    updated_at: datetime

    @property
    def workflow_id(self) -> str:
        return self.state.workflow_id

    @property
    def workflow_version(self) -> str:
        return self.state.workflow_version

    @classmethod
    def from_row(cls, r: Mapping[Any, Any]) -> CaseRecord:
        return cls(
            id=r["id"],
            number=r["number"],
            subject=r["subject"],
            agency=r["agency"],
            opened_on=r["opened_on"],
            state=state_from_row(r),
            version=int(r["version"]),
            last_seq=int(r["last_seq"]),
            last_hash=r["last_hash"],
            created_at=utc(r["created_at"]),  # type: ignore[arg-type]
            updated_at=utc(r["updated_at"]),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class DeadlineRecord:
    case_id: str
    timer: str
    status: str
    due: date | None
    provisional: bool
    basis: Mapping[str, Any]
    started_on: date
    label_zh: str
    label_en: str
    next_notice: str | None
    next_notice_at: datetime | None

    def as_deadline(self) -> Deadline:
        """The row as the domain's :class:`Deadline` (one JSON shape for both)."""
        return Deadline(
            timer=self.timer,
            status=self.status,  # type: ignore[arg-type]
            due=self.due,
            provisional=self.provisional,
            basis=self.basis,
            started_on=self.started_on,
            label_zh=self.label_zh,
            label_en=self.label_en,
            next_notice=self.next_notice,
            next_notice_at=self.next_notice_at,
        )

    def to_dict(self) -> dict[str, Any]:
        return self.as_deadline().to_dict()

    @classmethod
    def from_row(cls, r: Mapping[Any, Any]) -> DeadlineRecord:
        return cls(
            case_id=r["case_id"],
            timer=r["timer"],
            status=r["status"],
            due=r["due"],
            provisional=bool(r["provisional"]),
            basis=dict(r["basis"] or {}),
            started_on=r["started_on"],
            label_zh=r["label_zh"],
            label_en=r["label_en"],
            next_notice=r["next_notice"],
            next_notice_at=utc(r["next_notice_at"]),
        )


@dataclass(frozen=True)
class Idempotency:
    """An idempotency key and the fingerprint of the command it was sent with."""

    key: str
    fingerprint: str

    @classmethod
    def for_command(cls, key: str, **command: Any) -> Idempotency:
        raw = json.dumps(jsonable(command), sort_keys=True, ensure_ascii=False)
        return cls(key, hashlib.sha256(raw.encode("utf-8")).hexdigest())


@dataclass(frozen=True)
class CommitResult:
    case_id: str
    number: str
    state: str
    version: int
    events: tuple[StoredEvent, ...] = field(default_factory=tuple)
    replayed: bool = False  # True: an idempotent retry; the first result is returned

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.case_id,
            "number": self.number,
            "state": self.state,
            "version": self.version,
            "seqs": [e.seq for e in self.events],
        }


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Row tuples as one list per column (the arrays a PostgreSQL ``unnest`` takes); JSON
    values (psycopg ``Jsonb``) as the text psycopg would have sent for them."""
    from psycopg.types.json import Jsonb

    cols = [[r[i] for r in rows] for i in range(width)]
    for i, col in enumerate(cols):
        if col and isinstance(col[0], Jsonb):
            cols[i] = [None if v is None else json.dumps(v.obj) for v in col]
    return cols


EVENT_COLUMNS = ("case_id", "seq", "trigger", "type", "on", "actor", "article", "data",
                 "workflow_id", "workflow_version", "recorded_at", "idempotency_key",
                 "prev_hash", "hash")


@dataclass(frozen=True)
class PendingAppend:
    """One case's append for :meth:`Store.append_many_in`: the case as loaded (its version is
    the optimistic check), the new state, its events and its deadline projection."""

    case_id: str
    number: str
    expected_version: int
    last_seq: int
    last_hash: str
    state: CaseState
    events: Sequence[Event]
    deadlines: Sequence[Deadline]
    recorded_at: datetime
    # The projection the deadline rows hold now (the engine's, for the state as loaded):
    # when given, only what moved is written (:func:`deadline_changes`); when None, every
    # row of ``deadlines`` is upserted whole.
    previous: Sequence[Deadline] | None = None


class Store:
    """The case store over one SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._sqlite = self.dialect == "sqlite"
        ph = "?" if self._sqlite else "%s"

        def sql(text: str) -> str:
            return text.replace("%s", ph)

        self._sql_case_update = sql(
            "UPDATE cases SET version = %s, last_seq = %s, last_hash = %s, updated_at = %s,"
            " state = %s, facts = %s, timers = %s, last_on = %s, closed = %s"
            " WHERE id = %s AND version = %s"
        )
        self._sql_event_insert = sql(
            'INSERT INTO events (case_id, seq, "trigger", type, "on", actor, article, data,'
            " workflow_id, workflow_version, recorded_at, idempotency_key, prev_hash, hash)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        )
        self._sql_deadline_upsert = sql(
            "INSERT INTO deadlines (case_id, timer, status, due, provisional, basis, started_on,"
            " label_zh, label_en, next_notice, next_notice_at, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (case_id, timer) DO UPDATE SET status = excluded.status,"
            " due = excluded.due, provisional = excluded.provisional, basis = excluded.basis,"
            " started_on = excluded.started_on, label_zh = excluded.label_zh,"
            " label_en = excluded.label_en, next_notice = excluded.next_notice,"
            " next_notice_at = excluded.next_notice_at, updated_at = excluded.updated_at"
        )

        # PostgreSQL batch forms (``append_many_in``): one statement per table and batch,
        # the rows passed as one array per column (binary: text-format arrays cost more to
        # encode than the writes; JSON goes as its text, parsed by jsonb as before) and
        # unnested in order.
        self._pg_case_update_many = (
            "UPDATE cases SET version = v.version, last_seq = v.last_seq,"
            " last_hash = v.last_hash, updated_at = v.updated_at, state = v.state,"
            " facts = v.facts, timers = v.timers, last_on = v.last_on, closed = v.closed"
            " FROM unnest(%b::int[], %b::int[], %b::text[], %b::timestamptz[], %b::text[],"
            " %b::text[]::jsonb[], %b::text[]::jsonb[], %b::date[], %b::bool[], %b::text[],"
            " %b::int[])"
            " AS v(version, last_seq, last_hash, updated_at, state, facts, timers, last_on,"
            " closed, id, expected)"
            " WHERE cases.id = v.id AND cases.version = v.expected RETURNING cases.id"
        )
        # A deadline whose basis is unchanged (see ``deadline_changes``): only the columns
        # that move when a notice is recorded or a status changes.
        self._sql_deadline_move = sql(
            "UPDATE deadlines SET status = %s, due = %s, provisional = %s, next_notice = %s,"
            " next_notice_at = %s, updated_at = %s WHERE case_id = %s AND timer = %s"
        )
        self._pg_deadline_move_many = (
            "UPDATE deadlines SET status = v.status, due = v.due, provisional = v.provisional,"
            " next_notice = v.next_notice, next_notice_at = v.next_notice_at,"
            " updated_at = v.updated_at"
            " FROM unnest(%b::text[], %b::date[], %b::bool[], %b::text[], %b::timestamptz[],"
            " %b::timestamptz[], %b::text[], %b::text[])"
            " AS v(status, due, provisional, next_notice, next_notice_at, updated_at, case_id,"
            " timer)"
            " WHERE deadlines.case_id = v.case_id AND deadlines.timer = v.timer"
            " RETURNING deadlines.case_id, deadlines.timer"
        )
        self._pg_deadline_upsert_many = (
            "INSERT INTO deadlines (case_id, timer, status, due, provisional, basis, started_on,"
            " label_zh, label_en, next_notice, next_notice_at, updated_at)"
            " SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12"
            " FROM unnest(%b::text[], %b::text[], %b::text[], %b::date[], %b::bool[],"
            " %b::text[]::jsonb[], %b::date[], %b::text[], %b::text[], %b::text[],"
            " %b::timestamptz[], %b::timestamptz[]) WITH ORDINALITY"
            " AS v(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, n) ORDER BY n"
            + self._sql_deadline_upsert[self._sql_deadline_upsert.index(" ON CONFLICT"):]
        )

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

    # -- idempotency ------------------------------------------------------------------
    def command_result(self, idem: Idempotency) -> CommitResult | None:
        """The result first returned for this key, or None.  A key reused for a different
        command is refused (nothing is written)."""
        with self.read() as conn:
            row = (
                conn.execute(sa.select(t.commands).where(t.commands.c.idempotency_key == idem.key))
                .mappings()
                .first()
            )
        if row is None:
            return None
        if row["fingerprint"] != idem.fingerprint:
            raise InvalidInput(
                f"幂等键“{idem.key}”已用于另一条不同的指令，本次未记录任何内容",
                f"idempotency key {idem.key!r} was already used for a different command; "
                "nothing was recorded",
                code="command.idempotency_key_reused",
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

    # -- writes -----------------------------------------------------------------------
    def _next_number(self, conn: sa.Connection, workflow_id: str, year: int, pattern: str) -> str:
        ins = (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(
            t.case_counters
        ).values(workflow_id=workflow_id, year=year, last_n=1)
        stmt = ins.on_conflict_do_update(
            index_elements=["workflow_id", "year"],
            set_={"last_n": t.case_counters.c.last_n + 1},
        ).returning(t.case_counters.c.last_n)
        n = int(conn.execute(stmt).scalar_one())  # the upsert row-locks the counter on PostgreSQL
        try:
            return pattern.format(year=year, n=n)
        except (KeyError, IndexError, ValueError) as exc:
            raise StoreError(
                f"案件编号格式“{pattern}”无效（只能使用 {{year}} 和 {{n}}）",
                f"case number pattern {pattern!r} is invalid (only {{year}} and {{n}}): {exc}",
                code="store.case_number_pattern",
            ) from exc

    def create_case(
        self,
        *,
        subject: str,
        agency: str,
        opened_on: date,
        number_pattern: str,
        events: Sequence[Event],
        state: CaseState,
        deadlines: Sequence[Deadline],
        recorded_at: datetime,
        idempotency: Idempotency | None = None,
        case_id: str | None = None,
    ) -> CommitResult:
        """Open a case: number, row, first events and deadlines in one transaction."""
        case_id = case_id or uuid.uuid4().hex
        try:
            with self.write() as conn:
                number = self._next_number(conn, state.workflow_id, opened_on.year, number_pattern)
                conn.execute(
                    t.cases.insert().values(
                        id=case_id,
                        number=number,
                        subject=subject,
                        agency=agency,
                        opened_on=opened_on,
                        version=0,
                        last_seq=0,
                        last_hash=GENESIS,
                        created_at=recorded_at,
                        updated_at=recorded_at,
                        **state_columns(state),
                    )
                )
                result = self.append_in(
                    conn,
                    case_id,
                    number,
                    0,
                    0,
                    GENESIS,
                    state,
                    events,
                    deadlines,
                    recorded_at,
                    idempotency,
                )
        except INTEGRITY_ERRORS as exc:
            return self._after_integrity_error(exc, idempotency, case_id)
        return result

    def commit(
        self,
        case: CaseRecord,
        *,
        events: Sequence[Event],
        state: CaseState,
        deadlines: Sequence[Deadline],
        recorded_at: datetime,
        idempotency: Idempotency | None = None,
    ) -> CommitResult:
        """Append ``events`` to ``case`` (as loaded: its version is the optimistic check)."""
        try:
            with self.write() as conn:
                return self.append_in(
                    conn,
                    case.id,
                    case.number,
                    case.version,
                    case.last_seq,
                    case.last_hash,
                    state,
                    events,
                    deadlines,
                    recorded_at,
                    idempotency,
                )
        except INTEGRITY_ERRORS as exc:
            return self._after_integrity_error(exc, idempotency, case.id)
        except ConcurrencyConflict:
            if idempotency is not None:  # the winner may have been our own first attempt
                first = self.command_result(idempotency)
                if first is not None:
                    return first
            raise

    def _after_integrity_error(
        self, exc: Exception, idem: Idempotency | None, case_id: str
    ) -> CommitResult:
        if idem is not None:
            first = self.command_result(idem)
            if first is not None:
                return first
        raise ConcurrencyConflict(
            "另一操作已先修改本案，本次未记录任何内容，请重新查看案件后再试",
            "another writer changed this case first; nothing was recorded — "
            "reload the case and try again",
            code="case.conflict",
            details={"case_id": case_id, "cause": type(getattr(exc, "orig", exc)).__name__},
        ) from exc

    def append_in(
        self,
        conn: sa.Connection,
        case_id: str,
        number: str,
        expected_version: int,
        last_seq: int,
        last_hash: str,
        state: CaseState,
        events: Sequence[Event],
        deadlines: Sequence[Deadline],
        recorded_at: datetime,
        idem: Idempotency | None,
    ) -> CommitResult:
        """Append inside the caller's write transaction (``with store.write() as conn``), so a
        caller can add rows of its own to the same commit (the sweep's outbox rows).  The
        UPDATE of the case row checks ``expected_version``: a stale caller gets
        ``ConcurrencyConflict`` and its transaction must roll back."""
        recorded_at = utc(recorded_at)  # type: ignore[assignment]
        new_version = expected_version + 1
        if idem is not None:
            # First, so a concurrent duplicate waits on this key and then finds our result.
            conn.execute(
                t.commands.insert().values(
                    idempotency_key=idem.key,
                    fingerprint=idem.fingerprint,
                    case_id=case_id,
                    result={
                        "id": case_id,
                        "number": number,
                        "state": state.state,
                        "version": new_version,
                    },
                    recorded_at=recorded_at,
                )
            )
        rows, stored, seq, prev = self._event_rows(
            case_id, last_seq, last_hash, state, events, recorded_at, idem
        )
        # The hot path speaks to the driver directly (same transaction, same SQL as the
        # SQLAlchemy tables describe): compiling three statements per transition cost more
        # than the writes themselves (see ``rongcuo bench store``).
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cur.execute(
            self._sql_case_update,
            self._case_params(state, expected_version, seq, prev, recorded_at, case_id),
        )
        if cur.rowcount != 1:
            raise ConcurrencyConflict(
                "另一操作已先修改本案，本次未记录任何内容，请重新查看案件后再试",
                "another writer changed this case first; nothing was recorded — "
                "reload the case and try again",
                code="case.conflict",
                details={"case_id": case_id, "expected_version": expected_version},
            )
        if rows:
            cur.executemany(self._sql_event_insert, [self._event_params(r) for r in rows])
        cur.close()
        if deadlines:
            self.upsert_deadlines_in(conn, case_id, deadlines, recorded_at)
        return CommitResult(case_id, number, state.state, new_version, tuple(stored))

    def upsert_deadlines_in(
        self, conn: sa.Connection, case_id: str, deadlines: Sequence[Deadline], at: datetime
    ) -> None:
        """Upsert one row per timer inside the caller's write transaction (the sweep and the
        recompute service use it too)."""
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cur.executemany(
            self._sql_deadline_upsert,
            [self._deadline_params(case_id, d, at) for d in deadlines],
        )
        cur.close()

    def append_many_in(
        self,
        conn: sa.Connection,
        appends: Sequence[PendingAppend],
        *,
        deadlines_only: Sequence[tuple[str, Sequence[Deadline], datetime]] = (),
    ) -> list[CommitResult]:
        """Many cases' appends inside the caller's write transaction, in a few statements:
        what :meth:`append_in` does per case (same rows, same hash chain), batched — all the
        case-row UPDATEs (each with its own version check), then all the events, then the
        deadline rows (plus ``deadlines_only``: rows re-planned without an event) — of an
        append that says what the rows held (``previous``), only what moved: a narrow UPDATE
        of status, due date and next notice when the basis is unchanged, nothing for an
        unchanged timer.

        If any case's version moved, :class:`ConcurrencyConflict` is raised before any event
        is written, with ``details["case_ids"]`` naming every stale case: the caller must roll
        back and retry without them (the other cases' UPDATEs are in the same transaction)."""
        results: list[CommitResult] = []
        event_params: list[tuple[Any, ...]] = []
        case_params: list[tuple[Any, ...]] = []
        deadline_params: list[tuple[Any, ...]] = []
        move_params: list[tuple[Any, ...]] = []
        moved_by_key: dict[tuple[str, str], tuple[str, Deadline, datetime]] = {}
        for a in appends:
            at = utc(a.recorded_at)
            assert at is not None
            rows, stored, seq, prev = self._event_rows(
                a.case_id, a.last_seq, a.last_hash, a.state, a.events, at, None
            )
            case_params.append(self._case_params(a.state, a.expected_version, seq, prev, at,
                                                 a.case_id))
            event_params.extend(self._event_params(r) for r in rows)
            if a.previous is None:
                whole: Sequence[Deadline] = a.deadlines
            else:
                whole, moved = deadline_changes(a.previous, a.deadlines)
                for d in moved:
                    move_params.append(self._move_params(a.case_id, d, at))
                    moved_by_key[(a.case_id, d.timer)] = (a.case_id, d, at)
            deadline_params.extend(self._deadline_params(a.case_id, d, at) for d in whole)
            results.append(CommitResult(a.case_id, a.number, a.state.state,
                                        a.expected_version + 1, tuple(stored)))
        for case_id, dls, at in deadlines_only:
            deadline_params.extend(self._deadline_params(case_id, d, at) for d in dls)
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if case_params:
                updated = self._update_cases(cur, case_params)
                stale = [a.case_id for a in appends if a.case_id not in updated]
                if stale:
                    raise ConcurrencyConflict(
                        "另一操作已先修改本案，本次未记录任何内容，请重新查看案件后再试",
                        "another writer changed this case first; nothing was recorded — "
                        "reload the case and try again",
                        code="case.conflict",
                        details={"case_ids": stale},
                    )
            if event_params:
                if self._sqlite:
                    cur.executemany(self._sql_event_insert, event_params)
                else:
                    copy_rows(cur, "events", EVENT_COLUMNS, event_params)
            if move_params:
                # A row the projection says exists but the table lacks (never expected) is
                # written whole rather than silently missed.
                done = self._move_deadlines(cur, move_params)
                deadline_params.extend(
                    self._deadline_params(cid, d, at)
                    for key, (cid, d, at) in moved_by_key.items()
                    if key not in done
                )
            if deadline_params:
                if self._sqlite:
                    cur.executemany(self._sql_deadline_upsert, deadline_params)
                else:
                    cur.execute(self._pg_deadline_upsert_many, _columns(deadline_params, 12))
        finally:
            cur.close()
        return results

    def _move_deadlines(self, cur: Any, params: list[tuple[Any, ...]]) -> set[tuple[str, ...]]:
        """Run the narrow deadline UPDATEs; the (case, timer) keys of the rows updated."""
        return self._checked_updates(
            cur, self._sql_deadline_move, self._pg_deadline_move_many, params, key=(-2, -1)
        )

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
        cur.execute(pg_many, _columns(params, len(params[0])))
        done.update(tuple(str(v) for v in r) for r in cur.fetchall())
        return done

    def _move_params(self, case_id: str, d: Deadline, at: datetime) -> tuple[Any, ...]:
        return (
            d.status,
            self._d(d.due),
            d.provisional,
            d.next_notice,
            self._ts(utc(d.next_notice_at)),
            self._ts(utc(at)),
            case_id,
            d.timer,
        )

    def _case_params(
        self, state: CaseState, expected: int, seq: int, last_hash: str, at: datetime,
        case_id: str,
    ) -> tuple[Any, ...]:
        cols = state_columns(state)
        return (
            expected + 1,
            seq,
            last_hash,
            self._ts(at),
            cols["state"],
            self._json(cols["facts"]),
            self._json(cols["timers"]),
            self._d(cols["last_on"]),
            cols["closed"],
            case_id,
            expected,
        )

    def _update_cases(self, cur: Any, params: list[tuple[Any, ...]]) -> set[str]:
        """Run the version-checked case UPDATEs; the ids of the rows actually updated."""
        return {k[0] for k in self._checked_updates(
            cur, self._sql_case_update, self._pg_case_update_many, params, key=(-2,)
        )}

    def _event_rows(
        self,
        case_id: str,
        last_seq: int,
        last_hash: str,
        state: CaseState,
        events: Sequence[Event],
        recorded_at: datetime,
        idem: Idempotency | None,
    ) -> tuple[list[dict[str, Any]], list[StoredEvent], int, str]:
        """The hash-chained event rows continuing ``last_seq`` / ``last_hash``; also the last
        seq and hash (the case row's new ``last_seq`` / ``last_hash``)."""
        rows: list[dict[str, Any]] = []
        stored: list[StoredEvent] = []
        prev = last_hash
        seq = last_seq
        for ev in events:
            seq += 1
            data = jsonable(dict(ev.data))
            fields = canonical_fields(
                case_id=case_id,
                seq=seq,
                prev_hash=prev,
                trigger=ev.trigger,
                type=ev.type,
                on=ev.on,
                actor=ev.actor,
                article=ev.article,
                data=data,
                workflow_id=state.workflow_id,
                workflow_version=state.workflow_version,
                recorded_at=recorded_at,
            )
            h = event_hash(fields)
            row = {
                "case_id": case_id,
                "seq": seq,
                "trigger": ev.trigger,
                "type": ev.type,
                "on": ev.on,
                "actor": ev.actor,
                "article": ev.article,
                "data": data,
                "workflow_id": state.workflow_id,
                "workflow_version": state.workflow_version,
                "recorded_at": recorded_at,
                "idempotency_key": idem.key if idem else None,
                "prev_hash": prev,
                "hash": h,
            }
            rows.append(row)
            stored.append(StoredEvent(id=0, **row))
            prev = h
        return rows, stored, seq, prev

    def _event_params(self, r: Mapping[str, Any]) -> tuple[Any, ...]:
        return (
            r["case_id"],
            r["seq"],
            r["trigger"],
            r["type"],
            self._d(r["on"]),
            r["actor"],
            r["article"],
            self._json(r["data"]),
            r["workflow_id"],
            r["workflow_version"],
            self._ts(r["recorded_at"]),
            r["idempotency_key"],
            r["prev_hash"],
            r["hash"],
        )

    def _deadline_params(self, case_id: str, d: Deadline, at: datetime) -> tuple[Any, ...]:
        return (
            case_id,
            d.timer,
            d.status,
            self._d(d.due),
            d.provisional,
            self._json(jsonable(dict(d.basis))),
            self._d(d.started_on),
            d.label_zh,
            d.label_en,
            d.next_notice,
            self._ts(utc(d.next_notice_at)),
            self._ts(utc(at)),
        )

    # -- driver-level encoding (what SQLAlchemy's types would store) --------------------
    def _d(self, v: date | None) -> Any:
        return v.isoformat() if (v is not None and self._sqlite) else v

    def _ts(self, v: datetime | None) -> Any:
        if v is None or not self._sqlite:
            return v
        return utc(v).strftime("%Y-%m-%d %H:%M:%S.%f")  # type: ignore[union-attr]  # SQLAlchemy's SQLite format

    def _json(self, v: Any) -> Any:
        if self._sqlite:
            return JSON_TEXT(v)
        from psycopg.types.json import Jsonb

        return Jsonb(v)

    # -- reads ------------------------------------------------------------------------
    def load_case(self, ref: str) -> CaseRecord:
        """A case by stable id or by readable number; :class:`CaseNotFound` otherwise."""
        row = self._load_case_row(ref)
        if row is None:
            raise CaseNotFound(
                f"找不到案件“{ref}”（请使用案件 id 或案件编号）",
                f"no case {ref!r} (give the case id or its number)",
                code="case.not_found",
            )
        return CaseRecord.from_row(row)

    _CASE_COLUMNS = (
        "id",
        "number",
        "subject",
        "agency",
        "opened_on",
        "workflow_id",
        "workflow_version",
        "state",
        "facts",
        "timers",
        "last_on",
        "closed",
        "version",
        "last_seq",
        "last_hash",
        "created_at",
        "updated_at",
    )

    def _load_case_row(self, ref: str) -> dict[str, Any] | None:
        """One driver-level SELECT by id (then by number): every transition starts here."""
        ph = "?" if self._sqlite else "%s"
        cols = ", ".join(self._CASE_COLUMNS)
        raw = self.engine.raw_connection()
        try:
            if not self._sqlite:
                raw.driver_connection.autocommit = True  # type: ignore[union-attr]
            cur = raw.cursor()
            found = None
            for key in ("id", "number"):
                cur.execute(f"SELECT {cols} FROM cases WHERE {key} = {ph}", (ref,))
                found = cur.fetchone()
                if found is not None:
                    break
            cur.close()
        finally:
            if not self._sqlite:
                raw.driver_connection.autocommit = False  # type: ignore[union-attr]
            raw.close()
        if found is None:
            return None
        return self._case_row(found)

    def cases_for_update_in(
        self, conn: sa.Connection, ids: Sequence[str]
    ) -> dict[str, CaseRecord]:
        """The cases ``ids`` inside the caller's write transaction, by id.  PostgreSQL: locked
        ``FOR UPDATE SKIP LOCKED`` — a case another transaction holds is left out, so the
        caller can leave it for later instead of waiting; SQLite: the write transaction
        (``BEGIN IMMEDIATE``) already excludes every other writer."""
        if not ids:
            return {}
        cols = ", ".join(self._CASE_COLUMNS)
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
        return {str(r[0]): CaseRecord.from_row(self._case_row(r)) for r in found}

    def _case_row(self, found: Sequence[Any]) -> dict[str, Any]:
        """A driver-level ``cases`` row (:attr:`_CASE_COLUMNS`) as SQLAlchemy would decode it."""
        row = dict(zip(self._CASE_COLUMNS, found, strict=True))
        if self._sqlite:  # what SQLAlchemy's types would have decoded
            for k in ("facts", "timers"):
                row[k] = json.loads(row[k]) if isinstance(row[k], str) else row[k]
            for k in ("opened_on", "last_on"):
                row[k] = date.fromisoformat(row[k]) if row[k] else None
            for k in ("created_at", "updated_at"):
                row[k] = datetime.fromisoformat(row[k]) if row[k] else None
        return row

    def case_events(self, case_id: str) -> list[StoredEvent]:
        """A case's events in ``seq`` order."""
        with self.read() as conn:
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

    def deadlines(
        self,
        *,
        case_id: str | None = None,
        statuses: Sequence[str] | None = None,
        due_before: date | None = None,
    ) -> list[DeadlineRecord]:
        """Deadline rows, filtered (``due_before`` is strict: ``due < date``)."""
        q = sa.select(t.deadlines)
        if case_id is not None:
            q = q.where(t.deadlines.c.case_id == case_id)
        if statuses:
            q = q.where(t.deadlines.c.status.in_(list(statuses)))
        if due_before is not None:
            q = q.where(t.deadlines.c.due < due_before)
        q = q.order_by(t.deadlines.c.due, t.deadlines.c.case_id, t.deadlines.c.timer)
        with self.read() as conn:
            return [DeadlineRecord.from_row(r) for r in conn.execute(q).mappings()]

    def list_cases(
        self,
        *,
        workflow_id: str | None = None,
        state: str | None = None,
        due_before: date | None = None,
        overdue_as_of: date | None = None,
    ) -> list[CaseRecord]:
        """Cases filtered by workflow, state, a running deadline due before a date, or a
        deadline overdue as of a date (status ``overdue``, or running with ``due < as_of``:
        a period ends at 24:00 CST of its due date)."""
        q = sa.select(t.cases)
        if workflow_id:
            q = q.where(t.cases.c.workflow_id == workflow_id)
        if state:
            q = q.where(t.cases.c.state == state)
        d = t.deadlines
        if due_before is not None:
            q = q.where(
                t.cases.c.id.in_(
                    sa.select(d.c.case_id).where(d.c.status == "running", d.c.due < due_before)
                )
            )
        if overdue_as_of is not None:
            q = q.where(
                t.cases.c.id.in_(
                    sa.select(d.c.case_id).where(
                        sa.or_(
                            d.c.status == "overdue",
                            sa.and_(d.c.status == "running", d.c.due < overdue_as_of),
                        )
                    )
                )
            )
        q = q.order_by(t.cases.c.opened_on, t.cases.c.number)
        with self.read() as conn:
            return [CaseRecord.from_row(r) for r in conn.execute(q).mappings()]

    def prior_tolerances(
        self, *, subject: str, matter: str | None, exclude_case: str | None = None
    ) -> list[dict[str, Any]]:
        """Earlier cases of the same subject (and matter, when given) whose outcome was
        tolerated (exempted / lighter / mitigated) — context for Licheng art. 12(5)."""
        tolerated = {"exempted", "lighter", "mitigated"}
        q = sa.select(t.cases).where(t.cases.c.subject == subject).order_by(t.cases.c.opened_on)
        out: list[dict[str, Any]] = []
        with self.read() as conn:
            for r in conn.execute(q).mappings():
                if r["id"] == exclude_case:
                    continue
                facts = r["facts"] or {}
                if facts.get("outcome") not in tolerated:
                    continue
                if matter is not None and facts.get("matter") not in (None, matter):
                    continue
                out.append(
                    {
                        "case_id": r["id"],
                        "number": r["number"],
                        "subject": r["subject"],
                        "matter": facts.get("matter"),
                        "outcome": facts.get("outcome"),
                        "on": (r["last_on"] or r["opened_on"]).isoformat(),
                        # the date of the decision, where the workflow records it
                        "decided_on": facts.get("determined_on"),
                        "workflow": r["workflow_id"],
                    }
                )
        return out

    def count(self, table: sa.Table) -> int:
        with self.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
