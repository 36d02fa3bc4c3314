"""The event log's SHA-256 hash chain (pure; the store and the auditors use the same function).

Every stored event carries ``prev_hash`` (the ``hash`` of the previous event of the same case,
or 64 zeros — :data:`GENESIS` — for the case's first event) and ``hash``, computed as::

    hash = hex(SHA-256(canonical_bytes(event)))

``canonical_bytes`` is the UTF-8 encoding of a JSON object with exactly these keys:

==================  ==========================================================
``case_id``         the case's stable id (string)
``seq``             the event's number within its case, 1, 2, 3, … (integer)
``prev_hash``       previous event's ``hash`` (64 lowercase hex) or GENESIS
``trigger``         what was fired (string)
``type``            the past-tense event name (string)
``on``              the business date, ``YYYY-MM-DD`` (a legal date in CST)
``actor``           who recorded it (string)
``article``         the legal basis cited (string)
``data``            the event's data (a JSON object)
``workflow_id``     the definition's id (string)
``workflow_version`` the definition's version (string)
``recorded_at``     when it was stored, ISO-8601 UTC with microseconds and ``Z``:
                    ``YYYY-MM-DDTHH:MM:SS.ffffffZ``
==================  ==========================================================

serialised with keys sorted (recursively, by code point), no insignificant whitespace
(separators ``,`` and ``:``), and non-ASCII characters written as themselves
(``ensure_ascii=False``) — i.e. ``json.dumps(obj, sort_keys=True, separators=(",", ":"),
ensure_ascii=False).encode("utf-8")``.  The global ``id`` and the ``idempotency_key`` are not
hashed (the first is assigned by the database; the second is transport metadata).

An auditor can recompute one hash with standard tools (``jq -cS`` sorts keys and prints
compact UTF-8)::

    jq -cjS '{case_id,seq,prev_hash,trigger,type,on,actor,article,data,workflow_id,
              workflow_version,recorded_at}' event.json | sha256sum

Event data holds strings, integers, booleans, lists and objects (no floats), so every JSON
tool prints the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

GENESIS = "0" * 64
"""``prev_hash`` of a case's first event."""

HASHED_FIELDS = (
    "case_id",
    "seq",
    "prev_hash",
    "trigger",
    "type",
    "on",
    "actor",
    "article",
    "data",
    "workflow_id",
    "workflow_version",
    "recorded_at",
)


