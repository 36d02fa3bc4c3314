"""Revisions 0002_outbox and 0003_scheduler_nodes chain after 0001_initial, on SQLite and
PostgreSQL.

The outbox must exist before a sweep can write a notice and its messages in one transaction
(issue 5: "notifications go through an outbox written in the same transaction as the event");
``scheduler_nodes`` holds each node's last successful sweep for ``rongcuo scheduler status``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

# 0004_documents' tables too, so the models compared at the head are complete
import rongcuo.adapters.documents.tables
import rongcuo.scheduler.tables  # noqa: F401 - registers outbox and scheduler_nodes
from rongcuo.adapters.db import migrate
from rongcuo.adapters.db.engine import make_engine


def test_0002_upgrades_from_0001_and_downgrades(db_url: str) -> None:
    """From the previous head to 0002 and back."""
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0001_initial")
        assert "outbox" not in sa.inspect(engine).get_table_names()
        migrate.upgrade(engine, "0002_outbox")
        assert migrate.current_revisions(engine) == ("0002_outbox",)
        names = set(sa.inspect(engine).get_table_names())
        assert {"outbox", "scheduler_leases"} <= names
        idx = {i["name"] for i in sa.inspect(engine).get_indexes("outbox")}
        assert {"ix_outbox_status_next_attempt_at", "ix_outbox_case_id"} <= idx
        migrate.upgrade(engine)  # later revisions (0004_documents) on top, then all models
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        migrate.downgrade(engine, "0001_initial")
        assert "outbox" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_0003_upgrades_from_0002_keeps_the_outbox_and_matches_the_models(db_url: str) -> None:
    """0002 → 0003: ``scheduler_nodes`` appears, the SQLite lease table of 0002 goes (a lease
    row a previous release left behind means nothing now: the lock is a file), the outbox's
    rows stay; autogenerate then finds no difference from the models; and back to 0002."""
    engine = make_engine(db_url)
    at = datetime(2025, 10, 10, tzinfo=UTC)
    try:
        migrate.upgrade(engine, "0002_outbox")
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO scheduler_leases (name, holder, expires_at) "
                "VALUES ('sweeper', 'old-host:1:x', :at)"), {"at": at})
            conn.execute(sa.text(
                "INSERT INTO outbox (dedupe_key, case_id, kind, channel, target, subject, "
                "payload, status, attempts, next_attempt_at, created_at) VALUES ('k', 'c', "
                "'overdue', 'email', 'a@b.c', 's', '{}', 'pending', 0, :at, :at)"), {"at": at})
        migrate.upgrade(engine, "0003_scheduler_nodes")
        assert migrate.current_revisions(engine) == ("0003_scheduler_nodes",)
        names = set(sa.inspect(engine).get_table_names())
        assert "scheduler_nodes" in names and "scheduler_leases" not in names
        cols = {c["name"] for c in sa.inspect(engine).get_columns("scheduler_nodes")}
        assert {"node", "last_sweep_at", "swept_as_of", "recorded", "pid"} <= cols
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT dedupe_key FROM outbox")).scalars().all() == [
                "k"]
        migrate.upgrade(engine)  # later revisions on top, then every model matches
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        migrate.downgrade(engine, "0002_outbox")
        names = set(sa.inspect(engine).get_table_names())
        assert "scheduler_leases" in names and "scheduler_nodes" not in names
    finally:
        engine.dispose()
