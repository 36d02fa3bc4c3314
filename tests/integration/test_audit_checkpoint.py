"""Signed checkpoints against a real store (issue 6), on SQLite and PostgreSQL: a log that
grew is fine; a wholesale rewrite with recomputed hashes — invisible to the chain alone — is
detected (历城办法第十四条 归档: the archived record must stay what it was)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.audit import checkpoint as cp
from rongcuo.audit.api import take_checkpoint, verify
from rongcuo.bootstrap import App
from rongcuo.clock import FixedClock
from rongcuo.entrypoints.cli.main import cli
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep
from tests.support.tamper import delete_case_whole, rewrite_history
from tests.support.walks import cst_morning, walk_licheng


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return cp.generate_keypair(tmp_path / "operator.key")[0]


def _against(app: App, doc: dict, tmp_path: Path, key: Path) -> list[tuple[str | None, str]]:
    f = tmp_path / "cp.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = verify(app, against=f, pubkey=cp.public_key_path(key), drift=False)
    return [(p["case_id"], p["code"]) for p in report.extra]


def test_a_log_that_only_grew_still_extends_its_checkpoint(
    app: App, clock: FixedClock, key: Path, tmp_path: Path
) -> None:
    """Steps recorded after the checkpoint (the correction, 历城办法第二十条) are new events:
    the log still extends it."""
    cid = walk_licheng(app, clock, steps=8)
    doc = take_checkpoint(app, key, clock.now())
    clock.set(cst_morning("2025-11-25"))
    handlers.fire(app, FireStep(cid, "order_correction", on=date(2025, 11, 25), actor="王科长",
                  data={"days": 30}))
    walk_licheng(app, clock, subject="新案")  # a new case after the checkpoint
    assert _against(app, doc, tmp_path, key) == []


def test_a_wholesale_rewrite_with_recomputed_hashes_is_detected_only_by_the_checkpoint(
    app: App, clock: FixedClock, key: Path, tmp_path: Path
) -> None:
    """The determination rewritten and every later hash recomputed (and the case row's head):
    the chain verifies, but the case no longer extends its checkpointed head
    (历城办法第十七条、第十八条)."""
    a = walk_licheng(app, clock, subject="甲")
    b = walk_licheng(app, clock, subject="乙")
    doc = take_checkpoint(app, key, clock.now())
    rewrite_history(app.store.engine, a, 8, "actor", "冒名的负责人")
    assert verify(app, drift=False).findings == []  # self-consistent forgery
    assert _against(app, doc, tmp_path, key) == [(a, "checkpoint.head_changed")]
    assert b not in {c for c, _ in _against(app, doc, tmp_path, key)}


def test_a_case_deleted_whole_is_detected_by_the_checkpoint(
    app: App, clock: FixedClock, key: Path, tmp_path: Path
) -> None:
    """A whole case removed (events, deadlines and row) leaves no trace in the chain; the
    checkpoint still names it (历城办法第十四条)."""
    a = walk_licheng(app, clock, subject="甲", steps=3)
    walk_licheng(app, clock, subject="乙", steps=3)
    doc = take_checkpoint(app, key, clock.now())
    delete_case_whole(app.store.engine, a)
    assert verify(app, drift=False).findings == []
    assert _against(app, doc, tmp_path, key) == [(a, "checkpoint.head_missing")]


def test_cli_keygen_checkpoint_and_verify_against(
    app: App, clock: FixedClock, db_url: str, tmp_path: Path
) -> None:
    """The operator's commands end to end: keygen (0600 key), checkpoint --out (signed, the
    time read once from the clock), verify --against --pubkey: exit 0, then 6 after a
    rewrite."""
    cid = walk_licheng(app, clock, steps=5)
    runner = CliRunner()
    keyfile, cpfile = tmp_path / "k" / "audit.key", tmp_path / "cp.json"
    assert runner.invoke(cli, ["audit", "keygen", "--out", str(keyfile)]).exit_code == 0
    with freeze_time("2025-10-01T08:00:00Z"):
        made = runner.invoke(cli, ["audit", "checkpoint", "--key", str(keyfile),
                                   "--out", str(cpfile), "--db", db_url])
    assert made.exit_code == 0, made.output
    doc = json.loads(cpfile.read_text(encoding="utf-8"))
    assert doc["taken_at"].startswith("2025-10-01T08:00:00")
    assert doc["cases"] == [{"case_id": cid, "seq": 6, "hash": doc["cases"][0]["hash"]}]
    args = ["audit", "verify", "--against", str(cpfile), "--pubkey", f"{keyfile}.pub",
            "--db", db_url]
    ok = runner.invoke(cli, args)
    assert ok.exit_code == 0, ok.output
    rewrite_history(app.store.engine, cid, 2, "actor", "他人")
    bad = runner.invoke(cli, args)
    assert bad.exit_code == 6
    assert cid in bad.output and "checkpoint.head_changed" in bad.output
