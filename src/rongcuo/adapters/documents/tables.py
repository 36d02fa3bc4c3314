"""Tables of revision ``0004_documents``: document-number counters and issued documents.

* ``document_counters`` — one row per (unit, counter, year): the last number given.  Drawn
  from in the issuing step's own transaction, so a rolled-back step gives its number back and
  no number is skipped silently
  (:func:`rongcuo.adapters.documents.numbers.allocate_document_number`).
* ``issued_documents`` — one row per issued file (PDF or .docx) of a document: the case and
  the step that issued it, the kind, its number, the file's SHA-256.  Insert-only like
  ``events`` (database triggers refuse UPDATE, DELETE and, on PostgreSQL, TRUNCATE): a document
  issued in error is superseded by a new one, never edited away.

Import this module wherever the full metadata is needed (Alembic autogenerate, tests).
"""

from __future__ import annotations

import sqlalchemy as sa

from rongcuo.adapters.db.tables import BigId, metadata

document_counters = sa.Table(
    "document_counters",
    metadata,
    sa.Column("unit", sa.String(80), primary_key=True),
    sa.Column("counter", sa.String(64), primary_key=True),
    sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("last_n", sa.Integer(), nullable=False),
)

issued_documents = sa.Table(
    "issued_documents",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id", name="fk_issued_case"),
              nullable=False),
    sa.Column("event_seq", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("format", sa.String(8), nullable=False),
    sa.Column("unit", sa.String(80), nullable=False),
    sa.Column("counter", sa.String(64), nullable=True),
    sa.Column("year", sa.Integer(), nullable=True),
    sa.Column("n", sa.Integer(), nullable=True),
    sa.Column("number", sa.String(120), nullable=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("case_id", "event_seq", "kind", "format", name="uq_issued_document"),
    sa.UniqueConstraint("unit", "counter", "year", "n", "format", name="uq_issued_number"),
    sa.UniqueConstraint("sha256", name="uq_issued_sha256"),
)
