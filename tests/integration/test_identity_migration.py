"""Revision 0010_identity upgrades a database at its previous revision on both backends: the
recorded case and its events are untouched, the identity tables are there, the unit
``default`` exists and the old case belongs to it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from rongcuo.adapters.db import migrate, synthetic
from rongcuo.adapters.db.engine import make_engine
from rongcuo.adapters.db.store import Store
from rongcuo.adapters.identity import repo
from rongcuo.adapters.identity import tables as it
from rongcuo.domain.chain import verify_chain
from rongcuo.domain.identity import DEFAULT_UNIT

NEW = {"units", "users", "api_tokens", "case_units"}


def test_upgrade_keeps_the_cases_and_puts_them_in_the_default_unit(db_url: str) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    previous = script.get_revision("0010_identity").down_revision
    engine = make_engine(db_url)
    migrate.upgrade(engine, str(previous))
    store = Store(engine)
    at = datetime(2026, 3, 2, 2, tzinfo=UTC)
    case_id = synthetic.open_case(store, date(2026, 3, 2), at)
    before = [e.hashed_fields() for e in store.iter_events()]
    assert not NEW & set(sa.inspect(engine).get_table_names())
    migrate.upgrade(engine, "0010_identity")
    assert set(sa.inspect(engine).get_table_names()) >= NEW
    after = [e.hashed_fields() for e in store.iter_events()]
    assert after == before and verify_chain(after) == []
    assert repo.case_units(engine, [case_id]) == {case_id: DEFAULT_UNIT}
    with engine.connect() as conn:
        assert conn.execute(sa.select(it.units.c.name).where(
            it.units.c.id == DEFAULT_UNIT)).scalar_one() == "默认机构"
    migrate.downgrade(engine, str(previous))  # and back: the cases stay
    assert not NEW & set(sa.inspect(engine).get_table_names())
    assert [e.hashed_fields() for e in store.iter_events()] == before
    engine.dispose()
