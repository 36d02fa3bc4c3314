"""`rongcuo scheduler sweep` as an operator runs it, and the one-sweeper rule on SQLite.

The clock is read at the entry point (SystemClock), so these tests freeze it with freezegun.
The notice period is Licheng art. 17 (7 days after the decision).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.adapters.db.engine import sqlite_file
from rongcuo.adapters.notify import Recipient
from rongcuo.bootstrap import App, bootstrap
from rongcuo.clock import CST, FixedClock
from rongcuo.entrypoints.cli.main import cli
from rongcuo.scheduler import lease
from tests.support.walks import licheng_to_determined


@pytest.fixture
def seeded(db_url: str) -> Iterator[tuple[str, str]]:
    app: App = bootstrap(db_url, clock=FixedClock(datetime(2025, 9, 28, 10, tzinfo=CST)),
                         migrate=True)
    cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    app.close()
    yield db_url, cid


def test_sweep_command_prints_what_it_recorded_as_json(seeded: tuple[str, str]) -> None:
    """`scheduler sweep --now 2025-10-10T00:05 --json`: the overdue mark and rung 1 of the
    Licheng art. 17 notice, each with its event seq, on the sweep's CST date."""
    url, cid = seeded
    runner = CliRunner()
    with freeze_time("2025-10-09T16:05:00Z"):  # = 2025-10-10 00:05 CST
        res = runner.invoke(cli, ["scheduler", "sweep", "--db", url, "--json",
                                  "--now", "2025-10-10T00:05"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output.strip().splitlines()[-1])
    got = [(n["case_id"], n["notice"], n["on"], n["to"]) for n in out["notices"]]
    # the period had ended before this first sweep: its reminders are no longer true and are
    # skipped with the overdue mark (issue 15), which says it caught up
    assert got == [
        (cid, "overdue", "2025-10-10", "default"),
        (cid, "escalation:1", "2025-10-10", "负责人"),
    ]
    assert [n["event_seq"] for n in out["notices"]] == [8, 9]
    assert out["notices"][0]["skipped"] == ["reminder:3", "reminder:1"]


def test_sweep_command_without_now_uses_the_frozen_wall_clock(seeded: tuple[str, str]) -> None:
    """Without --now the entry point reads the clock once: on 2025-10-09 at 23:59 CST the
    period (rolled to 10-09 by Civil Code art. 203) has not ended, so no overdue mark."""
    url, _ = seeded
    runner = CliRunner()
    with freeze_time("2025-10-09T15:59:00Z"):
        res = runner.invoke(cli, ["scheduler", "sweep", "--db", url, "--json"])
    out = json.loads(res.output.strip().splitlines()[-1])
    assert [n["notice"] for n in out["notices"]] == ["reminder:3", "reminder:1"]
    assert out["now"].startswith("2025-10-09T15:59")


def test_bad_now_is_refused_with_a_message_naming_it(seeded: tuple[str, str]) -> None:
    """Bad input gets a clear bilingual error and exit code 3; nothing is recorded."""
    url, _ = seeded
    res = CliRunner().invoke(cli, ["scheduler", "sweep", "--db", url, "--now", "10/10/2025"])
    assert res.exit_code == 3
    assert "--now" in res.output and "10/10/2025" in res.output


def _lock(url: str, command: str = "run") -> lease.SweepLock:
    file = sqlite_file(url)
    assert file is not None
    return lease.SweepLock(lease.lock_path(file), command)


def test_a_second_sweeper_on_sqlite_is_told_plainly_and_records_nothing(tmp_path: Path) -> None:
    """SQLite allows one sweeper at a time: while another holds the sweeper lock, `scheduler
    sweep` exits 3 naming it (host:pid, its command, since when) and pointing to PostgreSQL,
    and records nothing (exactly-once is kept); once it is let go, the sweep proceeds."""
    url = f"sqlite:///{tmp_path / 'one.sqlite3'}"
    app = bootstrap(url, clock=FixedClock(datetime(2025, 9, 28, 10, tzinfo=CST)))
    licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    other = _lock(url)
    other.acquire()
    try:
        with freeze_time("2025-10-09T16:05:00Z"):
            res = CliRunner().invoke(cli, ["scheduler", "sweep", "--db", url, "--json",
                                           "--now", "2025-10-10T00:05"])
        assert res.exit_code == 3
        # the root prints both languages (JSON errors only when --json is on the real argv)
        me = f"{socket.gethostname()}:{os.getpid()}"
        assert f"另一个调度进程（{me}，rongcuo scheduler run，自 " in res.output
        assert f"another sweeper ({me}, `rongcuo scheduler run`, since " in res.output
        assert "SQLite allows one sweeper at a time - use PostgreSQL" in res.output
        assert "one.sqlite3-sweeper.lock" in res.output
        assert not any(e.trigger == "notice" for e in app.store.case_events(
            app.store.list_cases()[0].id))
    finally:
        other.release()
    with freeze_time("2025-10-09T16:05:00Z"):
        res = CliRunner().invoke(cli, ["scheduler", "sweep", "--db", url, "--json",
                                       "--now", "2025-10-10T00:05"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output.strip().splitlines()[-1])["recorded"] == 2
    app.close()


def test_a_sweep_in_the_future_is_refused(seeded: tuple[str, str]) -> None:
    """A sweep may not record a reminder or overdue mark (Licheng art. 17 notice) that has
    not happened yet: --now after the wall clock exits 3 and records nothing."""
    url, cid = seeded
    with freeze_time("2025-10-01T00:00:00Z"):
        res = CliRunner().invoke(cli, ["scheduler", "sweep", "--db", url,
                                       "--now", "2025-10-10T00:05"])
    assert res.exit_code == 3
    assert "is in the future" in res.output
    app = bootstrap(url, clock=FixedClock(datetime(2025, 10, 1, tzinfo=CST)))
    assert not any(e.trigger == "notice" for e in app.store.case_events(cid))
    app.close()


def test_a_second_scheduler_service_on_sqlite_stops_at_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`scheduler run` on SQLite takes the sweeper lock before it starts: while another
    service holds it, the second stops at once with the message and exit 3 (docs, runbook)
    rather than running on and finding it busy at every sweep; the holder keeps its lock."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    def must_not_start(self: BlockingScheduler, *a: object, **k: object) -> None:
        raise AssertionError("the second service started its scheduler")

    monkeypatch.setattr(BlockingScheduler, "start", must_not_start)  # fail, never hang
    url = f"sqlite:///{tmp_path / 'one.sqlite3'}"
    bootstrap(url).close()
    holder = _lock(url)
    holder.acquire()
    try:
        res = CliRunner().invoke(cli, ["scheduler", "run", "--db", url, "--sweep-seconds", "5"])
        assert res.exit_code == 3, res.output
        assert "另一个调度进程（" in res.output and "rongcuo scheduler run" in res.output
        assert "SQLite allows one sweeper at a time - use PostgreSQL" in res.output
        with pytest.raises(lease.SweeperBusy):  # still the holder's
            _lock(url, "sweep").acquire()
    finally:
        holder.release()


def test_a_killed_holder_of_the_sqlite_lock_blocks_nobody(tmp_path: Path) -> None:
    """The SQLite sweeper lock is the kernel's: while a process holds it another is refused,
    naming that process; the moment it is killed (SIGKILL, as by the OOM killer or an
    operator's kill -9) the lock is free — no expiry to wait for, no stale holder."""
    file = tmp_path / "one.sqlite3"
    path = lease.lock_path(file)
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from pathlib import Path\n"
         "from rongcuo.scheduler.lease import SweepLock\n"
         "SweepLock(Path(sys.argv[1]), 'sweep').acquire()\n"
         "print('held', flush=True)\n"
         "time.sleep(120)\n", str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(lease.SweeperBusy) as busy:
            lease.SweepLock(path).acquire()
        assert busy.value.details["pid"] == child.pid
        assert busy.value.details["command"] == "sweep"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    took = lease.SweepLock(path)
    took.acquire()  # at once: the kernel let go with the process
    assert took.held and stat.S_IMODE(path.stat().st_mode) == 0o600
    took.release()


@pytest.mark.parametrize("job", ["sweep", "digest", "calendar-check"])
def test_an_empty_or_future_now_is_refused_by_every_job(
    seeded: tuple[str, str], job: str
) -> None:
    """`--now ""` (an unset shell variable) is an error, not "the wall clock"; and no job
    records, queues or recomputes at an instant that has not come: exit 3, nothing written
    (the outbox stays empty — the digest used to queue a 2030 message)."""
    import sqlalchemy as sa

    url, cid = seeded
    with freeze_time("2025-10-09T16:05:00Z"):
        empty = CliRunner().invoke(cli, ["scheduler", job, "--db", url, "--now", ""])
        future = CliRunner().invoke(cli, ["scheduler", job, "--db", url,
                                          "--now", "2030-01-01T08:30"])
    assert empty.exit_code == 3, empty.output
    assert "--now is not a date-time: ''" in empty.output
    assert future.exit_code == 3, future.output
    assert "is in the future" in future.output and "case list --due-before" in future.output
    app = bootstrap(url, clock=FixedClock(datetime(2025, 10, 10, tzinfo=CST)))
    assert not any(e.trigger == "notice" for e in app.store.case_events(cid))
    with app.store.read() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM outbox")).scalar_one() == 0
    app.close()


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_a_limit_below_one_is_a_usage_error(seeded: tuple[str, str], limit: str) -> None:
    url, _ = seeded
    res = CliRunner().invoke(cli, ["scheduler", "sweep", "--db", url, "--limit", limit])
    assert res.exit_code == 2
    assert "--limit" in res.output and "x>=1" in res.output


def test_dead_letters_are_requeued_from_the_command_line(seeded: tuple[str, str]) -> None:
    """`scheduler outbox --requeue ID` / `--requeue-dead` (the runbook's re-send, on SQLite and
    PostgreSQL alike): dead rows go back to pending with a fresh count of attempts; an id that
    is not dead is refused by name and nothing changes (all or nothing); events untouched."""
    import sqlalchemy as sa

    from rongcuo.adapters.notify import OutboxDraft, enqueue

    url, cid = seeded
    app = bootstrap(url, clock=FixedClock(datetime(2025, 10, 10, tzinfo=CST)))
    drafts = [OutboxDraft(case_id=cid, kind="overdue", key=f"notice:{k}", subject=k)
              for k in ("a", "b", "c")]
    with app.store.write() as conn:
        enqueue(conn, drafts, {"default": [Recipient("webhook", "http://127.0.0.1:9/x")]},
                datetime(2025, 10, 10, tzinfo=CST))
        conn.execute(sa.text("UPDATE outbox SET status = 'dead', attempts = 6, "
                             "last_error = 'webhook answered HTTP 503' WHERE subject <> 'c'"))
    events_before = len(app.store.case_events(cid))

    def rows() -> dict[str, tuple[str, int]]:
        with app.store.read() as conn:
            return {str(r[0]): (str(r[1]), int(r[2])) for r in conn.execute(
                sa.text("SELECT subject, status, attempts FROM outbox"))}

    ids = {s: i for s, i in _ids(app)}
    runner = CliRunner()
    refused = runner.invoke(cli, ["scheduler", "outbox", "--db", url,
                                  "--requeue", str(ids["a"]), "--requeue", str(ids["c"])])
    assert refused.exit_code == 3, refused.output
    assert f"#{ids['c']} (pending)" in refused.output
    assert rows() == {"a": ("dead", 6), "b": ("dead", 6), "c": ("pending", 0)}
    one = runner.invoke(cli, ["scheduler", "outbox", "--db", url, "--requeue", str(ids["a"])])
    assert one.exit_code == 0, one.output
    assert f"requeued 1: #{ids['a']}" in one.output
    assert rows() == {"a": ("pending", 0), "b": ("dead", 6), "c": ("pending", 0)}
    everything = runner.invoke(cli, ["scheduler", "outbox", "--db", url, "--requeue-dead",
                                     "--json"])
    assert everything.exit_code == 0, everything.output
    assert json.loads(everything.stdout.strip().splitlines()[-1])["counts"] == {"pending": 3}
    assert len(app.store.case_events(cid)) == events_before
    app.close()


def _ids(app: App) -> list[tuple[str, int]]:
    import sqlalchemy as sa

    with app.store.read() as conn:
        return [(str(r[0]), int(r[1])) for r in conn.execute(
            sa.text("SELECT subject, id FROM outbox"))]


def test_case_history_names_each_scheduler_notice_for_people(seeded: tuple[str, str]) -> None:
    """The history an auditor reads says what each system `notice` event was — reminder,
    overdue mark, rung and to whom (Licheng art. 17 notice period; the rungs per the
    definition's ladder) — in Chinese by default and in English with --lang en."""
    url, cid = seeded
    runner = CliRunner()
    with freeze_time("2025-09-29T16:05:00Z"):  # the reminders, while still true
        assert runner.invoke(cli, ["scheduler", "sweep", "--db", url,
                                   "--now", "2025-09-30T00:05"]).exit_code == 0
    with freeze_time("2025-10-09T16:05:00Z"):
        assert runner.invoke(cli, ["scheduler", "sweep", "--db", url,
                                   "--now", "2025-10-10T00:05"]).exit_code == 0
    zh = runner.invoke(cli, ["case", "history", cid, "--db", url]).output
    en = runner.invoke(cli, ["case", "history", cid, "--db", url, "--lang", "en"]).output
    assert "提醒：告知期限到期前3个工作日（notice）" in zh
    assert "逾期：告知期限（notice）" in zh
    assert "逾期升级：告知期限第1级，报负责人（notice）" in zh
    assert "overdue: notice period (notice)" in en
    assert "escalation: notice period, rung 1, to head of the supervision body (notice)" in en


def test_a_recomputed_due_date_is_named_too() -> None:
    from rongcuo.service.labels import notice_label

    data = {"timer": "notice", "notice": "recomputed:2027-01-08"}
    assert notice_label(data, None, "zh") == "期限重新计算：notice，新到期日 2027-01-08"
    assert notice_label(data, None, "en") == "due date recomputed: notice, now due 2027-01-08"


def test_a_service_that_fails_at_start_up_gives_its_lock_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SQLite service that stops during start-up (a broken definition file, say) releases
    the sweeper lock it took, so a sweep (or its restart) is not refused as a 'second
    scheduler' while this process lives on."""
    import rongcuo.scheduler.runner as runner

    url = f"sqlite:///{tmp_path / 'one.sqlite3'}"
    bootstrap(url).close()

    def broken(*a: object, **k: object) -> None:
        raise RuntimeError("broken definition file")

    monkeypatch.setattr(runner, "build_scheduler", broken)
    res = CliRunner().invoke(cli, ["scheduler", "run", "--db", url])
    assert res.exit_code == 1 and "broken definition file" in str(res.exception)
    with _lock(url, "sweep") as again:
        assert again.held


def test_digest_and_calendar_check_print_for_people_and_json_on_request(
    seeded: tuple[str, str], tmp_path: Path
) -> None:
    """`scheduler digest` names each body whose digest it queued and how many deadlines it
    lists, and says so when it queued nothing (the second run the same day); `calendar-check`
    names the loaded years and, from 1 November, the missing next year.  `--json` gives the
    machine form."""
    url, _ = seeded
    conf = tmp_path / "scheduler.toml"
    conf.write_text('[smtp]\nhost = "127.0.0.1"\nsender = "rongcuo@example.gov.cn"\n'
                    '[recipients]\ndefault = ["email:office@example.gov.cn"]\n',
                    encoding="utf-8")
    run = CliRunner()
    with freeze_time("2025-10-08T00:30:00Z"):  # 08:30 CST; the notice period is due 10-09
        first = run.invoke(cli, ["scheduler", "digest", "--db", url, "--config", str(conf)])
        again = run.invoke(cli, ["scheduler", "digest", "--db", url, "--config", str(conf),
                                 "--json"])
    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert "digest queued: 区市场监管局 — 1 项期限 deadlines" in first.output
    assert json.loads(again.stdout) == {}
    with freeze_time("2026-11-02T01:00:00Z"):
        text = run.invoke(cli, ["scheduler", "calendar-check", "--db", url,
                                "--config", str(conf)])
        machine = run.invoke(cli, ["scheduler", "calendar-check", "--db", url,
                                   "--config", str(conf), "--json"])
    assert text.exit_code == 0, text.output
    assert "2025, 2026" in text.output
    assert "warning: the 2027 calendar file is missing" in text.output
    assert json.loads(machine.stdout)["missing_next_year"] == 2027
