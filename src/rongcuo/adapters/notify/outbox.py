"""The notification outbox: rows written in the SAME transaction as the event they announce.

A reminder, an overdue mark or an escalation rung is first an event in the case's log; the
message telling someone about it is an ``outbox`` row committed together with that event
(transactional outbox).  Delivery happens later, after commit, by :mod:`.worker`, so a failed
delivery can never undo or repeat the recorded event: the worst it does is mark the row
``dead`` after the last try, where an operator sees it (``rongcuo scheduler outbox``).

Status: ``pending`` → ``delivered`` | ``dead``.  ``attempts`` counts tries started,
``next_attempt_at`` is when the row may be tried again (exponential backoff), ``last_error``
what went wrong last.  ``dedupe_key`` is unique: one message per (case, timer, notice,
channel, target), so a row can never be written twice even if a sweep is repeated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import JSON, Column, Connection, DateTime, Index, String, Text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session

from rongcuo.adapters.db.engine import copy_rows
from rongcuo.adapters.db.orm import SQLModel

OutboxStatus = Literal["pending", "delivered", "dead"]
CHANNELS = ("webhook", "email")


class OutboxMessage(SQLModel, table=True):
    """One message owed to one recipient over one channel (table ``outbox``, revision 0002)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(sa_column=Column(String(400), unique=True, nullable=False))
    case_id: str = Field(sa_column=Column(String(40), nullable=False, index=True))
    event_seq: int | None = Field(default=None)
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    channel: str = Field(sa_column=Column(String(20), nullable=False))
    target: str = Field(sa_column=Column(String(400), nullable=False))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", sa_column=Column(String(16), nullable=False))
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    delivered_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


@dataclass(frozen=True)
class Recipient:
    """Where one role's messages go: a channel and an address (URL or e-mail)."""

    channel: str
    target: str


@dataclass(frozen=True)
class OutboxDraft:
    """A message to write with an event: who (role), what (subject, payload)."""

    case_id: str
    kind: str
    key: str  # unique per case for this notice, e.g. "investigation:overdue"
    subject: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    event_seq: int | None = None
    role: str = "default"


def as_utc(dt: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def routes_for(role: str, recipients: Mapping[str, Iterable[Recipient]]) -> list[Recipient]:
    """The recipients of a role, falling back to ``default``; deduplicated, order kept."""
    chosen = list(recipients.get(role) or recipients.get("default") or ())
    seen: set[tuple[str, str]] = set()
    out: list[Recipient] = []
    for r in chosen:
        if (r.channel, r.target) not in seen:
            seen.add((r.channel, r.target))
            out.append(r)
    return out


def outbox_rows(
    drafts: Iterable[OutboxDraft],
    recipients: Mapping[str, Iterable[Recipient]],
    now: datetime,
) -> list[dict[str, Any]]:
    """The ``outbox`` rows for ``drafts``: one per draft and recipient of its role."""
    at = as_utc(now)
    rows: list[dict[str, Any]] = []
    for d in drafts:
        for r in routes_for(d.role, recipients):
            if r.channel not in CHANNELS:
                raise ValueError(f"unknown notification channel {r.channel!r}")
            rows.append(
                {
                    "dedupe_key": f"{d.case_id}:{d.key}:{r.channel}:{r.target}",
                    "case_id": d.case_id,
                    "event_seq": d.event_seq,
                    "kind": d.kind,
                    "channel": r.channel,
                    "target": r.target,
                    "subject": d.subject,
                    "payload": dict(d.payload),
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": at,
                    "last_error": None,
                    "created_at": at,
                    "delivered_at": None,
                }
            )
    return rows


def enqueue(
    conn: Connection | Session,
    drafts: Iterable[OutboxDraft],
    recipients: Mapping[str, Iterable[Recipient]],
    now: datetime,
) -> int:
    """Insert the outbox rows for ``drafts`` on ``conn`` — the caller's open transaction.

    Nothing is committed here: the caller commits the event and these rows together (or
    neither).  Returns the number of rows written.
    """
    rows = outbox_rows(drafts, recipients, now)
    if not rows:
        return 0
    if isinstance(conn, Connection) and conn.dialect.name == "postgresql":
        # One bulk load for the batch (the sweep writes a row per notice); SQLAlchemy's
        # executemany would send them one by one.  A duplicate still raises SQLAlchemy's
        # IntegrityError, as the INSERT below does (the digest relies on it).
        from psycopg import IntegrityError as PgIntegrityError  # PostgreSQL only

        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            copy_rows(cur, "outbox", _COLUMNS, (
                (*(r[c] for c in _COLUMNS[:-1]), json.dumps(r["payload"]))
                for r in rows
            ))
        except PgIntegrityError as err:
            raise IntegrityError("COPY outbox", None, err) from err
        finally:
            cur.close()
    else:
        conn.execute(OutboxMessage.__table__.insert(), rows)  # type: ignore[attr-defined]
    return len(rows)


_COLUMNS = ("dedupe_key", "case_id", "event_seq", "kind", "channel", "target", "subject",
            "status", "attempts", "next_attempt_at", "last_error", "created_at", "delivered_at",
            "payload")
