"""The sweep: claim due deadline rows, record each owed notice once, queue its messages.

Deadlines are rows, not in-process timers (STYLE.md).  Each deadline row carries the next
notice the case is owed (``next_notice``: ``reminder:<n>`` / ``overdue`` /
``escalation:<rung>``) and the instant it falls due (``next_notice_at``), projected by the
engine from the definition.  One sweep at instant ``now``:

1. claims up to ``batch_size`` rows with ``next_notice_at <= now`` in one transaction —
   ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several sweepers (on several machines) share
   the rows and never take the same one; on SQLite one sweeper at a time holds a lease
   (:mod:`.lease`) and a second one stops saying so;
2. for each claimed case: loads the case row, recomputes the timers with the engine (a
   paused timer owes nothing, an extended one has moved on), and decides every notice now
   due, oldest first (:func:`rongcuo.service.handlers.notices.plan_notices`); then
   stages the whole batch in one unit of work (:mod:`rongcuo.service.unit_of_work`), which
   writes it through the store's batched append (one statement each for the case rows —
   every one version-checked — the events, the deadline rows) plus one outbox insert with
   one row per notice and recipient;
3. commits the batch, and repeats until nothing due is left.

Exactly once: the engine refuses a notice already recorded (``notice.duplicate``) and the
store's optimistic version check refuses a racing writer (the case is left for the next
sweep); a sweeper killed mid-claim commits nothing and its rows stay due for the next one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from rongcuo import logging as rlog
from rongcuo.adapters.db.records import CaseRecord, CommitResult
from rongcuo.adapters.notify.outbox import OutboxDraft, Recipient, as_utc
from rongcuo.domain.errors import DomainError
from rongcuo.service.context import App
from rongcuo.service.errors import ConcurrencyConflict
from rongcuo.service.handlers.notices import (
    ACTOR,
    MAX_NOTICES_PER_CASE,
    NoticePlan,
    RecordedNotice,
    notice_drafts,
    plan_notices,
)
from rongcuo.service.unit_of_work import UnitOfWork

__all__ = ["ACTOR", "MAX_NOTICES_PER_CASE", "RecordedNotice", "SweepResult", "Sweeper"]

log = rlog.get_logger("rongcuo.scheduler")


def _db_errors(sqlite: bool) -> tuple[type[Exception], ...]:
    """The batched write talks to the driver directly: its errors are the driver's own
    (psycopg is imported only for PostgreSQL)."""
    if sqlite:
        import sqlite3

        return (DBAPIError, sqlite3.Error)
    import psycopg

    return (DBAPIError, psycopg.Error)


def _db_reason(err: Exception) -> str:
    return str(getattr(err, "orig", None) or err)


@dataclass
class SweepResult:
    now: str
    backend: str
    claimed: int = 0
    notices: list[RecordedNotice] = field(default_factory=list)
    replanned: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "now": self.now,
            "backend": self.backend,
            "claimed": self.claimed,
            "recorded": len(self.notices),
            "notices": [asdict(n) for n in self.notices],
            "replanned": self.replanned,
            "skipped": self.skipped,
            "elapsed_ms": round(self.elapsed_ms, 3),
        }


class _CaseFailed(Exception):
    """One case of a batch could not be recorded: roll the batch back, retry without it."""

    def __init__(self, case_id: str, timers: list[str], reason: str) -> None:
        super().__init__(reason)
        self.case_id, self.timers = case_id, timers
        self.info = {"case_id": case_id, "timers": timers, "reason": reason}


class _CasesFailed(Exception):
    """Several cases of a batch failed the batched write's version check: as above."""

    def __init__(self, failed: list[_CaseFailed]) -> None:
        super().__init__("; ".join(str(f) for f in failed))
        self.failed = failed


class _BatchFailed(Exception):
    """The batched write failed as a whole (e.g. a deadlock between sweepers): roll back and
    redo the batch one case at a time, so the failure is pinned on the case that caused it."""


