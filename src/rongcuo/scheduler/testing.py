"""Helpers for the scheduler's tests and benchmark (shipped like ``structlog.testing``).

* :func:`licheng_to_determined` walks a real Licheng case, through the service handlers and
  the engine, to ``determined`` (the 7-day notice period of art. 17 then runs);
* :func:`clone_case` bulk-copies one stored case and its deadline rows ``n`` times with one
  ``INSERT … SELECT`` per table, for the multi-process test and the benchmark (seeding 10,000
  or 1,000,000 cases through the CLI would take hours).  Clones carry no events of their own:
  their ``cases`` row continues the template's ``last_seq``/``last_hash``, which is all the
  sweep needs; ``audit verify`` would rightly flag them, so use clones only in throw-away
  databases;
* :class:`PausingSweeper` — the sweep with a pause after each claim (inside the batch's
  transaction), chosen by ``scheduler sweep`` / ``scheduler run`` when the test-only
  ``RONGCUO_TEST_SWEEP_PAUSE`` is set, so the fault tests can kill a sweeper mid-batch;
* :class:`PrivateCluster` — a throw-away PostgreSQL cluster (``initdb``/``pg_ctl``) that a
  test or benchmark can stop (``-m immediate``) and start again under a running scheduler.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import sqlalchemy as sa

from rongcuo.adapters.notify.outbox import as_utc
from rongcuo.scheduler.sweep import Sweeper

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.bootstrap import App

ACTOR = "历城区行政执法监督科 王科长"


def licheng_to_determined(
    app: App,
    *,
    opened: date,
    determined: date,
    subject: str = "区市场监管局 执法人员甲",
    agency: str = "区市场监管局",
) -> str:
    """Open a Licheng case on ``opened`` and determine it on ``determined``; its id.

    Steps: open (art. 13) → file (art. 14) → two investigators (art. 16) → start
    verification → hear the statement (art. 16) → determine ``exempted`` under art. 10(1).
    """
    from rongcuo.service import handlers

    res = handlers.open_case(
        app, workflow_id="licheng", subject=subject, agency=agency, on=opened, actor=ACTOR,
        data={"matter": "行政处罚超期", "source": "supervision_case"},
    )
    cid = res.case_id
    steps: list[tuple[str, dict[str, str]]] = [
        ("file", {}),
        ("assign_investigator", {"investigator": "张三"}),
        ("assign_investigator", {"investigator": "李四"}),
        ("start_verification", {}),
        ("hear_statement", {}),
    ]
    for trigger, data in steps:
        handlers.fire(app, cid, trigger, on=opened, actor=ACTOR, data=data)
    handlers.fire(
        app, cid, "determine", on=determined, actor=ACTOR,
        data={"outcome": "exempted", "items": "10.1"},
    )
    return cid


def clone_case(
    engine: sa.Engine,
    template_id: str,
    n: int,
    *,
    prefix: str = "clone",
    next_notice_at: datetime | None = None,
    start: int = 0,
) -> None:
    """Copy case ``template_id`` and its deadline rows ``n`` times (PostgreSQL: one
    ``INSERT … SELECT generate_series``; SQLite: a recursive CTE).  ``next_notice_at``, when
    given, overrides the clones' deadline rows (e.g. far in the future = pending, not due)."""
    pg = engine.dialect.name == "postgresql"
    series = (
        f"SELECT generate_series({start + 1}, {start + n}) AS i"
        if pg
        else f"WITH RECURSIVE s(i) AS (SELECT {start + 1} UNION ALL SELECT i + 1 FROM s "
        f"WHERE i < {start + n}) SELECT i FROM s"
    )
    cat = "||"
    cid = f"'{prefix}-' {cat} CAST(s.i AS TEXT)"
    cols = [
        c.name for c in sa.Table("cases", sa.MetaData(), autoload_with=engine).columns
    ]
    sel = ", ".join(
        cid if c == "id" else (f"c.number {cat} '-{prefix}-' {cat} CAST(s.i AS TEXT)"
                               if c == "number" else f"c.{_q(c)}")
        for c in cols
    )
    dcols = [
        c.name for c in sa.Table("deadlines", sa.MetaData(), autoload_with=engine).columns
    ]
    dsel = ", ".join(
        cid if c == "case_id"
        else (":nna" if c == "next_notice_at" and next_notice_at is not None else f"d.{_q(c)}")
        for c in dcols
    )
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                f"INSERT INTO cases ({', '.join(_q(c) for c in cols)}) "
                f"SELECT {sel} FROM cases c, ({series}) s WHERE c.id = :t"
            ),
            {"t": template_id},
        )
        params: dict[str, object] = {"t": template_id}
        if next_notice_at is not None:
            params["nna"] = as_utc(next_notice_at) if pg else as_utc(next_notice_at).replace(
                tzinfo=None).isoformat(sep=" ")
        conn.execute(
            sa.text(
                f"INSERT INTO deadlines ({', '.join(_q(c) for c in dcols)}) "
                f"SELECT {dsel} FROM deadlines d, ({series}) s WHERE d.case_id = :t"
            ),
            params,
        )


def _q(name: str) -> str:
    return f'"{name}"'


class PausingSweeper(Sweeper):
    """A sweeper that pauses ``pause`` seconds after claiming each batch, with the batch's
    rows claimed and its transaction open: a kill then lands in the middle of the work.
    Test-only (``RONGCUO_TEST_SWEEP_PAUSE``)."""

    def __init__(self, *args: object, pause: float, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Sweeper's own
        self.pause = pause

    def _claim(
        self, conn: sa.Connection, now: datetime, skip: set[tuple[str, str]], limit: int
    ) -> list[tuple[str, str]]:
        claimed = super()._claim(conn, now, skip, limit)
        if claimed:
            time.sleep(self.pause)
        return claimed


def _pg_bindir() -> Path | None:
    """Where initdb and pg_ctl are: ``RONGCUO_PG_BINDIR``, the newest
    ``/usr/lib/postgresql/*/bin`` (Debian puts them there, off the PATH), or the PATH."""
    env = os.environ.get("RONGCUO_PG_BINDIR")
    if env:
        return Path(env)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if
                   Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class PrivateCluster:
    """A throw-away PostgreSQL cluster in a temporary directory, on a free port of 127.0.0.1
    (trust authentication, no fsync: nothing in it outlives the test).  ``initdb`` refuses to
    run as root, so as root every server command runs as the ``postgres`` account
    (``runuser``), which then owns the directory."""

    def __init__(self) -> None:
        bindir = _pg_bindir()
        if bindir is None or not (bindir / "initdb").exists():
            raise FileNotFoundError("initdb not found (set RONGCUO_PG_BINDIR)")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="rongcuo-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            import pwd

            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self._as, str(self.bindir / tool), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", opts, "-w", "-t", "60", "start")

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: the server processes quit at once (a crash; recovery on start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):  # not running after all
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PrivateCluster:
        self.start()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.destroy()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


__all__ = ["ACTOR", "PausingSweeper", "PrivateCluster", "clone_case", "licheng_to_determined"]
