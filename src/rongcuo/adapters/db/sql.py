"""The store's hand-written SQL and driver-level encoding, for SQLite and PostgreSQL.

The hot path (a transition, a sweep batch) speaks to the driver directly inside the
SQLAlchemy transaction: compiling three statements per transition cost more than the writes
themselves (``rongcuo bench store``).  The statements here write exactly the columns the
SQLAlchemy tables in :mod:`.tables` describe, and :class:`Encoder` turns values into what
SQLAlchemy's types would have sent (ISO text for dates on SQLite, ``Jsonb`` on PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from rongcuo.adapters.db.codec import JSON_TEXT, jsonable, state_columns
from rongcuo.adapters.db.records import Idempotency, StoredEvent, utc
from rongcuo.domain.case import CaseState, Deadline, Event
from rongcuo.domain.chain import canonical_fields, event_hash

EVENT_COLUMNS = ("case_id", "seq", "trigger", "type", "on", "actor", "article", "data",
                 "workflow_id", "workflow_version", "recorded_at", "idempotency_key",
                 "prev_hash", "hash")

CASE_COLUMNS = (
    "id", "number", "subject", "agency", "opened_on", "workflow_id", "workflow_version",
    "state", "facts", "timers", "last_on", "closed", "version", "last_seq", "last_hash",
    "created_at", "updated_at", "withdrawn",
)

_DEADLINE_UPSERT_TAIL = (
    " ON CONFLICT (case_id, timer) DO UPDATE SET status = excluded.status,"
    " due = excluded.due, provisional = excluded.provisional, basis = excluded.basis,"
    " started_on = excluded.started_on, label_zh = excluded.label_zh,"
    " label_en = excluded.label_en, next_notice = excluded.next_notice,"
    " next_notice_at = excluded.next_notice_at, updated_at = excluded.updated_at"
)


class Statements:
    """The statements of one dialect (``?`` placeholders on SQLite, ``%s`` on psycopg)."""

    def __init__(self, sqlite: bool) -> None:
        ph = "?" if sqlite else "%s"

        def sql(text: str) -> str:
            return text.replace("%s", ph)

        self.placeholder = ph
        self.case_update = sql(
            "UPDATE cases SET version = %s, last_seq = %s, last_hash = %s, updated_at = %s,"
            " state = %s, facts = %s, timers = %s, last_on = %s, closed = %s"
            " WHERE id = %s AND version = %s"
        )
        self.event_insert = sql(
            'INSERT INTO events (case_id, seq, "trigger", type, "on", actor, article, data,'
            " workflow_id, workflow_version, recorded_at, idempotency_key, prev_hash, hash)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        )
        self.deadline_upsert = sql(
            "INSERT INTO deadlines (case_id, timer, status, due, provisional, basis, started_on,"
            " label_zh, label_en, next_notice, next_notice_at, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)" + _DEADLINE_UPSERT_TAIL
        )
        # A deadline whose basis is unchanged (see ``deadline_changes``): only the columns
        # that move when a notice is recorded or a status changes.
        self.deadline_move = sql(
            "UPDATE deadlines SET status = %s, due = %s, provisional = %s, next_notice = %s,"
            " next_notice_at = %s, updated_at = %s WHERE case_id = %s AND timer = %s"
        )
        cols = ", ".join(CASE_COLUMNS)
        self.case_by = {key: sql(f"SELECT {cols} FROM cases WHERE {key} = %s")
                        for key in ("id", "number")}
        # PostgreSQL batch forms (a sweep batch): one statement per table and batch, the rows
        # passed as one array per column (binary: text-format arrays cost more to encode than
        # the writes; JSON goes as its text, parsed by jsonb as before) and unnested in order.
        self.pg_case_update_many = (
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
        self.pg_deadline_move_many = (
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
        self.pg_deadline_upsert_many = (
            "INSERT INTO deadlines (case_id, timer, status, due, provisional, basis, started_on,"
            " label_zh, label_en, next_notice, next_notice_at, updated_at)"
            " SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12"
            " FROM unnest(%b::text[], %b::text[], %b::text[], %b::date[], %b::bool[],"
            " %b::text[]::jsonb[], %b::date[], %b::text[], %b::text[], %b::text[],"
            " %b::timestamptz[], %b::timestamptz[]) WITH ORDINALITY"
            " AS v(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, n) ORDER BY n"
            + _DEADLINE_UPSERT_TAIL
        )


def columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Row tuples as one list per column (the arrays a PostgreSQL ``unnest`` takes); JSON
    values (psycopg ``Jsonb``) as the text psycopg would have sent for them."""
    from psycopg.types.json import Jsonb

    cols = [[r[i] for r in rows] for i in range(width)]
    for i, col in enumerate(cols):
        if col and isinstance(col[0], Jsonb):
            cols[i] = [None if v is None else json.dumps(v.obj) for v in col]
    return cols


