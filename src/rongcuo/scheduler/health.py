"""The running scheduler's view of its database: reachable, or out and being retried.

When a job finds the database unreachable (PostgreSQL stopped or restarting, the network gone,
the SQLite file's disk away), the service must neither die nor flood its log nor hammer the
server at every tick.  :class:`DatabaseGate` keeps that state for every job of one process:

* the first failure logs **one** ``db.unavailable`` event (the error as a field) and starts
  the outage;
* while it lasts, jobs are skipped silently; one of them at a time, after a capped exponential
  backoff (``base``, 2·base, 4·base … at most ``cap`` seconds), is let through as the probe:
  it first sends ``SELECT 1`` and, when that fails, the next probe waits twice as long;
* the first probe that gets an answer logs **one** ``db.recovered`` event with the outage's
  length and the number of tries, and the job then runs as usual.

Timed with the monotonic clock: it is about processes, not legal dates.
"""

from __future__ import annotations

import enum
import sqlite3
import threading
import time
from collections.abc import Callable

import psycopg
import sqlalchemy as sa

from rongcuo import logging as rlog

log = rlog.get_logger("rongcuo.scheduler")

# Errors that mean "the database did not answer", not "rongcuo did something wrong": a
# connection refused, reset or timed out, a server shutting down, a file that cannot be opened.
_UNAVAILABLE: tuple[type[Exception], ...] = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is out of reach (see :data:`_UNAVAILABLE`) — itself,
    or the driver error a layer above mapped onto its own (the unit of work's
    ``store.unreachable``)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sa.exc.DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, _UNAVAILABLE):
            return True
        seen = seen.__cause__
    return False


def reason(exc: BaseException) -> str:
    """The driver's message on one line (psycopg's span several)."""
    text = str(getattr(exc, "orig", None) or exc)
    return "; ".join(x.strip() for x in text.splitlines() if x.strip())


class Entry(enum.Enum):
    RUN = "run"  # the database is up: run the job
    PROBE = "probe"  # it is out: ping it first, then run the job if it answers
    SKIP = "skip"  # it is out and a try is not due yet (or another job is trying)


class DatabaseGate:
    """Outage state shared by the jobs of one scheduler process (see the module docstring)."""

    def __init__(self, base: float = 1.0, cap: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base, self.cap, self._clock = base, max(cap, base), clock
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._attempts = 0
        self._next_try = 0.0
        self._probing = False

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def delay(self, attempts: int) -> float:
        """The wait after the ``attempts``-th failed try: base · 2^(attempts−1), capped."""
        return float(min(self.cap, self.base * 2 ** max(attempts - 1, 0)))

    def enter(self) -> Entry:
        with self._lock:
            if self._down_since is None:
                return Entry.RUN
            if self._probing or self._clock() < self._next_try:
                return Entry.SKIP
            self._probing = True
            return Entry.PROBE

    def failed(self, exc: BaseException, job: str) -> None:
        """A job (or a probe) found the database unreachable."""
        with self._lock:
            now = self._clock()
            first = self._down_since is None
            if first:
                self._down_since, self._attempts = now, 0
            self._attempts += 1
            wait = self.delay(self._attempts)
            self._next_try, self._probing = now + wait, False
        if first:
            log.error("db.unavailable", job=job, error=reason(exc),
                      error_type=type(exc).__name__, retry_in_seconds=wait)

    def answered(self, job: str) -> None:
        """A probe got an answer: the outage is over."""
        with self._lock:
            if self._down_since is None:
                return
            outage = self._clock() - self._down_since
            attempts = self._attempts
            self._down_since, self._attempts, self._probing = None, 0, False
        log.warning("db.recovered", job=job, outage_seconds=round(outage, 1),
                    failed_tries=attempts)

    def abandon(self) -> None:
        """A probe ended in a way that says nothing about the database: let the next try."""
        with self._lock:
            self._probing = False


def ping(engine: sa.Engine) -> None:
    """One round trip to the database (raises when it does not answer)."""
    # a read: on SQLite a deferred BEGIN, never the write lock (adapters/db/engine.py)
    with engine.connect().execution_options(rongcuo_read=True) as conn:
        conn.exec_driver_sql("SELECT 1")
