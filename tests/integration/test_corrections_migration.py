"""Revision 0011_corrections upgrades a database at its previous head on both backends: the
recorded cases are untouched and not withdrawn, and the revision goes down and up again."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from rongcuo.adapters.db import migrate, synthetic
from rongcuo.adapters.db.engine import make_engine
from rongcuo.adapters.db.store import Store
from rongcuo.domain.chain import verify_chain

REVISION = "0011_corrections"


def _previous() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    rev = script.get_revision(REVISION)
    assert rev is not None and isinstance(rev.down_revision, str)
    return rev.down_revision


def test_upgrade_keeps_the_cases_and_marks_none_withdrawn(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    previous = _previous()
    migrate.upgrade(engine, previous)
    store = Store(engine)
    case_id = synthetic.open_case(store, date(2026, 3, 2), datetime(2026, 3, 2, 2, tzinfo=UTC))
    before = [e.hashed_fields() for e in store.iter_events()]
    assert "withdrawn" not in {c["name"] for c in sa.inspect(engine).get_columns("cases")}
    migrate.upgrade(engine, REVISION)
    assert "withdrawn" in {c["name"] for c in sa.inspect(engine).get_columns("cases")}
    after = [e.hashed_fields() for e in store.iter_events()]
    assert after == before and verify_chain(after) == []
    case = store.load_case(case_id)
    assert case is not None and case.state.withdrawn is False
    assert [c.id for c in store.list_cases()] == [case_id]
    assert store.list_cases(withdrawn=True) == []
    migrate.downgrade(engine, previous)
    assert "withdrawn" not in {c["name"] for c in sa.inspect(engine).get_columns("cases")}
    migrate.upgrade(engine, REVISION)
    assert [c.id for c in store.list_cases()] == [case_id]
    engine.dispose()
