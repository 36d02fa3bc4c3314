"""Revision 0009_obligations upgrades a database at 0004_documents on both backends: the
recorded cases are untouched, the new tables are there, and the record tables refuse edits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from rongcuo.adapters.db import migrate, synthetic
from rongcuo.adapters.db.engine import make_engine
from rongcuo.adapters.db.store import Store
from rongcuo.adapters.supervision import tables as st
from rongcuo.domain.chain import verify_chain

NEW = {"bodies", "obligation_settings", "obligation_periods", "obligation_fulfilments",
       "obligation_notices", "case_classifications", "risk_points"}


def test_upgrade_from_0004_keeps_the_cases_and_adds_the_supervision_tables(db_url: str) -> None:
    """A store at 0004_documents with a recorded case upgrades to 0009_obligations: the events
    verify as before, the seven tables exist, and a classification of the old case can be
    recorded but not edited afterwards (insert-only, like events)."""
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0004_documents")
    store = Store(engine)
    at = datetime(2026, 3, 2, 2, tzinfo=UTC)
    case_id = synthetic.open_case(store, date(2026, 3, 2), at)
    before = [e.hashed_fields() for e in store.iter_events()]
    assert not NEW & set(sa.inspect(engine).get_table_names())
    migrate.upgrade(engine, "0009_obligations")
    assert set(sa.inspect(engine).get_table_names()) >= NEW
    after = [e.hashed_fields() for e in store.iter_events()]
    assert after == before and verify_chain(after) == []
    c = st.case_classifications
    with engine.begin() as conn:
        conn.execute(c.insert().values(case_id=case_id, vocabulary="pu", category="程序合法",
                                       field="市场监管", on=date(2026, 3, 2), actor="t",
                                       note="", recorded_at=at))
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
        conn.execute(c.update().values(category="法制审核"))
    with engine.connect() as conn:
        assert conn.execute(sa.select(c.c.category)).scalar_one() == "程序合法"
    engine.dispose()
