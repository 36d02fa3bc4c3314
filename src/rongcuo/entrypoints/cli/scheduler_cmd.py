"""`rongcuo scheduler` — reminders, overdue marks and escalation (issue 5).

* ``run`` — the long-running scheduler (APScheduler 3.x, jobs in memory, defined in code);
* ``sweep [--now DATETIME] [--json]`` — one sweep, printing what it did;
* ``deliver [--json]`` — one outbox delivery round;
* ``outbox [--json]`` — the outbox by status, with the dead letters;
* ``status [--max-lag SECONDS] [--json]`` — for monitoring: each node's last sweep, the lag of
  the oldest due notice, the outbox backlog; exit 7 when the lag passes the bound;
* ``digest [--json]`` / ``calendar-check [--json]`` — run one of the daily jobs now, saying
  what it queued or found.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from rongcuo import logging as rlog
from rongcuo.clock import CST, Clock, SystemClock, parse_cst
from rongcuo.domain.errors import InvalidInput
from rongcuo.entrypoints.cli.exit_codes import EXIT_LAGGING
from rongcuo.entrypoints.cli.scheduler_messages import (  # the messages this module raises
    MSG_INPUT_BLANK_SCHEDULER,
    MSG_INPUT_DATETIME,
    MSG_INPUT_FUTURE,
    MSG_INPUT_INVALID,
    MSG_INPUT_INVALID_SCHEDULER,
)


def _app(db: str | None, clock: Clock | None = None, *, service: bool = False,
         read_only: bool = False) -> Any:
    from rongcuo.bootstrap import bootstrap
    from rongcuo.scheduler.runner import service_engine_options

    options = service_engine_options(db) if service else None
    # a database named with --db must exist (the embedded default is created on first use
    # by a job that writes; a command that only reads never creates one)
    return bootstrap(database_url=db, clock=clock or SystemClock(),
                     existing=read_only or db is not None, engine_options=options)


def parse_now(text: str) -> datetime:
    """``--now``: an ISO date-time (naive = China Standard Time) or a date (00:00 CST)."""
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=CST)
        return parse_cst(text)
    except ValueError as exc:
        raise InvalidInput.of(
            MSG_INPUT_DATETIME,
            text=text,
        ) from exc


def instant(app: Any, now_text: str | None) -> datetime:
    """The instant a job runs at: ``--now`` (any text given, even empty, must parse — an unset
    shell variable must not silently mean "now") or the clock, read once.  Never in the
    future: these jobs record notices, queue messages and recompute dates as having happened
    at that instant (a look ahead is `rongcuo case list --due-before DATE`, read-only)."""
    if now_text is None:
        return app.clock.now()  # type: ignore[no-any-return]
    now = parse_now(now_text)
    if now > app.clock.now() + timedelta(minutes=1):
        raise InvalidInput.of(
            MSG_INPUT_FUTURE,
            now_text=now_text,
        )
    return now


def _config(path: str | None) -> Any:
    from rongcuo.scheduler.config import load_config

    if path is not None and not path.strip():
        raise InvalidInput.of(
            MSG_INPUT_BLANK_SCHEDULER,
        )
    return load_config(Path(path) if path else None)


db_option = click.option("--db", "db", metavar="URL", help="database URL (default: embedded)")
now_option = click.option(
    "--now", "now_text", metavar="DATETIME", help="as of this instant (CST; not in the future)"
)
config_option = click.option(
    "--config", "config_path", metavar="FILE", help="scheduler TOML (RONGCUO_SCHEDULER_CONFIG)"
)


@click.group(name="scheduler")
def command() -> None:
    """提醒、逾期与升级 / reminders, overdue marks and escalation"""


@command.command("sweep")
@click.option("--now", "now_text", metavar="DATETIME",
              help="sweep as of this instant (CST; not in the future)")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="claim at most this many deadline rows (>= 1)")
@click.option("--json", "as_json", is_flag=True)
@db_option
@config_option
def sweep_cmd(
    now_text: str | None, limit: int | None, as_json: bool, db: str | None,
    config_path: str | None,
) -> None:
    """One sweep: record every reminder, overdue mark and rung now due, and print them.

    On SQLite a sweep already running (the service, another `scheduler sweep`) makes this
    one stop at once, naming it (exit 3); a sweeper that was killed holds nothing."""
    from rongcuo.scheduler.runner import run_sweep

    config = _config(config_path)
    app = _app(db)
    rlog.bind(actor="system:scheduler")
    try:
        now = instant(app, now_text)
    except InvalidInput:
        app.close()
        raise
    if not config.recipients:
        click.echo("注意：未配置收件人，通知只记入案卷、不发送 / note: no recipients configured "
                   "- notices are recorded, nobody is messaged", err=True)
    try:
        res = run_sweep(app, config, now, limit=limit)
    finally:
        app.close()
    if as_json:
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False))
        return
    when = datetime.fromisoformat(res.now).astimezone(CST).strftime("%Y-%m-%d %H:%M")
    for n in res.notices:
        prov = " 暂定" if n.provisional else ""
        click.echo(
            f"{n.number}  {n.timer}  {n.notice}  due {n.due}{prov}  -> {n.to}  "
            f"(event #{n.event_seq} {n.event_type}, {n.messages} message(s))"
        )
        if n.caught_up:
            stale = "、".join(n.skipped)
            click.echo(
                "  补记：到期后才扫描到（服务曾中断），只记录仍然属实的通知"
                + (f"；已过期的提醒 {stale} 不再发送" if stale else "")
                + " / caught up: swept after it fell due (the service was down); only what is "
                "still true is recorded" + (f", stale reminders {', '.join(n.skipped)} skipped"
                                             if stale else "")
            )
    for s in res.skipped:
        click.echo(f"skipped {s['case_id']} {','.join(s['timers'])}: {s['reason']}", err=True)
    click.echo(
        f"扫描 {when} CST：认领 {res.claimed} 条期限，记录 {len(res.notices)} 项通知 / "
        f"swept at {when} CST: claimed {res.claimed}, recorded {len(res.notices)}, "
        f"re-planned {len(res.replanned)}, skipped {len(res.skipped)} "
        f"({res.elapsed_ms:.1f} ms)"
    )
    late = sum(1 for n in res.notices if n.caught_up)
    if late:
        click.echo(f"补记 {late} 项（服务中断后追补）/ caught up {late} notice(s) after an outage")


@command.command("deliver")
@click.option("--json", "as_json", is_flag=True)
@db_option
@config_option
def deliver_cmd(as_json: bool, db: str | None, config_path: str | None) -> None:
    """One delivery round over the pending outbox rows."""
    from rongcuo.service.outbox import deliver

    config = _config(config_path)
    app = _app(db)
    try:
        rep = deliver(app, config.channels(), config.delivery)
    finally:
        app.close()
    if as_json:
        click.echo(json.dumps(rep.to_dict()))
    else:
        click.echo(
            f"delivered {len(rep.delivered)}, retrying {len(rep.retrying)}, dead {len(rep.dead)}"
        )


@command.command("outbox")
@click.option("--json", "as_json", is_flag=True)
@click.option("--requeue", "requeue", type=int, multiple=True, metavar="ID",
              help="send this dead letter again (repeatable)")
@click.option("--requeue-dead", is_flag=True, help="send every dead letter again")
@db_option
def outbox_cmd(as_json: bool, requeue: tuple[int, ...], requeue_dead: bool,
               db: str | None) -> None:
    """The outbox by status, and the dead letters with their last error.  ``--requeue ID`` /
    ``--requeue-dead`` put dead letters back to pending with a fresh count of attempts (after
    the receiver is fixed); the recorded events are not touched."""
    from rongcuo.service.outbox import outbox_report
    from rongcuo.service.outbox import requeue as send_again

    app = _app(db, read_only=not (requeue or requeue_dead))
    try:
        if requeue or requeue_dead:
            done = send_again(app, None if requeue_dead else requeue)
            click.echo(f"已重新排队 {len(done)} 条 / requeued {len(done)}: "
                       f"{', '.join(f'#{i}' for i in done) or '-'}", err=as_json)
        counts, dead = outbox_report(app)
    finally:
        app.close()
    if as_json:
        click.echo(json.dumps({"counts": counts, "dead": dead}, ensure_ascii=False))
        return
    click.echo("  ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "outbox empty")
    for d in dead:
        click.echo(f"dead #{d['id']} {d['channel']} {d['target']} ({d['attempts']} tries): "
                   f"{d['last_error']}")


@command.command("digest")
@now_option
@click.option("--json", "as_json", is_flag=True)
@db_option
@config_option
def digest_cmd(now_text: str | None, as_json: bool, db: str | None,
               config_path: str | None) -> None:
    """Queue today's digest per responsible body now."""
    from rongcuo.scheduler.runner import digest

    app = _app(db)
    try:
        queued = digest(app, _config(config_path), instant(app, now_text))
    finally:
        app.close()
    if as_json:
        click.echo(json.dumps(queued, ensure_ascii=False))
        return
    if not queued:
        click.echo("未加入新的日报：今日日报已加入，或 7 日内无到期、逾期期限 / nothing queued: "
                   "today's digests are already queued, or nothing is overdue or due within 7 "
                   "days")
    for agency, n in queued.items():
        click.echo(f"已加入今日期限日报 digest queued: {agency} — {n} 项期限 deadlines")


