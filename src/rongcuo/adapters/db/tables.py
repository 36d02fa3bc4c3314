"""SQLModel tables of the case store (Alembic revision ``0001_initial``).

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

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from rongcuo.domain import limits

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite: INTEGER PK = rowid

metadata = SQLModel.metadata


class CaseRow(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        sa.Index("ix_cases_workflow_state", "workflow_id", "state"),
        sa.Index("ix_cases_subject", "subject"),
    )

    id: str = Field(sa_column=sa.Column(sa.String(40), primary_key=True))
    number: str = Field(sa_column=sa.Column(sa.String(80), nullable=False, unique=True))
    workflow_id: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    workflow_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    subject: str = Field(sa_column=sa.Column(sa.String(limits.SUBJECT), nullable=False))
    agency: str = Field(sa_column=sa.Column(sa.String(limits.AGENCY), nullable=False))
    opened_on: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    state: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    facts: dict[str, Any] = Field(sa_column=sa.Column(JSONType, nullable=False))
    timers: dict[str, Any] = Field(sa_column=sa.Column(JSONType, nullable=False))
    last_on: date | None = Field(sa_column=sa.Column(sa.Date(), nullable=True))
    closed: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))
    # 误录撤回 (issue 15): the projection of a correction.withdraw event, like ``closed``
    withdrawn: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False,
                                                server_default=sa.false()))
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    last_seq: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    last_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class EventRow(SQLModel, table=True):
    __tablename__ = "events"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
        sa.Index("ix_events_idempotency_key", "idempotency_key"),
    )

    id: int | None = Field(
        default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True)
    )
    case_id: str = Field(
        sa_column=sa.Column(
            sa.String(40), sa.ForeignKey("cases.id", name="fk_events_case"), nullable=False
        )
    )
    seq: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    trigger: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    type: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    on: date = Field(sa_column=sa.Column("on", sa.Date(), nullable=False))
    actor: str = Field(sa_column=sa.Column(sa.String(limits.ACTOR), nullable=False))
    article: str = Field(sa_column=sa.Column(sa.String(400), nullable=False))
    data: dict[str, Any] = Field(sa_column=sa.Column(JSONType, nullable=False))
    workflow_id: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    workflow_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    recorded_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    idempotency_key: str | None = Field(
        sa_column=sa.Column(sa.String(limits.IDEMPOTENCY_KEY), nullable=True))
    prev_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))


class DeadlineRow(SQLModel, table=True):
    __tablename__ = "deadlines"
    __table_args__ = (
        sa.Index("ix_deadlines_status_due", "status", "due"),
        sa.Index("ix_deadlines_next_notice_at", "next_notice_at"),
    )

    case_id: str = Field(
        sa_column=sa.Column(
            sa.String(40),
            sa.ForeignKey("cases.id", name="fk_deadlines_case"),
            primary_key=True,
        )
    )
    timer: str = Field(sa_column=sa.Column(sa.String(80), primary_key=True))
    status: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    due: date | None = Field(sa_column=sa.Column(sa.Date(), nullable=True))
    provisional: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))
    basis: dict[str, Any] = Field(sa_column=sa.Column(JSONType, nullable=False))
    started_on: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    label_zh: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    label_en: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    next_notice: str | None = Field(sa_column=sa.Column(sa.String(80), nullable=True))
    next_notice_at: datetime | None = Field(
        sa_column=sa.Column(sa.DateTime(timezone=True), nullable=True)
    )
    updated_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class CaseCounterRow(SQLModel, table=True):
    __tablename__ = "case_counters"

    workflow_id: str = Field(sa_column=sa.Column(sa.String(80), primary_key=True))
    year: int = Field(sa_column=sa.Column(sa.Integer(), primary_key=True, autoincrement=False))
    last_n: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))


class CommandRow(SQLModel, table=True):
    __tablename__ = "commands"

    idempotency_key: str = Field(
        sa_column=sa.Column(sa.String(limits.IDEMPOTENCY_KEY), primary_key=True))
    fingerprint: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    case_id: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    result: dict[str, Any] = Field(sa_column=sa.Column(JSONType, nullable=False))
    recorded_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


cases: sa.Table = CaseRow.__table__  # type: ignore[attr-defined]
events: sa.Table = EventRow.__table__  # type: ignore[attr-defined]
deadlines: sa.Table = DeadlineRow.__table__  # type: ignore[attr-defined]
case_counters: sa.Table = CaseCounterRow.__table__  # type: ignore[attr-defined]
commands: sa.Table = CommandRow.__table__  # type: ignore[attr-defined]
