"""Alembic migrations (issue 4): upgrade from empty and from the previous head on both
backends, and autogenerate finds no difference from the models."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from rongcuo.adapters.db import migrate, synthetic
from rongcuo.adapters.db import tables as t
from rongcuo.adapters.db.engine import make_engine
from rongcuo.adapters.db.store import Store
from rongcuo.domain.chain import verify_chain

STORE_TABLES = {"cases", "events", "deadlines", "case_counters", "commands"}


def _full_metadata() -> sa.MetaData:
    with contextlib.suppress(ImportError):  # later revisions' tables (issue 5) share it
        import rongcuo.scheduler.tables
    with contextlib.suppress(ImportError):  # 0004_documents
        import rongcuo.adapters.documents.tables
    with contextlib.suppress(ImportError):  # 0009_obligations
        import rongcuo.adapters.supervision.tables
    with contextlib.suppress(ImportError):  # 0012_reports
        import rongcuo.adapters.reporters.tables  # noqa: F401
    return t.metadata


def test_upgrade_from_empty_reaches_every_head(db_url: str) -> None:
    """``rongcuo db upgrade`` on an empty database creates the store at the head revision."""
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    assert set(migrate.current_revisions(engine)) == set(migrate.head_revisions())
    assert set(sa.inspect(engine).get_table_names()) >= STORE_TABLES


def test_first_revision_is_0001_initial() -> None:
    """Later revisions chain after ``0001_initial`` (issue 5's ``0002_outbox``)."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    bases = script.get_bases()
    assert bases == ["0001_initial"]


def test_upgrade_from_the_previous_head_keeps_recorded_cases(db_url: str) -> None:
    """A database at the previous head upgrades without losing or changing a recorded event."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    (head,) = script.get_heads()
    previous = script.get_revision(head).down_revision or "0001_initial"
    if head == "0001_initial":  # only one revision so far: the previous head is empty
        previous = None
    engine = make_engine(db_url)
    if previous:
        migrate.upgrade(engine, str(previous))
    else:
        migrate.upgrade(engine, "0001_initial")
    store = Store(engine)
    at = datetime(2025, 9, 30, 1, tzinfo=UTC)
    case_id = synthetic.open_case(store, date(2025, 9, 30), at)
    before = [e.hashed_fields() for e in store.iter_events()]
    migrate.upgrade(engine)
    after = [e.hashed_fields() for e in store.iter_events()]
    assert migrate.is_up_to_date(engine)
    assert after == before and verify_chain(after) == []
    found = store.load_case(case_id)
    assert found is not None and found.number == "测试容错〔2025〕1号"


def test_autogenerate_finds_no_difference_from_the_models(db_url: str) -> None:
    """The migrations and the SQLModel tables describe the same schema (issue 4)."""
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    metadata = _full_metadata()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == []


def test_downgrade_to_empty_and_upgrade_again(db_url: str) -> None:
    """Every revision reverses cleanly (the insert-only triggers go with the table)."""
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert not STORE_TABLES & set(sa.inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert migrate.is_up_to_date(engine)