@command.command("calendar-check")
@now_option
@click.option("--json", "as_json", is_flag=True)
@db_option
@config_option
def calendar_check_cmd(now_text: str | None, as_json: bool, db: str | None,
                       config_path: str | None) -> None:
    """Warn about a missing next-year calendar; recompute provisional dates if years changed."""
    from rongcuo.scheduler.runner import calendar_check

    app = _app(db)
    try:
        rep = calendar_check(app, _config(config_path), instant(app, now_text))
    finally:
        app.close()
    if as_json:
        click.echo(json.dumps(rep, ensure_ascii=False))
        return
    years = ", ".join(str(y) for y in rep["loaded_years"])
    click.echo(f"已载入放假安排年份 calendar years loaded: {years}")
    if "recomputed" in rep:
        click.echo(f"年份有变化，已重算暂定期限 years changed, provisional deadlines recomputed: "
                   f"{rep['recomputed']}")
    if "missing_next_year" in rep:
        y = rep["missing_next_year"]
        click.echo(f"警告：{y}年放假安排文件尚未导入（rongcuo calendar import），"
                   f"{y}年的期限为暂定 / warning: the {y} calendar file is missing; "
                   f"{y} due dates are provisional")
    else:
        click.echo("无需提醒 nothing to warn about")


@command.command("run")
@click.option("--sweep-seconds", type=int, default=None, help="sweep interval (default 60)")
@click.option("--digest-at", default=None, metavar="HH:MM", help="daily digest time, CST")
@db_option
@config_option
def run_cmd(
    sweep_seconds: int | None, digest_at: str | None, db: str | None, config_path: str | None
) -> None:
    """Run the scheduler until stopped (SIGTERM/SIGINT): sweep, deliver, digest, calendar.

    A database that goes away is logged once (db.unavailable), retried with backoff and
    logged when it is back (db.recovered); the service keeps running."""
    from dataclasses import replace
    from datetime import time

    from rongcuo.scheduler.runner import build_scheduler

    config = _config(config_path)
    if sweep_seconds is not None:
        if sweep_seconds < 1:
            raise InvalidInput.of(
                MSG_INPUT_INVALID,
            )
        config = replace(config, sweep_seconds=sweep_seconds)
    if digest_at is not None:
        try:
            config = replace(config, digest_at=time.fromisoformat(digest_at))
        except ValueError as exc:
            raise InvalidInput.of(
                MSG_INPUT_INVALID_SCHEDULER,
                digest_at=digest_at,
            ) from exc
    from rongcuo.scheduler import lease

    clock = SystemClock()
    app = _app(db, clock, service=True)
    rlog.bind(actor="system:scheduler")
    # SQLite: one scheduler at a time. Take the sweeper lock before anything starts, so a
    # second service stops here, saying who holds it (SweeperBusy, exit 3), instead of running
    # on and finding it busy at every sweep. The kernel releases it however this process ends.
    lock = lease.lock_for(app, "run")
    if lock is not None:
        try:
            lock.acquire()
        except lease.SweeperBusy:
            app.close()
            raise
    try:  # from here on the lock is ours: give it back however this ends
        from rongcuo.definitions.obligation_files import load_obligations

        sched = build_scheduler(app, config, clock, lock=lock,  # a broken file stops here
                                obligations=load_obligations())

        def _stop(signum: int, _frame: Any) -> None:
            sched.shutdown(wait=True)

        signal.signal(signal.SIGTERM, _stop)
        rlog.get_logger("rongcuo.scheduler").info(
            "scheduler.started", backend=app.store.dialect, node=config.node,
            sweep_seconds=config.sweep_seconds, digest_at=config.digest_at.strftime("%H:%M"))
        if sys.stderr.isatty():  # a person at a terminal; a log shipper gets JSON lines only
            click.echo(
                f"rongcuo scheduler: {app.store.dialect}, sweep every {config.sweep_seconds}s, "
                f"digest at {config.digest_at.strftime('%H:%M')} CST", err=True
            )
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            sched.start()
    finally:
        if lock is not None:
            lock.release()
        app.close()
        rlog.get_logger("rongcuo.scheduler").info("scheduler.stopped")




