"""A database named on the command line that is wrong, missing or unreachable gets a clear
message and exit 3 — never a traceback, and never a new empty database that makes a typo look
like "nothing due" (scheduler) or "nothing to verify" (audit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo.adapters.db.engine import normalise_url, sqlite_file
from rongcuo.entrypoints.cli.main import cli
from tests.conftest import PG_ADMIN_URL, require_postgres


@pytest.mark.parametrize("args", [
    ["scheduler", "sweep", "--now", "2025-10-10T00:05"],
    ["scheduler", "outbox"],
    ["scheduler", "deliver"],
    ["audit", "verify"],
])
@pytest.mark.parametrize("spelled", ["url", "path"])
def test_a_missing_sqlite_file_is_named_and_not_created(
    tmp_path: Path, args: list[str], spelled: str
) -> None:
    missing = tmp_path / "typo.sqlite3"
    db = f"sqlite:///{missing}" if spelled == "url" else str(missing)
    res = CliRunner().invoke(cli, [*args, "--db", db])
    assert res.exit_code == 3, res.output
    assert "数据库文件不存在" in res.output and str(missing) in res.output
    assert "no database file" in res.output
    assert not missing.exists()
    assert "Traceback" not in res.output


@pytest.mark.parametrize("url", ["bogus://x", "://nothing", "postgresql://h:port/x"])
@pytest.mark.parametrize("args", [["scheduler", "sweep"], ["audit", "verify"]])
def test_a_url_of_no_known_database_is_refused_by_name(url: str, args: list[str]) -> None:
    res = CliRunner().invoke(cli, [*args, "--db", url])
    assert res.exit_code == 3, res.output
    assert "数据库地址无效" in res.output and repr(url) in res.output
    assert "not a database URL" in res.output


def test_an_unreachable_postgresql_is_refused_with_the_driver_reason() -> None:
    # port 1 on loopback: nothing listens, the connection is refused at once
    res = CliRunner().invoke(cli, ["scheduler", "sweep", "--db",
                                   "postgresql://postgres:secret@127.0.0.1:1/x"])
    assert res.exit_code == 3, res.output
    assert "无法连接数据库" in res.output and "cannot connect to the database" in res.output
    assert "127.0.0.1:1" in res.output
    assert "secret" not in res.output  # the password is never echoed


def test_a_bare_path_is_a_sqlite_file(tmp_path: Path) -> None:
    assert normalise_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert sqlite_file(str(tmp_path / "a.db")) == tmp_path / "a.db"
    assert normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert sqlite_file("postgresql://u@h/d") is None
    assert sqlite_file("sqlite://") is None  # in memory


def test_a_bare_path_opens_the_database_a_case_worker_created(tmp_path: Path) -> None:
    db = tmp_path / "cases.sqlite3"
    runner = CliRunner()
    opened = runner.invoke(cli, ["case", "open", "--db", str(db), "--workflow", "licheng",
                                 "--subject", "张某", "--agency", "历城区市场监督管理局",
                                 "--on", "2025-09-26", "--by", "监督科",
                                 "--set", "matter=超期作出行政处罚决定"])
    assert opened.exit_code == 0, opened.output
    swept = runner.invoke(cli, ["scheduler", "sweep", "--db", str(db), "--json",
                                "--now", "2025-09-26T12:00"])
    assert swept.exit_code == 0, swept.output
    assert '"backend": "sqlite"' in swept.output


def test_a_postgresql_database_that_does_not_exist_is_named() -> None:
    """On a running server, a database name that is not there (a typo) — not a traceback."""
    require_postgres()
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/rongcuo_no_such_database"
    res = CliRunner().invoke(cli, ["scheduler", "sweep", "--db", url])
    assert res.exit_code == 3, res.output
    assert "无法连接数据库" in res.output and "rongcuo_no_such_database" in res.output
    assert "does not exist" in res.output
