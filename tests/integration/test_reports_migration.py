"""Revision 0012_reports upgrades a database at its ``down_revision`` (read from the script
directory, never hard-coded) on both backends: the recorded cases are untouched and
``reporters`` is there, holding ciphertext only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from rongcuo.adapters.db import migrate, synthetic
from rongcuo.adapters.db.engine import make_engine
from rongcuo.adapters.db.store import Store
from rongcuo.adapters.reporters.vault import load_key, reveal_identity, store_identity
from rongcuo.domain.chain import verify_chain


def test_upgrade_from_the_previous_revision_adds_reporters(db_url: str, tmp_path: Path) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    previous = script.get_revision("0012_reports").down_revision
    assert isinstance(previous, str)
    engine = make_engine(db_url)
    migrate.upgrade(engine, previous)
    store = Store(engine)
    at = datetime(2026, 3, 2, 2, tzinfo=UTC)
    case_id = synthetic.open_case(store, date(2026, 3, 2), at)
    before = [e.hashed_fields() for e in store.iter_events()]
    assert "reporters" not in sa.inspect(engine).get_table_names()
    migrate.upgrade(engine, "0012_reports")
    assert "reporters" in sa.inspect(engine).get_table_names()
    after = [e.hashed_fields() for e in store.iter_events()]
    assert after == before and verify_chain(after) == []
    key = load_key(tmp_path / "keys" / "reporter.key")
    with engine.begin() as conn:
        store_identity(conn, key, ref="rpt-1", case_id=case_id, report_id="XF-1",
                       identity="周晓梅", at=at)
    with engine.connect() as conn:
        raw = conn.execute(sa.text("SELECT ciphertext FROM reporters")).scalar_one()
        assert "周晓梅".encode() not in bytes(raw)
        assert reveal_identity(conn, key, case_id=case_id, report_id="XF-1") == "周晓梅"
    engine.dispose()
