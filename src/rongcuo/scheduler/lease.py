"""The SQLite sweeper lock: one sweeper at a time on the embedded database.

PostgreSQL sweepers share the work with ``FOR UPDATE SKIP LOCKED`` and need no lock of ours:
the claimed rows' locks belong to the sweep's transaction, and PostgreSQL releases them the
moment the sweeper's session ends — a sweeper killed outright (``kill -9``, out of memory)
loses its connection and with it every lock, so the next sweep takes the rows at once.

SQLite has no row locks.  A sweeper first takes an exclusive ``flock`` on a file beside the
database (``rongcuo.sqlite3-sweeper.lock``, mode 0600), without waiting; a second sweeper finds
it held and stops with :class:`SweeperBusy`, naming the holder.  The lock is the kernel's: it
goes with the process that holds it, however that process ends, so a crashed sweeper never
blocks the next one and there is no expiry, no wall clock and no stale holder to mistake
(a reused pid cannot hold a lock it never took).  The holder writes who it is (host, pid,
command, since when) into the file for that message only; the lock itself decides.

This is the choice between the two the fault issue offered (a holder record with a dead-pid
check, or a kernel-released lock): the kernel lock cannot be fooled by a reused pid or a
clock, and needs no table.  Its limit is SQLite's own: the database and the lock file must be
on a local file system (SQLite is not safe on a network share either).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from rongcuo.clock import CST
from rongcuo.service.errors import ServiceError

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.service.context import App

LOCK_SUFFIX = "-sweeper.lock"


class SweeperBusy(ServiceError):
    """Another process holds the SQLite sweeper lock (it is running now)."""

    code = "scheduler.busy"


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as the holder wrote it (for the refusal message only)."""

    host: str
    pid: int
    command: str
    since: str  # ISO, UTC

    @property
    def name(self) -> str:
        return f"{self.host}:{self.pid}"

    def since_cst(self) -> str:
        try:
            at = datetime.fromisoformat(self.since)
        except ValueError:
            return self.since
        return at.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S CST")


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + LOCK_SUFFIX)


class SweepLock:
    """The exclusive lock of one SQLite database's sweeper (see the module docstring)."""

    def __init__(self, path: Path, command: str = "sweep") -> None:
        self.path, self.command = path, command
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock now or raise :class:`SweeperBusy` (never waits)."""
        if self._fd is not None:
            return
        # 0600 from the start; O_CLOEXEC: a program this process runs never inherits it
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise busy(self.path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        me = {"host": socket.gethostname(), "pid": os.getpid(), "command": self.command,
              "since": datetime.now(UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # nobody holds it: the next refusal cannot name us
        os.close(fd)  # closing the only descriptor releases the flock

    def __enter__(self) -> SweepLock:
        self.acquire()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _read_holder(fd: int) -> Holder | None:
    try:
        data: Any = json.loads(os.pread(fd, 4096, 0) or b"null")
        return Holder(str(data["host"]), int(data["pid"]), str(data["command"]),
                      str(data["since"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None  # written this instant, or not by us: the refusal says "unknown"


def busy(path: Path, holder: Holder | None) -> SweeperBusy:
    """The refusal: who sweeps now, and that a second sweeper needs PostgreSQL."""
    if holder is None:
        who_zh, who_en, details = "持有者未知", "holder unknown", {}
    else:
        who_zh = (f"{holder.name}，rongcuo scheduler {holder.command}，"
                  f"自 {holder.since_cst()} 起")
        who_en = f"{holder.name}, `rongcuo scheduler {holder.command}`, since {holder.since_cst()}"
        details = {"holder": holder.name, "host": holder.host, "pid": holder.pid,
                   "command": holder.command, "since": holder.since}
    return SweeperBusy(
        f"另一个调度进程（{who_zh}）正在扫描此 SQLite 数据库（锁文件 {path}，该进程一结束即释放）；"
        "SQLite 同一时间只允许一个扫描进程，多个进程请使用 PostgreSQL。",
        f"another sweeper ({who_en}) is sweeping this SQLite database (lock file {path}, "
        "released the moment that process ends); SQLite allows one sweeper at a time - use "
        "PostgreSQL to run several.",
        details={**details, "lock": str(path)},
    )


def lock_for(app: App, command: str = "sweep") -> SweepLock | None:
    """The sweeper lock of ``app``'s SQLite file; None on PostgreSQL (and for an in-memory
    SQLite database, which only its own process can see)."""
    from rongcuo.adapters.db.engine import sqlite_file

    file = sqlite_file(app.database_url) if app.store.dialect == "sqlite" else None
    return None if file is None else SweepLock(lock_path(file), command)
