"""Revision 0002_outbox chains after 0001_initial, on SQLite and PostgreSQL.

The outbox must exist before a sweep can write a notice and its messages in one transaction
(issue 5: "notifications go through an outbox written in the same transaction as the event").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

# 0003_documents' tables too, so the models compared at the head are complete
import rongcuo.adapters.documents.tables
import rongcuo.scheduler.tables  # noqa: F401 - registers outbox and scheduler_leases
from rongcuo.adapters.db import migrate
from rongcuo.adapters.db.engine import make_engine


def test_0002_upgrades_from_0001_downgrades_and_matches_the_models(db_url: str) -> None:
    """From the previous head to 0002 and back; afterwards autogenerate finds no difference."""
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
        migrate.upgrade(engine)  # later revisions (0003_documents) on top, then all models
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        migrate.downgrade(engine, "0001_initial")
        assert "outbox" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
