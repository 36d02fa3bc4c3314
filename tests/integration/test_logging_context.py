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
from tests.support.logs import logs_as_json


@pytest.fixture
def info_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from logs_as_json(monkeypatch, "INFO")


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


def test_a_scheduler_job_logs_no_case_of_an_earlier_job_in_its_thread(
    db_url: str, info_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scheduler run`'s jobs share pooled threads.  A delivery round binds each message's
    case id; the next job in that thread (a sweep) must not log under that case, and each
    job's lines carry its own name, actor and request id.  The caller's context is untouched."""
    from datetime import date

    from apscheduler.schedulers.background import BackgroundScheduler

    from rongcuo.adapters.notify import Recipient
    from rongcuo.bootstrap import bootstrap
    from rongcuo.clock import CST, FixedClock
    from rongcuo.clock import parse_cst as cst
    from rongcuo.scheduler.config import SchedulerConfig
    from rongcuo.scheduler.runner import build_scheduler
    from rongcuo.scheduler.sweep import Sweeper
    from tests.support.walks import licheng_to_determined

    rlog.configure()
    clock = FixedClock(cst("2025-09-28T10:00"))
    app = bootstrap(db_url, clock=clock, migrate=True)
    try:
        cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
        structlog.contextvars.clear_contextvars()
        hook = {"default": (Recipient("webhook", "http://127.0.0.1:9/rongcuo"),)}
        config = SchedulerConfig(recipients=hook, webhook_secret=b"s")
        clock.set(cst("2025-09-30T00:05"))
        Sweeper(app, hook).sweep(clock.now())  # reminders queued for the webhook
        capsys.readouterr()
        sched = build_scheduler(app, config, clock, BackgroundScheduler(timezone=CST))
        deliver, sweep = sched.get_job("deliver"), sched.get_job("sweep")
        assert deliver is not None and sweep is not None
        report = deliver.func()  # port 9 refuses: each message is a failed try
        assert report.retrying
        clock.set(cst("2025-09-30T00:06"))
        sweep.func()  # nothing due: only the job's own line
        lines = _json_lines(capsys.readouterr().err)
    finally:
        app.close()
    retries = [ln for ln in lines if ln["event"] == "notify.retry"]
    assert retries and all(ln.get("case_id") == cid and ln["job"] == "deliver" for ln in retries)
    (swept,) = [ln for ln in lines if ln["event"] == "job.sweep"]
    assert "case_id" not in swept, swept
    assert swept["job"] == "sweep" and swept["actor"] == "system:scheduler"
    assert swept["request_id"] != retries[0]["request_id"]
    assert "case_id" not in structlog.contextvars.get_contextvars()
