"""Read-only access to the stored log, fast enough to verify a million events.

The auditors read the store's tables (:mod:`rongcuo.adapters.db.tables`) directly, never
through the service: an audit must not depend on the code it checks, and it writes nothing.
Events are streamed in global order (``events.id``) through the raw DB-API cursor
(a server-side cursor on PostgreSQL), and each row is normalised to the exact values that
:mod:`rongcuo.domain.chain` hashes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from rongcuo.domain.case import Event
from rongcuo.domain.chain import canonical_fields_of, format_recorded_at
from rongcuo.domain.messages import message

MSG_AUDIT_BAD_AS_OF = message(
    "audit.bad_as_of",
    "回放时点不是有效的日期时间：{value!r}（例如 2025-10-09T12:00:00+08:00）",
    "the replay instant is not a valid date-time: {value!r} (e.g. 2025-10-09T12:00:00+08:00)",
)

EVENT_COLUMNS = (
    'id, case_id, seq, "trigger", type, "on", actor, article, data, workflow_id, '
    "workflow_version, recorded_at, prev_hash, hash"
)
# PostgreSQL: let the server render the date, the instant (UTC, as hashed) and the JSON as
# text — far cheaper than building date/datetime/dict objects in the driver for each row.
PG_EVENT_COLUMNS = (
    'id, case_id, seq, "trigger", type, "on"::text, actor, article, data::text, workflow_id, '
    "workflow_version, "
    """to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), """
    "prev_hash, hash"
)


@dataclass(slots=True)
class LoggedEvent:
    """One row of ``events`` read for auditing, its values exactly as hashed (``on`` and
    ``recorded_at`` as strings) — unlike the store's ``StoredEvent``, nothing is parsed, so the
    chain is checked on the bytes the database holds and verify stays fast."""

    id: int
    case_id: str
    seq: int
    trigger: str
    type: str
    on: str
    actor: str
    article: str
    data: dict[str, Any]
    workflow_id: str
    workflow_version: str
    recorded_at: str
    prev_hash: str
    hash: str

    def hashed_fields(self) -> dict[str, Any]:
        """The fields :func:`rongcuo.domain.chain.event_hash` covers (without ``hash``)."""
        return canonical_fields_of(self)

    def to_event(self) -> Event:
        return Event(
            trigger=self.trigger,
            type=self.type,
            on=date.fromisoformat(self.on),
            actor=self.actor,
            article=self.article,
            data=self.data,
        )

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.hashed_fields(), "hash": self.hash}


def _recorded_at(value: Any) -> str:
    if isinstance(value, datetime):
        return format_recorded_at(value)
    s = str(value)
    if len(s) == 27 and s[-1] == "Z":  # already as hashed (PostgreSQL's to_char above)
        return s
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" (UTC, as the store writes it)
    if len(s) == 26 and s[10] == " ":
        return s[:10] + "T" + s[11:] + "Z"
    return format_recorded_at(datetime.fromisoformat(s))


_scan_json: Any = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _loads(text: str) -> Any:
    """``json.loads`` for the common case (text that is one JSON value, nothing around it)
    without its per-call overhead; anything else goes through ``json.loads`` itself."""
    try:
        value, end = _scan_json(text, 0)
    except StopIteration:
        return json.loads(text)  # raises json's own error (or handles leading whitespace)
    if end != len(text):
        return json.loads(text)
    return value


def _row_to_event(row: tuple[Any, ...]) -> LoggedEvent:
    (eid, cid, seq, trig, typ, on, actor, art, data, wid, wver, rec, prev, h) = row
    if data.__class__ is str:
        data = _loads(data)
    if on.__class__ is not str:
        on = on.isoformat() if isinstance(on, date) else str(on)
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" (UTC): the hashed form is a fixed rewrite
    if rec.__class__ is str and len(rec) == 26 and rec[10] == " ":
        rec = rec[:10] + "T" + rec[11:] + "Z"
    else:
        rec = _recorded_at(rec)
    return LoggedEvent(
        eid if eid.__class__ is int else int(eid), cid if cid.__class__ is str else str(cid),
        seq if seq.__class__ is int else int(seq), trig, typ, on,
        actor, art, data, wid, wver, rec, prev, h,
    )


def parse_as_of(value: str) -> datetime:
    """An ``--as-of`` instant: ISO-8601; a naive value or a bare date is read as CST."""
    from rongcuo.clock import CST, parse_cst

    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            # a bare date means "as the system knew it at the end of that legal day"
            return datetime(d.year, d.month, d.day, 23, 59, 59, 999999, tzinfo=CST)
        return parse_cst(value)
    except ValueError as exc:
        from rongcuo.domain.errors import InvalidInput

        raise InvalidInput.of(
            MSG_AUDIT_BAD_AS_OF,
            value=value,
            details={"field": "as_of"},
        ) from exc


def _date(v: Any) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def _json(v: Any) -> Any:
    return json.loads(v) if isinstance(v, str) else v


CaseRange = tuple[str | None, str | None]
"""``[lo, hi)`` over case ids (None: unbounded) — how verification is split across processes."""


@dataclass(frozen=True)
class StoredCase:
    """A case row.  ``facts_raw``/``timers_raw`` are as the driver returned them (JSON text on
    SQLite, parsed on PostgreSQL): verification compares text first and parses only on doubt."""

    id: str
    number: str
    workflow_id: str
    workflow_version: str
    subject: str
    agency: str
    opened_on: date
    state: str
    facts_raw: Any
    timers_raw: Any
    last_on: date | None
    closed: bool
    version: int
    last_seq: int
    last_hash: str
    withdrawn: bool = False

    @property
    def facts(self) -> dict[str, Any]:
        return dict(_json(self.facts_raw) or {})

    @property
    def timers(self) -> dict[str, Any]:
        return dict(_json(self.timers_raw) or {})


DeadlineRaw = tuple[str, str | None, bool, Any, str | None, str | None, str | None]
"""(status, due, provisional, basis as JSON text (SQLite and PostgreSQL alike), started_on,
next_notice, next_notice_at as hashed-style UTC text) — one stored deadline row, cheap to
compare."""


def _day(v: Any) -> str | None:
    if v is None:
        return None
    return v.isoformat() if isinstance(v, date) else str(v)[:10]


def _instant_text(v: Any) -> str | None:
    if v is None:
        return None
    return _recorded_at(v)


class Snapshot:
    """One consistent, read-only view of the store (a single read transaction).

    SQLite: a deferred ``BEGIN`` on one connection (WAL gives a stable snapshot while writers
    go on); PostgreSQL: ``REPEATABLE READ READ ONLY``.  Everything an audit compares — events,
    case rows, deadline rows — is read inside it, so concurrent writers cause no false alarm.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self._raw: Any = None

    def __enter__(self) -> Snapshot:
        self._raw = self.engine.raw_connection()
        cur = self._raw.cursor()
        if self.pg:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            cur.execute("BEGIN")
        cur.close()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.pg:
                self._raw.rollback()
            else:
                cur = self._raw.cursor()
                cur.execute("ROLLBACK")
                cur.close()
        finally:
            self._raw.close()
            self._raw = None

    def _where(
        self, col: str, case_id: str | None, rng: CaseRange | None
    ) -> tuple[str, tuple[Any, ...]]:
        ph = "%s" if self.pg else "?"
        if case_id is not None:
            return f" WHERE {col} = {ph}", (case_id,)
        conds: list[str] = []
        params: list[Any] = []
        if rng is not None:
            if rng[0] is not None:
                conds.append(f"{col} >= {ph}")
                params.append(rng[0])
            if rng[1] is not None:
                conds.append(f"{col} < {ph}")
                params.append(rng[1])
        return (" WHERE " + " AND ".join(conds) if conds else ""), tuple(params)

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        cur = self._raw.cursor()
        try:
            cur.execute(sql, params)
            return list(cur.fetchall())
        finally:
            cur.close()

    def iter_events(
        self, *, case_id: str | None = None, case_range: CaseRange | None = None,
        batch: int = 20_000,
    ) -> Iterator[LoggedEvent]:
        """Every event in global order (one case's, or a case-id range's), streamed."""
        where, params = self._where("case_id", case_id, case_range)
        cols = PG_EVENT_COLUMNS if self.pg else EVENT_COLUMNS
        sql = f"SELECT {cols} FROM events{where} ORDER BY id"
        if self.pg:
            cur = self._raw.driver_connection.cursor(name="rongcuo_audit_events")
            cur.itersize = batch
        else:
            cur = self._raw.cursor()
        try:
            cur.execute(sql, params)
            conv = _row_to_event
            while True:
                rows = cur.fetchmany(batch)
                if not rows:
                    break
                for row in rows:
                    yield conv(row)
        finally:
            cur.close()

    def case_events(self, case_id: str) -> list[LoggedEvent]:
        return list(self.iter_events(case_id=case_id))

    def case_events_upto(self, case_id: str, seq: int) -> list[LoggedEvent]:
        """A case's events up to ``seq``, in seq order, in this snapshot (a plain cursor: the
        verifier asks while it streams the log through its own)."""
        ph = "%s" if self.pg else "?"
        cols = PG_EVENT_COLUMNS if self.pg else EVENT_COLUMNS
        rows = self._query(f"SELECT {cols} FROM events WHERE case_id = {ph} AND seq <= {ph}"
                           " ORDER BY seq", (case_id, seq))
        return [_row_to_event(r) for r in rows]

    def find_case_id(self, ref: str) -> str | None:
        """A case by its stable id or its readable number (e.g. 历城容错〔2025〕1号)."""
        ph = "%s" if self.pg else "?"
        rows = self._query(f"SELECT id FROM cases WHERE id = {ph} OR number = {ph}", (ref, ref))
        return str(rows[0][0]) if rows else None

    def case_count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM cases")[0][0])

    def case_ids(self) -> list[str]:
        return [str(r[0]) for r in self._query("SELECT id FROM cases ORDER BY id")]

    def cases(
        self, case_id: str | None = None, case_range: CaseRange | None = None
    ) -> dict[str, StoredCase]:
        """The stored case rows (all, one, or a range), by id."""
        where, params = self._where("id", case_id, case_range)
        sql = (
            "SELECT id, number, workflow_id, workflow_version, subject, agency, opened_on, "
            "state, facts, timers, last_on, closed, version, last_seq, last_hash, withdrawn"
            " FROM cases"
            + where
        )
        out: dict[str, StoredCase] = {}
        for r in self._query(sql, params):
            opened = _date(r[6])
            assert opened is not None
            out[str(r[0])] = StoredCase(
                id=str(r[0]), number=r[1], workflow_id=r[2], workflow_version=r[3],
                subject=r[4], agency=r[5], opened_on=opened, state=r[7],
                facts_raw=r[8], timers_raw=r[9], last_on=_date(r[10]),
                closed=bool(r[11]), version=int(r[12]), last_seq=int(r[13]),
                last_hash=str(r[14]), withdrawn=bool(r[15]),
            )
        return out

    def deadlines_raw(
        self, case_id: str | None = None, case_range: CaseRange | None = None
    ) -> dict[str, dict[str, DeadlineRaw]]:
        """Stored deadline rows, lightly normalised (see :data:`DeadlineRaw`)."""
        where, params = self._where("case_id", case_id, case_range)
        # PostgreSQL: the basis as text, like SQLite's (the driver would parse every row's
        # JSON — most of the cost of reading deadlines): verification compares the text it
        # has seen match before and parses only on doubt (rongcuo.audit.verify)
        basis = "basis::text" if self.pg else "basis"
        sql = (
            f"SELECT case_id, timer, status, due, provisional, {basis}, started_on, "
            "next_notice, next_notice_at FROM deadlines" + where
        )
        out: dict[str, dict[str, DeadlineRaw]] = {}
        for cid, timer, status, due, prov, basis, started, nn, nna in self._query(sql, params):
            # SQLite returns the days as "YYYY-MM-DD" text already: keep it as it is
            if due.__class__ is not str or len(due) != 10:
                due = _day(due)
            if started.__class__ is not str or len(started) != 10:
                started = _day(started)
            if nna is not None:
                nna = _instant_text(nna)
            if cid.__class__ is not str:
                cid = str(cid)
            rows = out.get(cid)
            if rows is None:
                rows = out[cid] = {}
            rows[timer] = (status, due, bool(prov), basis, started, nn, nna)
        return out

    def deadlines(self, case_id: str | None = None) -> dict[str, dict[str, dict[str, Any]]]:
        """Stored deadline rows: ``{case_id: {timer: row}}`` with JSON-able values."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for cid, rows in self.deadlines_raw(case_id).items():
            for timer, (status, due, prov, basis, started, nn, nna) in rows.items():
                out.setdefault(cid, {})[timer] = {
                    "timer": timer, "status": status, "due": due, "provisional": prov,
                    "basis": _json(basis), "started_on": started, "next_notice": nn,
                    "next_notice_at": nna,
                }
        return out

    def heads(self) -> tuple[list[tuple[str, int, str]], int]:
        """Per-case heads (case id, last seq, hash of that event) and the largest event id."""
        rows = self._query(
            "SELECT e.case_id, e.seq, e.hash FROM events e JOIN "
            "(SELECT case_id, MAX(seq) AS s FROM events GROUP BY case_id) m "
            "ON e.case_id = m.case_id AND e.seq = m.s ORDER BY e.case_id"
        )
        max_id = self._query("SELECT COALESCE(MAX(id), 0) FROM events")[0][0]
        return [(str(r[0]), int(r[1]), str(r[2])) for r in rows], int(max_id)

    def hashes(self) -> dict[tuple[str, int], str]:
        """Every (case id, seq) → stored hash."""
        return {
            (str(r[0]), int(r[1])): str(r[2])
            for r in self._query("SELECT case_id, seq, hash FROM events")
        }

    def cases_with_events_up_to(self, max_id: int) -> set[str]:
        ph = "%s" if self.pg else "?"
        return {
            str(r[0])
            for r in self._query(f"SELECT DISTINCT case_id FROM events WHERE id <= {ph}", (max_id,))
        }
