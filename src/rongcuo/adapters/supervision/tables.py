"""Tables of revision ``0009_obligations``.

* ``bodies`` — the registry of bodies (C18), keyed by a unit id so it joins the identity
  issue's ``units`` later: name, kinds (JSON list), parent, ``since`` (first day owed).
* ``obligation_settings`` — the adopting body's values for the parameters the sources leave
  blank; insert-only, the latest row per key wins (so every change is kept, with who and when).
* ``obligation_periods`` — one row per (obligation, body, period): its due date and how it was
  derived (``basis``, with the parameter values used — a later change never alters it), the
  standing, and the next notice owed with the instant it falls due (indexed: the sweep claims
  rows with ``next_notice_at <= now``).  A projection, like ``deadlines``: rewritten by the sweep.
* ``obligation_fulfilments`` — what was done towards an obligation (a round concluded, a
  report filed), insert-only; a fulfilment entered in error is withdrawn by a new row
  (``kind = 'withdrawn'``, ``withdraws`` = its id), never deleted.
* ``obligation_notices`` — each reminder, overdue mark and escalation recorded, insert-only;
  unique ``(period_id, notice)``: the exactly-once guarantee against racing sweepers.
* ``case_classifications`` — a case's problem category and field from its body's controlled
  vocabulary; insert-only, the latest row per case wins (a reclassification is a new row).
* ``risk_points`` — body-level risk-point records (易错风险点, 问题症结, 警示提醒 and its
  recipients) with the cases they drew on; insert-only, a correction supersedes by a new row.

The revision also indexes ``events`` on ``(type, "on")``: "the events of a kind in a period"
(every decision, overdue mark, correction, score of a year) is the access path of every
periodic report, and without it each figure scans the whole log.

The insert-only tables refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) by database
triggers, as ``events`` does.  Import this module wherever the full metadata is needed.
"""

from __future__ import annotations

import sqlalchemy as sa

from rongcuo.adapters.db.tables import BigId, JSONType, events, metadata

INSERT_ONLY = ("obligation_settings", "obligation_fulfilments", "obligation_notices",
               "case_classifications", "risk_points")

# on the events table of 0001_initial, declared here with the revision that creates it
ix_events_type_on = sa.Index("ix_events_type_on", events.c.type, events.c.on)

bodies = sa.Table(
    "bodies",
    metadata,
    sa.Column("unit_id", sa.String(80), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kinds", JSONType, nullable=False),
    sa.Column("parent", sa.String(80), nullable=True),
    sa.Column("since", sa.Date(), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
)

obligation_settings = sa.Table(
    "obligation_settings",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(80), nullable=False),
    sa.Column("value", JSONType, nullable=False),
    sa.Column("set_on", sa.Date(), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_obligation_settings_key", "key", "id"),
)

obligation_periods = sa.Table(
    "obligation_periods",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("obligation", sa.String(80), nullable=False),
    sa.Column("unit_id", sa.String(80), sa.ForeignKey("bodies.unit_id", name="fk_period_body"),
              nullable=False),
    sa.Column("period_key", sa.String(200), nullable=False),
    sa.Column("period_start", sa.Date(), nullable=False),
    sa.Column("period_end", sa.Date(), nullable=False),
    sa.Column("due", sa.Date(), nullable=False),
    sa.Column("provisional", sa.Boolean(), nullable=False),
    sa.Column("basis", JSONType, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("next_notice", sa.String(40), nullable=True),
    sa.Column("next_notice_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("obligation", "unit_id", "period_key", name="uq_obligation_period"),
    sa.Index("ix_obligation_periods_next_notice_at", "next_notice_at"),
)

obligation_fulfilments = sa.Table(
    "obligation_fulfilments",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("obligation", sa.String(80), nullable=False),
    sa.Column("unit_id", sa.String(80), sa.ForeignKey("bodies.unit_id",
                                                      name="fk_fulfilment_body"),
              nullable=False),
    sa.Column("period_key", sa.String(200), nullable=False),
    sa.Column("on", sa.Date(), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("withdraws", sa.BigInteger(), nullable=True),
    sa.Column("ref", sa.String(400), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_obligation_fulfilments_key", "obligation", "unit_id", "period_key"),
)

obligation_notices = sa.Table(
    "obligation_notices",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("period_id", sa.String(40),
              sa.ForeignKey("obligation_periods.id", name="fk_notice_period"), nullable=False),
    sa.Column("notice", sa.String(40), nullable=False),
    sa.Column("on", sa.Date(), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("to", sa.String(200), nullable=False),
    sa.Column("article", sa.String(400), nullable=False),
    sa.Column("data", JSONType, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("period_id", "notice", name="uq_obligation_notice"),
)

case_classifications = sa.Table(
    "case_classifications",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id", name="fk_class_case"),
              nullable=False),
    sa.Column("vocabulary", sa.String(80), nullable=False),
    sa.Column("category", sa.String(80), nullable=False),
    sa.Column("field", sa.String(80), nullable=False),
    sa.Column("on", sa.Date(), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_case_classifications_case", "case_id", "id"),
)

risk_points = sa.Table(
    "risk_points",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("body", sa.String(80), nullable=False),
    sa.Column("recorded_on", sa.Date(), nullable=False),
    sa.Column("window_from", sa.Date(), nullable=False),
    sa.Column("window_to", sa.Date(), nullable=False),
    sa.Column("category", sa.String(80), nullable=True),
    sa.Column("field", sa.String(80), nullable=True),
    sa.Column("risk_point", sa.Text(), nullable=False),
    sa.Column("root_cause", sa.Text(), nullable=False),
    sa.Column("warning", sa.Text(), nullable=False),
    sa.Column("recipients", JSONType, nullable=False),
    sa.Column("case_ids", JSONType, nullable=False),
    sa.Column("article", sa.String(400), nullable=False),
    sa.Column("supersedes", sa.BigInteger(), nullable=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)
