"""Issue 15 §2 — ``rongcuo demo`` writes into a database of its own, never the user's: run
twice against an empty ``RONGCUO_HOME`` it leaves the default database absent, says where it
wrote, and succeeds each time (the second run would otherwise trip the repeated-mistake rule,
历城办法第十二条第（五）项)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.entrypoints.cli.main import cli
from tests.integration.test_case_cli import TODAY


def _demo(*args: str) -> str:
    with freeze_time(TODAY):
        res = CliRunner().invoke(cli, ["demo", *args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.stdout


def test_demo_twice_leaves_the_default_database_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("RONGCUO_HOME", str(home))
    monkeypatch.setenv("RONGCUO_DATABASE_URL", f"sqlite:///{tmp_path / 'real.sqlite3'}")
    first, second = _demo(), _demo()
    demo = home / "demo.sqlite3"
    for out in (first, second):
        assert f"演示数据库 demo database: {demo}" in out
        assert "历城容错〔2025〕1号" in out and "已认定" in out  # reset: number 1 again
    assert not (home / "rongcuo.sqlite3").exists()
    assert not (tmp_path / "real.sqlite3").exists()
    assert sorted(os.listdir(home)) == ["demo.sqlite3"]
    with freeze_time(TODAY):
        listed = CliRunner().invoke(cli, ["case", "list", "--db", str(demo), "--json"])
    assert len(json.loads(listed.stdout)) == 1


def test_demo_keep_adds_a_case_each_run_and_db_names_another(tmp_path: Path) -> None:
    _demo()
    kept = _demo("--keep")
    assert "历城容错〔2025〕2号" in kept and "已认定" in kept
    other = tmp_path / "other.sqlite3"
    named = _demo("--db", str(other))
    assert f"demo database: {other}" in named and other.exists()
