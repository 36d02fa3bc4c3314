"""``rongcuo scheduler run``: APScheduler 3.x jobs over the deadline rows.

The jobs are defined here in code and kept in memory (APScheduler's own job store is never
the record: the deadline rows and the event log are).  Each job reads the clock once, at
its start, and works from that instant:

* ``sweep`` — every ``sweep_seconds`` (default 60): :class:`~rongcuo.scheduler.sweep.Sweeper`;
  on SQLite under the sweeper lock (:mod:`.lease`; one sweeper at a time), then the node's
  last successful sweep is recorded (:mod:`.status`);
* ``deliver`` — every ``delivery_seconds``: the outbox delivery round (webhook, SMTP);
* ``digest`` — daily at ``digest_at`` China Standard Time: one message per responsible body
  (the case's agency) listing its deadlines overdue or due within 7 days;
* ``obligations`` — every ``max(sweep_seconds, 300)`` when the caller passes the obligations
  catalogue: the bodies' obligations (:mod:`rongcuo.service.supervision.sweep`);
* ``calendar-check`` — daily at 09:00 CST: from 1 November, warn when next year's calendar
  file is missing; when a new year has been loaded, recompute provisional due dates
  (:func:`rongcuo.service.handlers.deadlines.recompute_provisional`).

Every job goes through one :class:`~rongcuo.scheduler.health.DatabaseGate`: a database out of
reach is logged once (``db.unavailable``), retried with capped exponential backoff and logged
once more when it answers (``db.recovered``); any other failure is one ``job.failed`` line.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import IntegrityError

from rongcuo import logging as rlog
from rongcuo.adapters.db import tables as t
from rongcuo.adapters.notify.outbox import OutboxDraft, as_utc, enqueue
from rongcuo.adapters.notify.worker import deliver_due
from rongcuo.clock import CST, Clock, SystemClock, today_cst
from rongcuo.scheduler import lease
from rongcuo.scheduler.config import SchedulerConfig
from rongcuo.scheduler.health import DatabaseGate, Entry, is_unavailable, ping
from rongcuo.scheduler.status import record_sweep
from rongcuo.scheduler.sweep import Sweeper, SweepResult

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.domain.obligations import ObligationCatalogue
    from rongcuo.service.context import App

T = TypeVar("T")

log = rlog.get_logger("rongcuo.scheduler")

DIGEST_HORIZON_DAYS = 7

# Test-only: seconds the sweep pauses after claiming each batch (inside its transaction), so
# the fault tests can kill a sweeper in the middle of its work.  Never set it in production.
TEST_PAUSE_ENV = "RONGCUO_TEST_SWEEP_PAUSE"


# The service's engine: a failed statement's parameters (a case's data) never appear in the
# error text that a job.failed line carries.  PostgreSQL: a connection the server dropped (a
# restart) is replaced before use rather than failing a job, and an unreachable server fails
# a connect within seconds (libpq would otherwise wait for the system's TCP timeout).
SERVICE_OPTIONS: dict[str, Any] = {"hide_parameters": True}
SERVICE_PG_OPTIONS: dict[str, Any] = {**SERVICE_OPTIONS, "pool_pre_ping": True,
                                      "connect_args": {"connect_timeout": 5}}


def service_engine_options(url: str | None) -> dict[str, Any]:
    """The engine options of ``scheduler run`` for ``url`` (default: the configured one)."""
    from rongcuo.adapters.db.engine import is_sqlite, normalise_url
    from rongcuo.paths import default_database_url

    try:
        pg = not is_sqlite(normalise_url(url or default_database_url()))
    except (sa.exc.ArgumentError, ValueError):
        pg = False  # not a URL at all: bootstrap refuses it by name
    return dict(SERVICE_PG_OPTIONS if pg else SERVICE_OPTIONS)


def make_sweeper(app: App, config: SchedulerConfig) -> Sweeper:
    """The sweeper for ``config`` (the test-only pause of :data:`TEST_PAUSE_ENV` if set)."""
    pause = os.environ.get(TEST_PAUSE_ENV)
    if pause:
        from rongcuo.scheduler.pausing import PausingSweeper

        return PausingSweeper(app, config.recipients, batch_size=config.batch_size,
                              pause=float(pause))
    return Sweeper(app, config.recipients, batch_size=config.batch_size)


def run_sweep(
    app: App,
    config: SchedulerConfig,
    now: datetime,
    *,
    lock: lease.SweepLock | None = None,
    limit: int | None = None,
) -> SweepResult:
    """One sweep at ``now``, then record it as this node's last successful sweep.

    On SQLite only under the sweeper lock: ``lock`` when the caller holds it for longer (the
    service holds it for its whole life), else taken for this sweep and given back
    (:class:`lease.SweeperBusy` when another process holds it)."""
    sweeper = make_sweeper(app, config)
    own = lease.lock_for(app) if lock is None else None
    if own is not None:
        own.acquire()  # SweeperBusy
    try:
        result = sweeper.sweep(now, limit=limit)
    finally:
        if own is not None:
            own.release()
    record_sweep(app, config.node, result)
    return result


def digest(app: App, config: SchedulerConfig, now: datetime) -> dict[str, int]:
    """Queue today's digest per responsible body; returns {agency: deadlines listed}.

    Idempotent per day and body (the outbox ``dedupe_key``): two schedulers, one message.
    """
    today = today_cst(_At(now))
    horizon = today + timedelta(days=DIGEST_HORIZON_DAYS)
    d, c = t.deadlines, t.cases
    q = (
        sa.select(c.c.agency, c.c.number, c.c.id, d.c.timer, d.c.label_zh, d.c.due, d.c.status,
                  d.c.provisional)
        .join(c, c.c.id == d.c.case_id)
        .where(
            c.c.closed.is_(False),
            sa.or_(d.c.status == "overdue", sa.and_(d.c.status == "running", d.c.due <= horizon)),
        )
        .order_by(c.c.agency, d.c.due, c.c.number)
    )
    per_body: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with app.store.read() as conn:
        for r in conn.execute(q).mappings():
            per_body[r["agency"]].append(
                {
                    "case_id": r["id"], "number": r["number"], "timer": r["timer"],
                    "label_zh": r["label_zh"], "status": r["status"],
                    "due": r["due"].isoformat() if r["due"] else None,
                    "provisional": bool(r["provisional"]),
                }
            )
    queued: dict[str, int] = {}
    for agency, items in per_body.items():
        overdue = sum(1 for i in items if i["status"] == "overdue")
        draft = OutboxDraft(
            case_id="digest",
            kind="digest",
            key=f"{today.isoformat()}:{agency}",
            subject=f"{agency} {today.isoformat()} 期限日报：逾期 {overdue} 项，"
            f"{DIGEST_HORIZON_DAYS} 日内到期 {len(items) - overdue} 项",
            payload={"agency": agency, "on": today.isoformat(), "deadlines": items},
            role=f"digest:{agency}",
        )
        try:
            with app.store.write() as conn:
                enqueue(conn, [draft], config.recipients, now)
            queued[agency] = len(items)
        except IntegrityError:
            log.info("digest.already_queued", agency=agency, on=today.isoformat())
    return queued


def calendar_check(app: App, config: SchedulerConfig, now: datetime) -> dict[str, Any]:
    """From 1 November (CST), warn when next year's calendar file is missing; when the loaded
    years changed since the last check, recompute every provisional due date."""
    from rongcuo.calendars import load_calendar
    from rongcuo.service.commands import RecomputeDeadlines
    from rongcuo.service.handlers.deadlines import recompute_provisional

    today = today_cst(_At(now))
    before = tuple(app.calendar.loaded_years)
    fresh = load_calendar()
    report: dict[str, Any] = {"on": today.isoformat(), "loaded_years": list(fresh.loaded_years)}
    if tuple(fresh.loaded_years) != before:
        app.use_calendar(fresh)  # the service context's calendar, refreshed in place
        changed = recompute_provisional(app, RecomputeDeadlines(today, "system:calendar-check"))
        report["recomputed"] = len(changed)
    nxt = today.year + 1
    if (today.month, today.day) >= (11, 1) and fresh.year(nxt) is None:
        report["missing_next_year"] = nxt
        log.warning(
            "calendar.next_year_missing",
            year=nxt,
            message_zh=f"{nxt}年放假安排文件尚未导入：{nxt}年的期限将按暂定规则计算",
            message_en=f"the {nxt} calendar file is missing: {nxt} due dates are provisional",
        )
        draft = OutboxDraft(
            case_id="calendar",
            kind="calendar",
            key=f"missing:{nxt}:{today.isoformat()}",
            subject=f"{nxt}年放假安排文件尚未导入（rongcuo calendar import），相关期限为暂定",
            payload={"year": nxt, "on": today.isoformat()},
        )
        try:
            with app.store.write() as conn:
                enqueue(conn, [draft], config.recipients, now)
        except IntegrityError:
            pass  # already warned today
    return report


class _At:
    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at


def build_scheduler(
    app: App,
    config: SchedulerConfig,
    clock: Clock,
    scheduler: BaseScheduler | None = None,
    lock: lease.SweepLock | None = None,
    gate: DatabaseGate | None = None,
    obligations: ObligationCatalogue | None = None,
) -> BaseScheduler:
    """The scheduler with its four jobs (in memory, defined in code).  ``lock``: the SQLite
    sweeper lock this process holds for its whole life (the caller releases it on exit);
    without it each sweep takes and gives back its own.  ``gate``: the outage state the jobs
    share (:class:`~rongcuo.scheduler.health.DatabaseGate`)."""
    sched = scheduler or BlockingScheduler(timezone=CST)
    gate = gate or DatabaseGate(cap=config.db_retry_max_seconds)
    engines = app.preload()  # a broken definition stops the service here, not in a job
    log.info("scheduler.preloaded", engines=engines)

    job = _Jobs(app, gate).wrap

    def sweep() -> None:
        now = clock.now()  # read once per run
        try:
            res = run_sweep(app, config, now, lock=lock)
            log.info("job.sweep", recorded=len(res.notices), claimed=res.claimed)
        except lease.SweeperBusy as busy:
            log.warning("job.sweep.busy", message_zh=busy.message_zh,
                        message_en=busy.message_en)

    sweep_job = job("sweep", sweep)
    deliver_job = job("deliver", lambda: deliver_due(app.store.engine, config.channels(),
                                                      clock, config.delivery))
    digest_job = job("digest", lambda: digest(app, config, clock.now()))
    calendar_job = job("calendar-check", lambda: calendar_check(app, config, clock.now()))
    if obligations is not None:
        _obligations_job(sched, job, app, config, clock, obligations)
    # APScheduler times its triggers by the wall clock; the injected clock only gives each job
    # its "now" (tests inject a FixedClock).  Start the interval jobs right away.  No job ever
    # runs beside itself (max_instances=1): a sweep slower than its interval (a slow database)
    # makes the next run wait, and the runs it missed are one run (coalesce), not a burst.
    first = SystemClock().now().astimezone(CST)
    common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "replace_existing": True}
    sched.add_job(sweep_job, IntervalTrigger(seconds=config.sweep_seconds, timezone=CST),
                  id="sweep", next_run_time=first, **common)
    sched.add_job(deliver_job, IntervalTrigger(seconds=config.delivery_seconds, timezone=CST),
                  id="deliver", next_run_time=first + timedelta(seconds=5), **common)
    sched.add_job(digest_job, CronTrigger(hour=config.digest_at.hour,
                                          minute=config.digest_at.minute, timezone=CST),
                  id="digest", **common)
    sched.add_job(calendar_job, CronTrigger(hour=9, minute=0, timezone=CST),
                  id="calendar-check", next_run_time=first + timedelta(seconds=10), **common)
    return sched


class _Jobs:
    """How every job runs: in a logging context of its own, behind the database gate, and
    ending any failure as one structured line."""

    def __init__(self, app: App, gate: DatabaseGate) -> None:
        self.app, self.gate = app, gate

    def wrap(self, name: str, run: Callable[[], T]) -> Callable[[], T | None]:
        # Jobs run in pooled executor threads: each run starts from an empty logging context
        # (nothing an earlier job bound there, e.g. a delivered message's case id) and binds
        # its actor, its name and a request id of its own.
        def in_context() -> T | None:
            rlog.bind(actor="system:scheduler", job=name, request_id=rlog.new_request_id())
            return self.guarded(name, run)

        def isolated() -> T | None:
            return rlog.isolated(in_context)

        return isolated

    def guarded(self, name: str, run: Callable[[], T]) -> T | None:
        # Every failure ends here as one structured line: nothing reaches APScheduler's own
        # handler (which would log a traceback per run and let the job fire at full rate).
        gate = self.gate
        entry = gate.enter()
        if entry is Entry.SKIP:
            return None  # the database is out and the next try is not due: say nothing
        try:
            if entry is Entry.PROBE:
                ping(self.app.store.engine)
                gate.answered(name)
            return run()
        except Exception as exc:
            if is_unavailable(exc):
                gate.failed(exc, name)
            else:
                if entry is Entry.PROBE:
                    gate.abandon()
                log.error("job.failed", error=str(exc), exc_info=True)
            return None


def _obligations_job(sched: BaseScheduler, job: Callable[[str, Callable[[], Any]], Any],
                     app: App, config: SchedulerConfig, clock: Clock,
                     catalogue: ObligationCatalogue) -> None:
    """The bodies' obligations, swept like deadlines (:mod:`rongcuo.service.supervision.sweep`)
    every ``max(sweep_seconds, 300)``: their notices fall at 00:00 CST, minutes late is soon
    enough, and each run reads every body's periods."""

    def obligations_sweep() -> None:
        from rongcuo.service.supervision.sweep import sweep_obligations

        res = sweep_obligations(app, catalogue, clock.now(), config.recipients)
        log.info("job.obligations", recorded=len(res.notices), opened=res.opened)

    sched.add_job(job("obligations", obligations_sweep),
                  IntervalTrigger(seconds=max(config.sweep_seconds, 300), timezone=CST),
                  id="obligations",
                  next_run_time=SystemClock().now().astimezone(CST) + timedelta(seconds=15),
                  max_instances=1, coalesce=True, replace_existing=True)


def utc_of_cst_date(d: date) -> datetime:
    """00:00 CST of ``d`` as an aware instant (helper for the CLI's ``--now DATE``)."""
    return as_utc(datetime(d.year, d.month, d.day, tzinfo=CST))
