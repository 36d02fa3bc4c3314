"""SQLAlchemy Core tables of the case store (Alembic revision ``0001_initial``).

* ``cases`` — one row per case: the persisted :class:`~rongcuo.domain.case.CaseState`
  (state, facts, timers as JSON) plus ``version`` for the optimistic check.
* ``events`` — the record, insert-only (database triggers reject UPDATE/DELETE/TRUNCATE);
  ``id`` is the global order, ``(case_id, seq)`` is unique, each row hash-chained
  (:mod:`rongcuo.domain.chain`).  Keep these columns stable: the scheduler and auditors read them.
* ``deadlines`` — one row per case and timer, indexed on ``(status, due)`` and
  ``next_notice_at`` so "what is due on X" is one indexed query.
* ``case_counters`` — per-workflow, per-year counter for readable case numbers.
* ``commands`` — idempotency keys and the result first returned for them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from rongcuo.domain import limits

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite: INTEGER PK = rowid

# One MetaData for every table (the ORM-mapped outbox and scheduler tables join it through
# rongcuo.adapters.db.orm): Alembic's target.  Core, not SQLModel: SQLModel and pydantic cost a
# command more CPU than the rest of its imports, and the store maps no objects (issue 16).
metadata = sa.MetaData()


cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("number", sa.String(80), nullable=False, unique=True),
    sa.Column("workflow_id", sa.String(80), nullable=False),
    sa.Column("workflow_version", sa.String(40), nullable=False),
    sa.Column("subject", sa.String(limits.SUBJECT), nullable=False),
    sa.Column("agency", sa.String(limits.AGENCY), nullable=False),
    sa.Column("opened_on", sa.Date(), nullable=False),
    sa.Column("state", sa.String(80), nullable=False),
    sa.Column("facts", JSONType, nullable=False),
    sa.Column("timers", JSONType, nullable=False),
    sa.Column("last_on", sa.Date(), nullable=True),
    sa.Column("closed", sa.Boolean(), nullable=False),
    # 误录撤回 (issue 15): the projection of a correction.withdraw event, like ``closed``
    sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("last_seq", sa.Integer(), nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_cases_workflow_state", "workflow_id", "state"),
    sa.Index("ix_cases_subject", "subject"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id", name="fk_events_case"),
              nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("trigger", sa.String(80), nullable=False),
    sa.Column("type", sa.String(80), nullable=False),
    sa.Column("on", sa.Date(), nullable=False),
    sa.Column("actor", sa.String(limits.ACTOR), nullable=False),
    sa.Column("article", sa.String(400), nullable=False),
    sa.Column("data", JSONType, nullable=False),
    sa.Column("workflow_id", sa.String(80), nullable=False),
    sa.Column("workflow_version", sa.String(40), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("idempotency_key", sa.String(limits.IDEMPOTENCY_KEY), nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
    sa.Index("ix_events_idempotency_key", "idempotency_key"),
)

deadlines = sa.Table(
    "deadlines",
    metadata,
    sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id", name="fk_deadlines_case"),
              primary_key=True),
    sa.Column("timer", sa.String(80), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("due", sa.Date(), nullable=True),
    sa.Column("provisional", sa.Boolean(), nullable=False),
    sa.Column("basis", JSONType, nullable=False),
    sa.Column("started_on", sa.Date(), nullable=False),
    sa.Column("label_zh", sa.String(200), nullable=False),
    sa.Column("label_en", sa.String(200), nullable=False),
    sa.Column("next_notice", sa.String(80), nullable=True),
    sa.Column("next_notice_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_deadlines_status_due", "status", "due"),
    sa.Index("ix_deadlines_next_notice_at", "next_notice_at"),
)

case_counters = sa.Table(
    "case_counters",
    metadata,
    sa.Column("workflow_id", sa.String(80), primary_key=True),
    sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("last_n", sa.Integer(), nullable=False),
)

commands = sa.Table(
    "commands",
    metadata,
    sa.Column("idempotency_key", sa.String(limits.IDEMPOTENCY_KEY), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("case_id", sa.String(40), nullable=False),
    sa.Column("result", JSONType, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)