@command.command("status", epilog="Exit codes: 0 within the bound; 7 the lag passes it; 3 the "
              "database cannot be read (its error is printed).")
@click.option("--max-lag", "max_lag", type=click.IntRange(min=1), default=None,
              metavar="SECONDS",
              help="exit 7 when the oldest due notice is older than this (default: "
              "max_lag_seconds in the config, 600)")
@click.option("--json", "as_json", is_flag=True)
@db_option
@config_option
def status_cmd(max_lag: int | None, as_json: bool, db: str | None,
               config_path: str | None) -> None:
    """调度状态 / the scheduler's state, from the database: each node's last successful sweep,
    how far behind the oldest unrecorded notice is (the lag), the outbox's backlog and dead
    letters.  For a monitoring check: exit 0 while the lag is within the bound, 7 past it."""
    from rongcuo.scheduler.status import read_status

    config = _config(config_path)
    bound = max_lag if max_lag is not None else config.max_lag_seconds
    app = _app(db, read_only=True)
    try:
        st = read_status(app, app.clock.now(), bound)
    finally:
        app.close()
    if as_json:
        click.echo(json.dumps(st.to_dict(), ensure_ascii=False))
    else:
        _print_status(st)
    if not st.ok:
        raise SystemExit(EXIT_LAGGING)


def _print_status(st: Any) -> None:
    from rongcuo.scheduler.status import text_lines

    for line in text_lines(st):
        click.echo(line)
    if not st.ok:
        click.echo(f"滞后超过上限：调度是否在运行？/ the lag passes the bound of "
                   f"{st.max_lag_seconds} s: is a scheduler running? (exit {EXIT_LAGGING})",
                   err=True)
