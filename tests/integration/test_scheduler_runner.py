"""The long-running scheduler's jobs: sweep on an interval, daily digest per body, calendar check.

Deadlines: the Licheng art. 17 notice period (7 days after the decision).  Calendar: the State
Council publishes next year's holiday notice late in the year (procedures.md §8), so from
1 November the scheduler warns when next year's file is missing.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from rongcuo.adapters.notify import Recipient
from rongcuo.adapters.notify.outbox import OutboxMessage
from rongcuo.bootstrap import App
from rongcuo.clock import CST, FixedClock
from rongcuo.clock import parse_cst as cst
from rongcuo.domain.errors import InvalidInput
from rongcuo.scheduler.config import SchedulerConfig, parse_config
from rongcuo.scheduler.runner import build_scheduler, calendar_check, digest
from tests.support.walks import licheng_to_determined

OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]



@pytest.fixture
def clock_start() -> datetime:
    return cst("2025-09-28T10:00")


def outbox(app: App, kind: str) -> list[dict[str, object]]:
    with app.store.read() as conn:
        return [dict(r) for r in conn.execute(
            sa.select(OUTBOX).where(OUTBOX.c.kind == kind).order_by(OUTBOX.c.id)).mappings()]


def test_the_running_scheduler_sweeps_on_its_interval(app: App, clock: FixedClock) -> None:
    """`scheduler run`'s sweep job (every N seconds) records the overdue mark of a Licheng
    art. 17 notice period by itself, reading the clock once per run."""
    cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    clock.set(cst("2025-10-10T00:05"))
    sched = build_scheduler(app, SchedulerConfig(sweep_seconds=1), clock,
                            BackgroundScheduler(timezone=CST))
    assert {j.id for j in sched.get_jobs()} == {"sweep", "deliver", "digest", "calendar-check"}
    sched.start()
    try:
        deadline = time.monotonic() + 20
        types: list[str] = []
        while time.monotonic() < deadline:
            types = [e.type for e in app.store.case_events(cid)]
            if "DeadlineOverdue" in types:
                break
            time.sleep(0.2)
    finally:
        sched.shutdown(wait=True)
    assert types.count("DeadlineOverdue") == 1
    assert types.count("DeadlineEscalated") == 1


def test_the_digest_job_queues_one_message_per_body_per_day(app: App, clock: FixedClock) -> None:
    """Daily digest per responsible body: overdue and soon-due deadlines of each agency in one
    message; a second scheduler (or a rerun) the same day queues nothing more."""
    licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28),
                          subject="甲", agency="区市场监管局")
    licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28),
                          subject="乙", agency="区城管局")
    config = SchedulerConfig(recipients={
        "default": (Recipient("email", "office@example.gov.cn"),),
        "digest:区城管局": (Recipient("email", "cg@example.gov.cn"),),
    })
    now = cst("2025-10-08T08:30")  # due 10-09: within the 7-day horizon
    assert digest(app, config, now) == {"区市场监管局": 1, "区城管局": 1}
    assert digest(app, config, now) == {}
    rows = outbox(app, "digest")
    assert sorted(str(r["target"]) for r in rows) == ["cg@example.gov.cn", "office@example.gov.cn"]
    (cg,) = [r for r in rows if r["target"] == "cg@example.gov.cn"]
    assert cg["payload"]["deadlines"][0]["timer"] == "notice"  # type: ignore[index]
    assert cg["payload"]["deadlines"][0]["due"] == "2025-10-09"  # type: ignore[index]


def test_calendar_check_warns_from_the_first_of_november_when_next_year_is_missing(
    app: App,
) -> None:
    """2026's file is shipped, 2027's is not: no warning on 31 October 2026, a warning (once
    a day) from 1 November 2026; none in November 2025, when 2026 is present."""
    config = SchedulerConfig(recipients={"default": (Recipient("email", "it@example.gov.cn"),)})
    assert "missing_next_year" not in calendar_check(app, config, cst("2026-10-31T09:00"))
    assert "missing_next_year" not in calendar_check(app, config, cst("2025-11-15T09:00"))
    assert calendar_check(app, config, cst("2026-11-01T09:00"))["missing_next_year"] == 2027
    calendar_check(app, config, cst("2026-11-01T15:00"))
    rows = outbox(app, "calendar")
    assert len(rows) == 1
    assert "2027" in str(rows[0]["subject"])


def test_config_refuses_a_bad_recipient_and_a_webhook_without_secret() -> None:
    """Bad configuration is named in both languages before anything runs."""
    with pytest.raises(InvalidInput) as bad:
        parse_config({"recipients": {"default": ["fax:123"]}}, env={})
    assert "fax:123" in bad.value.message_zh and "fax:123" in bad.value.message_en
    with pytest.raises(InvalidInput) as nosecret:
        parse_config({"recipients": {"default": ["webhook:http://h"]}}, env={})
    assert "RONGCUO_WEBHOOK_SECRET" in nosecret.value.message_en
    cfg = parse_config({"scheduler": {"sweep_seconds": 30, "digest_at": "07:45"},
                        "recipients": {"default": ["webhook:http://h"]}},
                       env={"RONGCUO_WEBHOOK_SECRET": "s"})
    assert (cfg.sweep_seconds, cfg.digest_at.isoformat(), set(cfg.channels())) == (
        30, "07:45:00", {"webhook"})


@pytest.mark.parametrize(("data", "named"), [
    ({"scheduler": {"sweep_secs": 5}}, "sweep_secs"),
    ({"delivery": {"max_attempt": 3}}, "max_attempt"),
    ({"smtp": {"host": "h", "pasword": "x"}}, "pasword"),
    ({"recipient": {"default": ["email:a@b.c"]}}, "[recipient]"),
])
def test_config_refuses_a_setting_it_does_not_know(data: dict[str, Any], named: str) -> None:
    """A typo in the TOML is named (both languages) instead of silently meaning the default."""
    with pytest.raises(InvalidInput) as bad:
        parse_config(data, env={})
    assert named in bad.value.message_zh and named in bad.value.message_en
    assert "known:" in bad.value.message_en


def test_config_refuses_an_email_recipient_without_a_mail_server() -> None:
    """Like a webhook without its secret: refused before anything runs, not a failure per
    message later ("channel 'email' is not configured")."""
    with pytest.raises(InvalidInput) as bad:
        parse_config({"recipients": {"default": ["email:a@example.gov.cn"]}}, env={})
    assert "[smtp]" in bad.value.message_en and "[smtp]" in bad.value.message_zh
    cfg = parse_config({"smtp": {"host": "127.0.0.1"},
                        "recipients": {"default": ["email:a@example.gov.cn"]}}, env={})
    assert set(cfg.channels()) == {"email"}
