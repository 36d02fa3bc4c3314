"""`--db` naming a SQLite file that is not a rongcuo database is refused by name, exit 3, and
the file is left exactly as it was — `audit verify` must never migrate a stranger's file (or an
empty one) and then call it "sound", nor `scheduler sweep` report "nothing due" for it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo.entrypoints.cli.main import cli


def _tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as c:
        return sorted(r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'"))


@pytest.mark.parametrize("args", [["audit", "verify"], ["scheduler", "sweep"],
                                  ["case", "list"]])
def test_another_programs_sqlite_file_is_refused_and_left_alone(
    tmp_path: Path, args: list[str]
) -> None:
    f = tmp_path / "other.sqlite3"
    with sqlite3.connect(f) as c:
        c.execute("CREATE TABLE foo (x INTEGER)")
    before = f.read_bytes()
    res = CliRunner().invoke(cli, [*args, "--db", str(f)])
    assert res.exit_code == 3, res.output
    assert "is not a rongcuo database" in res.output and str(f) in res.output
    assert "Traceback" not in res.output
    assert f.read_bytes() == before
    assert _tables(f) == ["foo"]


@pytest.mark.parametrize("args", [["audit", "verify"], ["scheduler", "sweep"]])
def test_an_empty_file_is_not_a_database_to_audit_or_sweep(tmp_path: Path,
                                                          args: list[str]) -> None:
    f = tmp_path / "zero.sqlite3"
    f.touch()
    res = CliRunner().invoke(cli, [*args, "--db", str(f)])
    assert res.exit_code == 3, res.output
    assert "is not a rongcuo database" in res.output
    assert f.stat().st_size == 0


def test_a_text_file_is_not_a_database(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("hello, this is not sqlite\n" * 200, encoding="utf-8")
    res = CliRunner().invoke(cli, ["case", "list", "--db", str(f)])
    assert res.exit_code == 3, res.output
    assert "is not a usable database" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("url", ["mysql://u@h/db", "oracle://u@h/db"])
def test_an_unsupported_backend_is_refused_by_name(url: str) -> None:
    res = CliRunner().invoke(cli, ["case", "list", "--db", url])
    assert res.exit_code == 3, res.output
    assert "not a database URL" in res.output and "ModuleNotFoundError" not in res.output
