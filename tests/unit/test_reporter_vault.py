"""The reporters' key file and ciphertext (AES-256-GCM): created 0600, refused when open to
others or malformed, bound to its case and report, useless under another key."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from rongcuo.adapters.db.tables import metadata
from rongcuo.adapters.reporters.tables import reporters
from rongcuo.adapters.reporters.vault import VaultError, load_key, reveal_identity, store_identity

AT = datetime(2026, 3, 2, 2, tzinfo=UTC)


@pytest.fixture
def conn() -> sa.Connection:
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine, tables=[t for t in metadata.sorted_tables
                                        if t.name in ("cases", "reporters")])
    c = engine.connect()
    c.execute(sa.text("PRAGMA foreign_keys=OFF"))
    return c


def test_the_key_file_is_created_0600_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "secret" / "reporter.key"
    key = load_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path).material == key.material and len(key.material) == 32


def test_a_key_file_open_to_others_or_malformed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "reporter.key"
    load_key(path)
    path.chmod(0o640)
    with pytest.raises(VaultError) as exc:
        load_key(path)
    assert exc.value.code == "reporter.key_exposed" and "chmod 600" in exc.value.message_zh
    path.chmod(0o600)
    path.write_text("not a key\n", encoding="ascii")
    with pytest.raises(VaultError) as bad:
        load_key(path)
    assert bad.value.code == "reporter.key_invalid"


def test_ciphertext_is_bound_to_its_row_and_its_key(conn: sa.Connection, tmp_path: Path) -> None:
    key, other = load_key(tmp_path / "a.key"), load_key(tmp_path / "b.key")
    store_identity(conn, key, ref="rpt-1", case_id="c1", report_id="XF-1", identity="周晓梅",
                   at=AT)
    assert reveal_identity(conn, key, case_id="c1", report_id="XF-1") == "周晓梅"
    with pytest.raises(VaultError) as wrong:
        reveal_identity(conn, other, case_id="c1", report_id="XF-1")
    assert wrong.value.code == "reporter.key_mismatch"
    # a row moved to another report does not decrypt (associated data)
    conn.execute(reporters.update().values(report_id="XF-2"))
    with pytest.raises(VaultError):
        reveal_identity(conn, key, case_id="c1", report_id="XF-2")
    with pytest.raises(VaultError) as missing:
        reveal_identity(conn, key, case_id="c1", report_id="XF-1")
    assert missing.value.code == "reporter.not_found"