def format_recorded_at(at: datetime) -> str:
    """``recorded_at`` as hashed: UTC, microseconds, ``Z`` (a naive value is taken as UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_fields(
    *,
    case_id: str,
    seq: int,
    prev_hash: str,
    trigger: str,
    type: str,
    on: date | str,
    actor: str,
    article: str,
    data: Mapping[str, Any],
    workflow_id: str,
    workflow_version: str,
    recorded_at: datetime | str,
) -> dict[str, Any]:
    """The object that is hashed (see the module docstring)."""
    return {
        "case_id": case_id,
        "seq": int(seq),
        "prev_hash": prev_hash,
        "trigger": trigger,
        "type": type,
        "on": on.isoformat() if isinstance(on, date) else on,
        "actor": actor,
        "article": article,
        "data": dict(data),
        "workflow_id": workflow_id,
        "workflow_version": workflow_version,
        "recorded_at": (
            format_recorded_at(recorded_at) if isinstance(recorded_at, datetime) else recorded_at
        ),
    }


class HashedRecord(Protocol):
    """A stored event's record that carries the hashed fields as attributes (the store's
    ``StoredEvent``, the auditors' ``LoggedEvent``)."""

    @property
    def case_id(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def trigger(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def on(self) -> date | str: ...
    @property
    def actor(self) -> str: ...
    @property
    def article(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...
    @property
    def workflow_id(self) -> str: ...
    @property
    def workflow_version(self) -> str: ...
    @property
    def recorded_at(self) -> datetime | str: ...


def canonical_fields_of(record: HashedRecord) -> dict[str, Any]:
    """:func:`canonical_fields` of a record: the one place the record types' hashed fields
    are listed, so a stored and a logged event hash the same dict."""
    return canonical_fields(
        case_id=record.case_id,
        seq=record.seq,
        prev_hash=record.prev_hash,
        trigger=record.trigger,
        type=record.type,
        on=record.on,
        actor=record.actor,
        article=record.article,
        data=record.data,
        workflow_id=record.workflow_id,
        workflow_version=record.workflow_version,
        recorded_at=record.recorded_at,
    )


def _reference_bytes(fields: Mapping[str, Any]) -> bytes:
    """The definition itself: ``json.dumps(…, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)`` of the twelve hashed fields, UTF-8."""
    obj = {k: fields[k] for k in HASHED_FIELDS}
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


# The fast path below writes the very bytes of the definition above, without building the
# dict and a new JSONEncoder per event: the twelve keys in their sorted order (written out),
# strings through the encoder json.dumps itself uses with ``ensure_ascii=False``, ``seq``
# through ``int.__repr__`` (as json does), and ``data`` through one shared encoder with the
# same options.  It is taken only when every value is of the type it stands for
# (``str``, ``int``, ``dict``, or their subclasses, which json writes the same way; not a
# ``bool`` seq); anything else goes through :func:`_reference_bytes`.
# tests/unit/test_chain_encoding.py checks both agree, bytes for bytes.
_encode_str = json.encoder.encode_basestring
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
if _c_make_encoder is not None:
    # json's own C encoder, as ``json.dumps`` builds it for these options (made once; no
    # circular-reference markers: data parsed from JSON cannot be circular, and any error
    # sends the event through the reference path, which raises json's own exception)
    _c_data = _c_make_encoder(
        None, json.JSONEncoder().default, _encode_str, None, ":", ",", True, False, True
    )

    def _DATA_ENCODER(o: Any) -> str:
        return "".join(_c_data(o, 0))
else:  # pragma: no cover - CPython always has the C encoder
    _DATA_ENCODER = json.JSONEncoder(
        sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode
_int_repr = int.__repr__


def canonical_text(
    case_id: Any, seq: Any, prev_hash: Any, trigger: Any, type: Any, on: Any, actor: Any,
    article: Any, data: Any, workflow_id: Any, workflow_version: Any, recorded_at: Any,
) -> str | None:
    """The canonical JSON text of an event given its hashed values, or ``None`` when a value
    is not of a type the fast path handles (then use :func:`canonical_bytes`)."""
    if seq.__class__ is bool or data.__class__ is not dict:
        return None  # json writes a bool seq as true/false; data must be a plain object
    e = _encode_str
    try:  # a value json would not write as these do raises here (TypeError): reference path
        return _TEMPLATE % (
            e(actor), e(article), e(case_id), _DATA_ENCODER(data), e(on), e(prev_hash),
            e(recorded_at), _int_repr(seq), e(trigger), e(type), e(workflow_id),
            e(workflow_version),
        )
    except Exception:  # the reference path raises json's own error
        return None


_TEMPLATE = (
    '{"actor":%s,"article":%s,"case_id":%s,"data":%s,"on":%s,"prev_hash":%s,'
    '"recorded_at":%s,"seq":%s,"trigger":%s,"type":%s,"workflow_id":%s,'
    '"workflow_version":%s}'
)


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON, sorted keys, compact separators, ``ensure_ascii=False``."""
    missing = [k for k in HASHED_FIELDS if k not in fields]
    if missing:
        raise ValueError(f"event fields missing for hashing: {missing}")
    text = canonical_text(*[fields[k] for k in HASHED_FIELDS])
    if text is None:
        return _reference_bytes(fields)
    return text.encode("utf-8")


def event_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (lowercase hex) of :func:`canonical_bytes`."""
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


_sha256 = hashlib.sha256


def event_hash_of(
    case_id: Any, seq: Any, prev_hash: Any, trigger: Any, type: Any, on: Any, actor: Any,
    article: Any, data: Any, workflow_id: Any, workflow_version: Any, recorded_at: Any,
) -> str:
    """:func:`event_hash` of the given values (in :data:`HASHED_FIELDS` order), without
    building a dict first — the auditors' per-event hot path.  Same bytes, same hash."""
    text = canonical_text(
        case_id, seq, prev_hash, trigger, type, on, actor, article, data, workflow_id,
        workflow_version, recorded_at,
    )
    if text is None:
        return event_hash(dict(zip(HASHED_FIELDS, (
            case_id, seq, prev_hash, trigger, type, on, actor, article, data, workflow_id,
            workflow_version, recorded_at,
        ), strict=True)))
    return _sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """Where a case's chain stops verifying, and why."""

    case_id: str
    seq: int
    problem: str


def verify_chain(events: Iterable[Mapping[str, Any]]) -> list[ChainBreak]:
    """Check stored events (dicts with the hashed fields plus ``hash``), in global order.

    Returns every break found: a seq gap or repeat, a ``prev_hash`` that is not the previous
    event's hash, or a ``hash`` that does not match the recomputed one.  Empty: it verifies.
    """
    last: dict[str, tuple[int, str]] = {}
    breaks: list[ChainBreak] = []
    for ev in events:
        cid = str(ev["case_id"])
        seq = int(ev["seq"])
        prev_seq, prev_hash = last.get(cid, (0, GENESIS))
        if seq != prev_seq + 1:
            breaks.append(ChainBreak(cid, seq, f"seq {seq} follows {prev_seq}"))
        if ev["prev_hash"] != prev_hash:
            breaks.append(ChainBreak(cid, seq, "prev_hash is not the previous event's hash"))
        if event_hash(ev) != ev["hash"]:
            breaks.append(ChainBreak(cid, seq, "hash does not match the event's content"))
        last[cid] = (seq, str(ev["hash"]))
    return breaks
