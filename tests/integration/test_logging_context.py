"""Log lines are structured and carry the case id, the actor and the request id."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import structlog
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo import logging as rlog
from rongcuo.entrypoints.cli.main import cli


@pytest.fixture
def info_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RONGCUO_LOG_LEVEL", "INFO")
    monkeypatch.setenv("RONGCUO_LOG_FORMAT", "json")
    before = structlog.get_config()
    monkeypatch.setattr(rlog, "_configured", False)
    structlog.contextvars.clear_contextvars()
    yield
    # restore exactly what the rest of this worker's tests had (never structlog's defaults,
    # which print to stdout)
    structlog.configure(**before)
    structlog.contextvars.clear_contextvars()


def _json_lines(text: str) -> list[dict[str, object]]:
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


@freeze_time("2025-10-01 02:00:00")
def test_firing_a_step_logs_case_actor_and_request(db_url: str, info_logs: None) -> None:
    """Every log line of a step names the case, who recorded it and the request."""
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade", "--db", db_url]).exit_code == 0
    opened = runner.invoke(
        cli,
        [
            "case",
            "open",
            "--db",
            db_url,
            "--workflow",
            "licheng",
            "--subject",
            "张某",
            "--agency",
            "历城区市场监督管理局",
            "--on",
            "2025-09-26",
            "--by",
            "监督科",
            "--set",
            "matter=超期作出行政处罚决定",
        ],
    )
    assert opened.exit_code == 0, opened.output
    case_id = opened.stdout.strip().splitlines()[-1]
    fired = runner.invoke(
        cli,
        ["case", "fire", "--db", db_url, case_id, "file", "--on", "2025-09-29", "--by", "李科长"],
    )
    assert fired.exit_code == 0, fired.output
    lines = [ln for ln in _json_lines(fired.stderr) if ln.get("case_id") == case_id]
    assert lines, fired.stderr
    assert all(ln.get("actor") == "李科长" for ln in lines)
    assert all(isinstance(ln.get("request_id"), str) and ln["request_id"] for ln in lines)
