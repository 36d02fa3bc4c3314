"""`rongcuo serve --demo` (the README's first set-up command) serves the demo's own database,
new at each start: it runs any number of times and never writes into the operator's cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.entrypoints.cli.main import cli


def test_serve_demo_twice_on_its_own_database(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # the API's and the pages' models are built at import, with the real datetime class
    # (pydantic's models and freezegun's fake datetime do not mix)
    import pydantic.v1  # noqa: F401  (FastAPI imports it while building the routes)
    import uvicorn

    home = tmp_path / "home"
    monkeypatch.setenv("RONGCUO_HOME", str(home))
    monkeypatch.delenv("RONGCUO_DATABASE_URL", raising=False)
    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append((app, kw)))
    outputs = []
    for _ in range(2):
        with freeze_time("2025-11-20T10:00:00+08:00"):
            res = CliRunner().invoke(cli, ["serve", "--demo", "--port", "8123"])
        assert res.exit_code == 0, res.output
        outputs.append(res.output)
    demo = home / "demo.sqlite3"
    for out in outputs:
        assert f"演示数据库 demo database: {demo}" in out
        assert "handler" in out and "head" in out and "http://127.0.0.1:8123/" in out
    assert len(served) == 2 and served[0][1]["port"] == 8123
    assert demo.exists() and not (home / "rongcuo.sqlite3").exists()
    # a database the operator names must be empty: the demo never seeds real cases
    named = tmp_path / "mine.sqlite3"
    with freeze_time("2025-11-20T10:00:00+08:00"):
        first = CliRunner().invoke(cli, ["serve", "--demo", "--db", str(named)])
        again = CliRunner().invoke(cli, ["serve", "--demo", "--db", str(named)])
    assert first.exit_code == 0, first.output
    assert again.exit_code != 0 and "空数据库" in again.output
