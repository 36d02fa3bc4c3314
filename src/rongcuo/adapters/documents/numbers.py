"""Document numbers and the record of issued documents, over a SQLAlchemy connection.

Every function takes the caller's connection and runs inside the caller's transaction: the
unit of work that records the issuing step draws the number, renders, hashes and records the
document in the same transaction as the step's event, so a step that rolls back gives its
number back (no gap), and two steps never share one (no reuse).

Concurrency: the counter is one upsert, ``INSERT … ON CONFLICT (unit, counter, year) DO
UPDATE SET last_n = last_n + 1 RETURNING last_n``.  On PostgreSQL (READ COMMITTED) the
conflicting update row-locks the counter until the transaction ends, so a second process
waits and then reads the first one's committed value: distinct, consecutive numbers.  On
SQLite writers hold the database lock (``BEGIN IMMEDIATE``) for the whole transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from rongcuo.adapters.documents.tables import document_counters, issued_documents
from rongcuo.documents.errors import DocumentError
from rongcuo.documents.integrity import IssuedDocument, sha256_hex
from rongcuo.documents.kinds import Catalogue
from rongcuo.documents.numbering import format_document_number
from rongcuo.domain.messages import message

MSG_DOCUMENT_UNNUMBERED_KIND = message(
    "document.unnumbered_kind",
    "{title}不编发文字号",
    "{kind} carries no number",
)


def allocate_document_number(conn: sa.Connection, unit: str, kind: str, year: int) -> int:
    """The next number of ``kind``'s counter (the kind's name unless its catalogue names a
    shared counter) for ``unit`` in ``year``: 1 for the first, then 2, 3, …"""
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)
    values = insert(document_counters).values(unit=unit, counter=kind, year=year, last_n=1)
    stmt = values.on_conflict_do_update(
        index_elements=["unit", "counter", "year"],
        set_={"last_n": document_counters.c.last_n + 1},
    ).returning(document_counters.c.last_n)
    return int(conn.execute(stmt).scalar_one())


def next_document_number(conn: sa.Connection, catalogue: Catalogue, kind: str,
                         year: int) -> tuple[int, str]:
    """Allocate and format the 发文字号 of ``kind`` (e.g. ``(3, "济历城监容〔2025〕3号")``)."""
    spec = catalogue.kind(kind)
    if spec.number is None:
        raise DocumentError.of(
            MSG_DOCUMENT_UNNUMBERED_KIND,
            title=spec.title,
            kind=kind,
        )
    n = allocate_document_number(conn, catalogue.issuer.unit, spec.counter, year)
    return n, format_document_number(spec.number, year, n)


def record_issued(
    conn: sa.Connection,
    *,
    case_id: str,
    case_number: str,
    event_seq: int,
    kind: str,
    fmt: str,
    data: bytes,
    unit: str,
    issued_at: datetime,
    counter: str | None = None,
    year: int | None = None,
    n: int | None = None,
    number: str | None = None,
) -> IssuedDocument:
    """Insert the record of one issued file (its SHA-256 computed here from ``data``)."""
    digest = sha256_hex(data)
    conn.execute(issued_documents.insert().values(
        case_id=case_id, event_seq=event_seq, kind=kind, format=fmt, unit=unit,
        counter=counter, year=year, n=n, number=number, sha256=digest, size=len(data),
        issued_at=issued_at,
    ))
    return IssuedDocument(case_id, case_number, event_seq, kind, number, digest, fmt, issued_at)


_SELECT = sa.text(
    "SELECT d.case_id, c.number, d.event_seq, d.kind, d.number, d.sha256, d.format, "
    "d.issued_at FROM issued_documents d JOIN cases c ON c.id = d.case_id "
)


def _row(r: Any) -> IssuedDocument:
    at = r[7]
    if isinstance(at, str):  # SQLite keeps the instant as text
        at = datetime.fromisoformat(at)
    assert isinstance(at, datetime)
    return IssuedDocument(str(r[0]), str(r[1]), int(str(r[2])), str(r[3]),
                          None if r[4] is None else str(r[4]), str(r[5]), str(r[6]), at)


class SqlDocumentLookup:
    """:class:`rongcuo.documents.integrity.DocumentLookup` over the ``issued_documents`` table."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def by_sha256(self, sha256: str) -> IssuedDocument | None:
        row = self.conn.execute(sa.text(_SELECT.text + "WHERE d.sha256 = :h"),
                                {"h": sha256}).first()
        return _row(row) if row is not None else None

    def by_reference(self, case_id: str, event_seq: int, kind: str) -> Sequence[IssuedDocument]:
        rows = self.conn.execute(
            sa.text(_SELECT.text + "WHERE d.case_id = :c AND d.event_seq = :s AND d.kind = :k "
                    "ORDER BY d.id"), {"c": case_id, "s": event_seq, "k": kind}).all()
        return [_row(r) for r in rows]


    def of_case(self, case_id: str) -> list[IssuedDocument]:
        """Every issued file of ``case_id``, in the order issued."""
        rows = self.conn.execute(sa.text(_SELECT.text + "WHERE d.case_id = :c ORDER BY d.id"),
                                 {"c": case_id}).all()
        return [_row(r) for r in rows]


def issued_numbers(conn: sa.Connection, case_id: str) -> dict[tuple[str, int], str]:
    """``{(kind, event seq): number}`` of the case's numbered issued documents."""
    rows = conn.execute(sa.text(
        "SELECT kind, event_seq, number FROM issued_documents "
        "WHERE case_id = :c AND number IS NOT NULL"), {"c": case_id}).all()
    return {(str(k), int(s)): str(n) for k, s, n in rows}