class Sweeper:
    """One sweep over the deadline rows of ``app``'s database (see the module docstring)."""

    def __init__(
        self,
        app: App,
        recipients: Mapping[str, Sequence[Recipient]] | None = None,
        *,
        batch_size: int = 100,
    ) -> None:
        self.app = app
        self.store = app.store
        self.recipients = dict(recipients or {})
        self.batch_size = batch_size
        self.pg = app.store.dialect == "postgresql"
        self.db_errors = _db_errors(not self.pg)

    def sweep(self, now: datetime, *, limit: int | None = None) -> SweepResult:
        """Record everything due at ``now`` (aware); at most ``limit`` deadline rows.

        A batch commits whole.  A case that fails (a racing writer's version bump, a refusal)
        rolls the batch back; it is then retried without that case, which is left for the
        next sweep — so the happy path needs no savepoints.  A database error of the batched
        write as a whole (a deadlock between sweepers) is retried once case by case, which
        pins it on the case that causes it.
        """
        now = as_utc(now)
        started = time.perf_counter()
        result = SweepResult(now=now.isoformat(), backend=self.store.dialect)
        skip: set[tuple[str, str]] = set()
        remaining = limit
        one_by_one = False  # after a batch-wide database error: pin it on one case
        while remaining is None or remaining > 0:
            size = self.batch_size if remaining is None else min(self.batch_size, remaining)
            try:
                claimed, notices, replanned = self._batch(now, skip, size, one_by_one, result)
            except _CaseFailed as failed:
                result.skipped.append(failed.info)
                skip.update((failed.case_id, tm) for tm in failed.timers)
                one_by_one = False
                continue
            except _CasesFailed as many:
                for one in many.failed:
                    result.skipped.append(one.info)
                    skip.update((one.case_id, tm) for tm in one.timers)
                continue
            except _BatchFailed:
                one_by_one = True
                continue
            one_by_one = False
            if not claimed:
                break
            result.claimed += len(claimed)
            result.notices.extend(notices)
            result.replanned.extend(replanned)
            if remaining is not None:
                remaining -= len(claimed)
            if len(claimed) < size:
                break
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        log.info(
            "sweep.done",
            claimed=result.claimed,
            recorded=len(result.notices),
            skipped=len(result.skipped),
            elapsed_ms=round(result.elapsed_ms, 1),
        )
        return result

    def _batch(
        self, now: datetime, skip: set[tuple[str, str]], size: int, one_by_one: bool,
        result: SweepResult,
    ) -> tuple[list[tuple[str, str]], list[RecordedNotice], list[dict[str, Any]]]:
        """One batch in one unit of work: claim, lock the cases, decide, write, commit."""
        with self.app.unit_of_work() as uow:
            claimed = self._claim(uow.conn, now, skip, size)
            by_case: dict[str, list[str]] = {}
            for case_id, timer in claimed:
                by_case.setdefault(case_id, []).append(timer)
            rows = uow.lock_cases(list(by_case))
            busy = [c for c in by_case if c not in rows]
            for case_id in busy:  # a writer holds the case: leave it for the next sweep
                result.skipped.append({"case_id": case_id, "timers": by_case[case_id],
                                       "reason": "busy: another writer holds the case"})
                skip.update((case_id, tm) for tm in by_case[case_id])
            plans = [
                self._one_case(uow, rows.get(case_id), case_id, timers, now)
                for case_id, timers in by_case.items()
                if case_id not in busy
            ]
            notices = self._write(uow, plans, now, one_by_one)
        return claimed, notices, [p.replanned for p in plans if p.replanned is not None]

    def _claim(
        self, conn: sa.Connection, now: datetime, skip: set[tuple[str, str]], limit: int
    ) -> list[tuple[str, str]]:
        """The batch's deadline rows, claimed in its transaction (see the module docstring)."""
        return self.store.claim_due_in(conn, now, skip, limit)

    # -- one case -----------------------------------------------------------------------
    def _one_case(
        self, uow: UnitOfWork, case: CaseRecord | None, case_id: str, timers: list[str],
        now: datetime,
    ) -> NoticePlan:
        """The plan of one claimed case (``uow``: the batch's transaction)."""
        if case is None:
            raise _CaseFailed(case_id, timers, "case row missing")
        try:
            with rlog.bound(case_id=case.id, actor=ACTOR):
                plan = plan_notices(self.app, case, now)
        except DomainError as err:
            log.warning("sweep.refused", case_id=case.id, code=err.code, error=err.message_en)
            raise _CaseFailed(case.id, timers, f"{err.code}: {err.message_en}") from err
        except DBAPIError as err:  # e.g. a PostgreSQL deadlock between two sweepers
            log.warning("sweep.db_error", case_id=case.id, error=str(err.orig))
            raise _CaseFailed(case.id, timers, f"database: {err.orig}") from err
        plan.timers = timers
        return plan

    # -- the batch's writes -------------------------------------------------------------
    def _write(
        self, uow: UnitOfWork, plans: list[NoticePlan], now: datetime, one_by_one: bool
    ) -> list[RecordedNotice]:
        """Stage the batch's plans and commit them: events, case rows (version-checked),
        deadline rows and outbox rows in a few statements — or, after a batch-wide database
        error, case by case inside the same transaction, to find the case that causes it."""
        if one_by_one:
            done: list[RecordedNotice] = []
            for plan in plans:
                try:
                    done.extend(self._stage(uow, [plan], now, flush=True))
                except ConcurrencyConflict as err:
                    log.info("sweep.conflict", case_id=plan.case.id)
                    raise _CaseFailed(plan.case.id, plan.timers,
                                      "conflict: left for the next sweep") from err
                except self.db_errors as err:
                    log.warning("sweep.db_error", case_id=plan.case.id, error=_db_reason(err))
                    raise _CaseFailed(plan.case.id, plan.timers,
                                      f"database: {_db_reason(err)}") from err
            uow.commit()
            return done
        try:
            return self._stage(uow, plans, now, flush=False)
        except ConcurrencyConflict as err:
            stale = set(err.details.get("case_ids") or ())
            failed = [_CaseFailed(p.case.id, p.timers, "conflict: left for the next sweep")
                      for p in plans if p.case.id in stale]
            for f in failed:
                log.info("sweep.conflict", case_id=f.case_id)
            raise _CasesFailed(failed) from err
        except self.db_errors as err:  # e.g. a PostgreSQL deadlock between two sweepers
            log.warning("sweep.batch_db_error", error=_db_reason(err))
            raise _BatchFailed(_db_reason(err)) from err

    def _stage(
        self, uow: UnitOfWork, plans: list[NoticePlan], now: datetime, *, flush: bool
    ) -> list[RecordedNotice]:
        """Stage events, case rows and deadline rows of ``plans`` and the outbox rows that
        announce them; commit (or, with ``flush``, write without committing)."""
        writing = [p for p in plans if p.replanned is None]
        for p in plans:
            if p.replanned is None:
                uow.append(p.case.head, p.decision, previous=p.previous)
            else:
                uow.replan(p.case.id, p.deadlines)
        out: list[RecordedNotice] = []

        def announce(conn: sa.Connection, results: list[CommitResult]) -> None:
            drafts: list[OutboxDraft] = []
            for plan, committed in zip(writing, results, strict=True):
                notices, case_drafts = notice_drafts(self.app, plan, committed,
                                                     self.recipients)
                log.info("sweep.recorded", case_id=plan.case.id, actor=ACTOR,
                         notices=[n.notice for n in notices])
                out.extend(notices)
                drafts.extend(case_drafts)
            if drafts:
                uow.enqueue(drafts, self.recipients, now)

        uow.after_write(announce)
        if flush:
            uow.flush()
        else:
            uow.commit()
        return out
