"""The store's records: what a read returns and what a write is given or answers.

Plain frozen values, decoded from the rows as SQLAlchemy's types would decode them (dates as
``date``, instants as aware UTC ``datetime``, JSON as dicts).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from rongcuo.adapters.db.codec import jsonable, state_from_row
from rongcuo.domain.case import CaseState, Deadline, Event
from rongcuo.domain.chain import canonical_fields_of


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
class ChainHead:
    """Where a case's chain stands: what the next append continues and checks against."""

    case_id: str
    number: str
    version: int  # the optimistic check: the case row must still hold this version
    last_seq: int
    last_hash: str


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
    def head(self) -> ChainHead:
        return ChainHead(self.id, self.number, self.version, self.last_seq, self.last_hash)

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
    # the case as it stands after the write (None for an idempotent retry: not re-read),
    # and its deadline projection: what a view needs without reading the rows again
    record: CaseRecord | None = field(default=None, compare=False, repr=False)
    deadlines: tuple[Deadline, ...] = field(default=(), compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.case_id,
            "number": self.number,
            "state": self.state,
            "version": self.version,
            "seqs": [e.seq for e in self.events],
        }


@dataclass(frozen=True)
class PendingAppend:
    """One case's append: where its chain stands (``head.version`` is the optimistic check),
    the new state, its events and its deadline projection."""

    head: ChainHead
    state: CaseState
    events: Sequence[Event]
    deadlines: Sequence[Deadline]
    recorded_at: datetime
    # The projection the deadline rows hold now (the engine's, for the state as loaded):
    # when given, only what moved is written (:func:`deadline_changes`); when None, every
    # row of ``deadlines`` is upserted whole.
    previous: Sequence[Deadline] | None = None
    idempotency: Idempotency | None = None

    @property
    def case_id(self) -> str:
        return self.head.case_id