class Encoder:
    """Driver-level values of one dialect: what SQLAlchemy's column types would send."""

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite

    def d(self, v: date | None) -> Any:
        return v.isoformat() if (v is not None and self.sqlite) else v

    def ts(self, v: datetime | None) -> Any:
        if v is None or not self.sqlite:
            return v
        return utc(v).strftime("%Y-%m-%d %H:%M:%S.%f")  # type: ignore[union-attr]  # SQLAlchemy's SQLite format

    def json(self, v: Any) -> Any:
        if self.sqlite:
            return JSON_TEXT(v)
        from psycopg.types.json import Jsonb

        return Jsonb(v)

    def event(self, r: Mapping[str, Any]) -> tuple[Any, ...]:
        return (
            r["case_id"], r["seq"], r["trigger"], r["type"], self.d(r["on"]), r["actor"],
            r["article"], self.json(r["data"]), r["workflow_id"], r["workflow_version"],
            self.ts(r["recorded_at"]), r["idempotency_key"], r["prev_hash"], r["hash"],
        )

    def deadline(self, case_id: str, d: Deadline, at: datetime) -> tuple[Any, ...]:
        return (
            case_id, d.timer, d.status, self.d(d.due), d.provisional,
            self.json(jsonable(dict(d.basis))), self.d(d.started_on), d.label_zh, d.label_en,
            d.next_notice, self.ts(utc(d.next_notice_at)), self.ts(utc(at)),
        )

    def deadline_move(self, case_id: str, d: Deadline, at: datetime) -> tuple[Any, ...]:
        return (
            d.status, self.d(d.due), d.provisional, d.next_notice,
            self.ts(utc(d.next_notice_at)), self.ts(utc(at)), case_id, d.timer,
        )

    def case_update(
        self, state: CaseState, expected: int, seq: int, last_hash: str, at: datetime,
        case_id: str,
    ) -> tuple[Any, ...]:
        cols = state_columns(state)
        return (
            expected + 1, seq, last_hash, self.ts(at), cols["state"], self.json(cols["facts"]),
            self.json(cols["timers"]), self.d(cols["last_on"]), cols["closed"], case_id,
            expected,
        )

    def case_row(self, found: Sequence[Any]) -> dict[str, Any]:
        """A driver-level ``cases`` row (:data:`CASE_COLUMNS`) as SQLAlchemy would decode it."""
        row = dict(zip(CASE_COLUMNS, found, strict=True))
        if self.sqlite:
            for k in ("facts", "timers"):
                row[k] = json.loads(row[k]) if isinstance(row[k], str) else row[k]
            for k in ("opened_on", "last_on"):
                row[k] = date.fromisoformat(row[k]) if row[k] else None
            for k in ("created_at", "updated_at"):
                row[k] = datetime.fromisoformat(row[k]) if row[k] else None
        return row


def chained_rows(
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
            case_id=case_id, seq=seq, prev_hash=prev, trigger=ev.trigger, type=ev.type,
            on=ev.on, actor=ev.actor, article=ev.article, data=data,
            workflow_id=state.workflow_id, workflow_version=state.workflow_version,
            recorded_at=recorded_at,
        )
        h = event_hash(fields)
        row = {
            "case_id": case_id, "seq": seq, "trigger": ev.trigger, "type": ev.type,
            "on": ev.on, "actor": ev.actor, "article": ev.article, "data": data,
            "workflow_id": state.workflow_id, "workflow_version": state.workflow_version,
            "recorded_at": recorded_at, "idempotency_key": idem.key if idem else None,
            "prev_hash": prev, "hash": h,
        }
        rows.append(row)
        stored.append(StoredEvent(id=0, **row))
        prev = h
    return rows, stored, seq, prev
