"""Backups that are proven to restore (fault issue, section 4), on SQLite and PostgreSQL.

A log of real Licheng cases (opened, filed art. 14, investigated art. 16, determined art. 17)
is backed up with ``ops/backup.sh`` while ``rongcuo scheduler run`` records their notices,
restored with ``ops/restore.sh FILE URL`` into an empty database, and audited there:
``audit verify`` is sound, also against the signed checkpoint taken before the backup; against
the checkpoint taken after it, the cases that grew since are reported
(``checkpoint.head_missing``, exit 6) — the restore is older than that checkpoint.  The next
sweep on the copy records what fell due since the backup, once.  A non-empty target, or a
backup of the other backend's kind, is refused (exit 3) and left as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from rongcuo.adapters.db import tables as t
from rongcuo.bootstrap import bootstrap
from rongcuo.clock import CST, FixedClock
from rongcuo.entrypoints.cli.exit_codes import EXIT_AUDIT_FAILED, EXIT_REFUSED
from rongcuo.entrypoints.cli.main import cli
from rongcuo.scheduler.runner import TEST_PAUSE_ENV
from tests.conftest import create_pg_database, drop_pg_database
from tests.support.walks import licheng_to_determined

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CASES = 8


def sh(script: str, *args: str, env: dict[str, str] | None = None
       ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(REPO / "ops" / script), *args], capture_output=True,
                          text=True, env=env, timeout=300)


def notices(url: str) -> dict[str, set[tuple[str, str]]]:
    """Per case, the (timer, notice) pairs recorded by the scheduler.  One engine per database
    for the whole test: bootstrapping checks the schema revision inside a write transaction
    on SQLite, which would queue behind the service's sweep."""
    if url not in _READERS:
        _READERS[url] = bootstrap(url).store.engine
    e = t.events
    with _READERS[url].connect().execution_options(rongcuo_read=True) as conn:
        rows = conn.execute(sa.select(e.c.case_id, e.c.data).where(
            e.c.trigger == "notice")).all()
    out: dict[str, set[tuple[str, str]]] = {}
    for case_id, data in rows:
        d = data if isinstance(data, dict) else json.loads(data)
        out.setdefault(str(case_id), set()).add((str(d["timer"]), str(d["notice"])))
    return out


_READERS: dict[str, sa.Engine] = {}


@pytest.fixture(autouse=True)
def _close_readers() -> Iterator[None]:
    yield
    for engine in _READERS.values():
        engine.dispose()
    _READERS.clear()


def total(per: dict[str, set[tuple[str, str]]]) -> int:
    return sum(len(v) for v in per.values())


def verify(url: str, *args: str) -> tuple[int, dict[str, object]]:
    res = CliRunner().invoke(cli, ["audit", "verify", "--db", url, "--json", "--no-drift",
                                   *args])
    return res.exit_code, json.loads(res.stdout)


@pytest.fixture
def target(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same backend to restore into."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'rongcuo.sqlite3'}"
        return
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


def test_a_backup_taken_while_the_scheduler_writes_restores_and_verifies(
    db_url: str, target: str, tmp_path: Path
) -> None:
    """Backup mid-sweep → restore into an empty database → sound (chain, replay, and the
    signed checkpoint taken before the backup); the later checkpoint reports the restore as
    missing the cases' newer events (exit 6); the next sweep there catches up once."""
    if db_url.startswith("sqlite") and shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 shell is not installed")
    app = bootstrap(db_url, clock=FixedClock(datetime(2025, 9, 28, 10, tzinfo=CST)),
                    migrate=True)
    for i in range(CASES):
        licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28),
                              subject=f"区市场监管局 执法人员{i}")
    app.close()
    run = CliRunner()
    key = tmp_path / "keys" / "audit.key"
    assert run.invoke(cli, ["audit", "keygen", "--out", str(key)]).exit_code == 0
    pub = Path(f"{key}.pub")
    before = tmp_path / "cp-before.json"
    assert run.invoke(cli, ["audit", "checkpoint", "--db", db_url, "--key", str(key),
                            "--out", str(before)]).exit_code == 0
    conf = tmp_path / "scheduler.toml"
    conf.write_text("[scheduler]\nbatch_size = 1\n", encoding="utf-8")
    env = {**os.environ, TEST_PAUSE_ENV: "0.4", "RONGCUO_DATABASE_URL": db_url}
    log = (tmp_path / "scheduler.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "rongcuo.entrypoints.cli.main", "scheduler",
                             "run", "--db", db_url, "--config", str(conf)], env=env,
                            stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 90
        while not notices(db_url) and time.monotonic() < deadline:
            time.sleep(0.1)
        backup = sh("backup.sh", str(tmp_path / "backups"), env=env)
        assert backup.returncode == 0, backup.stderr
        at_backup = total(notices(db_url))
        while total(notices(db_url)) < CASES * 5 and time.monotonic() < deadline:
            time.sleep(0.2)  # the service records the rest after the backup
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(60)
        log.close()
        assert code == 0, (tmp_path / "scheduler.log").read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    source = notices(db_url)
    assert 0 < at_backup < total(source), "the backup was not taken while the service wrote"
    after = tmp_path / "cp-after.json"
    assert run.invoke(cli, ["audit", "checkpoint", "--db", db_url, "--key", str(key),
                            "--out", str(after)]).exit_code == 0

    file = backup.stdout.strip().splitlines()[-1]
    restored = sh("restore.sh", file, target)
    assert restored.returncode == 0, restored.stderr
    copy = notices(target)
    assert 0 < total(copy) < total(source)

    code, report = verify(target, "--against", str(before), "--pubkey", str(pub))
    assert code == 0, report
    assert report["ok"] and report["cases"] == CASES and report["broken"] == []

    code, report = verify(target, "--against", str(after), "--pubkey", str(pub))
    assert code == EXIT_AUDIT_FAILED
    problems = report["checkpoint"]["problems"]  # type: ignore[index]
    grown = {c for c in source if source[c] != copy.get(c, set())}
    assert grown and {p["case_id"] for p in problems} == grown
    assert {p["code"] for p in problems} == {"checkpoint.head_missing"}
    assert report["broken"] == []  # the copy itself is whole: it is only older

    refused = sh("restore.sh", file, target)  # the target is not empty any more
    assert refused.returncode == EXIT_REFUSED
    assert "is not empty" in refused.stderr and "不是空数据库" in refused.stderr
    assert notices(target) == copy
    other = (f"sqlite:///{tmp_path / 'x.sqlite3'}" if file.endswith(".dump")
             else "postgresql+psycopg://postgres@127.0.0.1:5432/nowhere")
    wrong = sh("restore.sh", file, other)
    assert wrong.returncode == EXIT_REFUSED, wrong.stderr
    assert "backup" in wrong.stderr

    catch_up = run.invoke(cli, ["scheduler", "sweep", "--db", target, "--json"])
    assert catch_up.exit_code == 0, catch_up.output
    assert notices(target) == source  # what fell due since the backup, recorded once
    assert verify(target)[0] == 0
