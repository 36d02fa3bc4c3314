"""The unit of work: every writer of events goes through it, and it commits once.

A case command (open, fire, and every later step kind), the sweep's batch of notices, the
recomputation of due dates after a calendar import — and the HTTP API calling the same
handlers — all write through :class:`UnitOfWork`::

    with app.unit_of_work() as uow:
        uow.append(case.head, decision)          # events, case row, deadline rows
        uow.enqueue(drafts, recipients, now)     # outbox rows of the same transaction
        results = uow.commit()                   # one COMMIT; nothing written on failure

It opens ONE write transaction (``BEGIN IMMEDIATE`` on SQLite), stages what the handler
decided, writes it at :meth:`UnitOfWork.commit` in as few statements as the batch allows
(one case: :meth:`Store.append_in`; many: :meth:`Store.append_many_in`), writes the outbox
rows, and commits.  Leaving the block without :meth:`~UnitOfWork.commit` rolls everything
back.  The store's own errors are mapped here onto the service layer's
(:mod:`rongcuo.service.errors`): a lost race is :class:`ConcurrencyConflict` (with the stale
case ids), unless an idempotency key shows the winner was this very command, whose first
result is then returned.

:func:`retrying` runs a handler's decide-and-write again on the fresh state when it lost a
race (bounded attempts, the same idempotency key): the step then succeeds if its guards still
hold, and is refused by the guard, with its article, if they no longer do.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any, TypeVar

import sqlalchemy as sa

from rongcuo import logging as rlog
from rongcuo.adapters.db.errors import BadNumberPattern, KeyReused, StaleWrite, StoreError
from rongcuo.adapters.db.records import (
    CaseRecord,
    ChainHead,
    CommitResult,
    Idempotency,
    PendingAppend,
)
from rongcuo.adapters.db.store import Store
from rongcuo.clock import Clock
from rongcuo.domain.case import Deadline, Decision
from rongcuo.domain.messages import message
from rongcuo.service.errors import ConcurrencyConflict, InvalidRequest, StorageError

MSG_STORE_UNREACHABLE_UNIT_OF_WORK = message(
    "store.unreachable/unit_of_work",
    "无法连接数据库：{reason}",
    "cannot reach the database: {reason}",
)

MSG_STORE_BUSY = message(
    "store.busy",
    "数据库正忙：另一操作长时间占用数据库，本次未记录任何内容，请稍后再试",
    "the database is busy: another writer held it too long; nothing was recorded — try again "
    "shortly",
)

log = rlog.get_logger("rongcuo.service")

T = TypeVar("T")

MAX_ATTEMPTS = 8
"""How often a step that lost a race is re-decided on the fresh state before the person is
told that the case is too busy (eight writers on one case at the same instant all succeed)."""


class _NewCase:
    __slots__ = ("agency", "case_id", "decision", "idem", "number_pattern", "opened_on",
                 "subject")

    def __init__(self, subject: str, agency: str, opened_on: date, number_pattern: str,
                 decision: Decision, idem: Idempotency | None, case_id: str | None) -> None:
        self.subject, self.agency, self.opened_on = subject, agency, opened_on
        self.number_pattern, self.decision, self.idem = number_pattern, decision, idem
        self.case_id = case_id


class UnitOfWork:
    """One write transaction over the store (see the module docstring)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._conn: sa.Connection | None = None
        self._tx: sa.RootTransaction | None = None
        self._new: list[_NewCase] = []
        self._appends: list[PendingAppend] = []
        self._replans: list[tuple[str, Sequence[Deadline], datetime]] = []
        self._outbox: list[tuple[Sequence[Any], Mapping[str, Any], datetime]] = []
        self._after: list[Callable[[sa.Connection, list[CommitResult]], None]] = []
        self.committed = False

    # -- the transaction ----------------------------------------------------------------
    def __enter__(self) -> UnitOfWork:
        try:
            self._conn = self.store.engine.connect()
            self._tx = self._conn.begin()
        except sa.exc.OperationalError as exc:
            if self._conn is not None:
                self._conn.close()
            raise _unavailable(exc) from exc
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._conn is not None and self._tx is not None
        try:
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            self._conn.close()

    @property
    def conn(self) -> sa.Connection:
        """The transaction's connection (for reads that must see and lock what it writes:
        the sweep's claim and its case locks)."""
        assert self._conn is not None, "use the unit of work in a with-block"
        return self._conn

    # -- reads inside the transaction --------------------------------------------------
    def lock_cases(self, ids: Sequence[str]) -> dict[str, CaseRecord]:
        """The cases ``ids``, locked for this transaction (a case another writer holds is
        left out on PostgreSQL: ``SKIP LOCKED``)."""
        return self.store.cases_for_update_in(self.conn, ids)

    # -- staging ------------------------------------------------------------------------
    def open_case(self, *, subject: str, agency: str, opened_on: date, number_pattern: str,
                  decision: Decision, idempotency: Idempotency | None = None,
                  case_id: str | None = None) -> None:
        """Stage a new case: its number, row, first events and deadlines."""
        self._new.append(_NewCase(subject, agency, opened_on, number_pattern, decision,
                                  idempotency, case_id))

    def append(self, head: ChainHead, decision: Decision, *,
               previous: Sequence[Deadline] | None = None,
               idempotency: Idempotency | None = None) -> None:
        """Stage one case's decided events, new state and deadline projection.  ``previous``
        (what the deadline rows hold now) lets the write touch only what moved."""
        self._appends.append(PendingAppend(
            head=head, state=decision.state, events=decision.events,
            deadlines=decision.deadlines, recorded_at=self.clock.now(), previous=previous,
            idempotency=idempotency,
        ))

    def correct(self, head: ChainHead, decision: Decision) -> None:
        """Stage a correction (更正、撤销、误录撤回): its chained event and the case row and
        deadline rows rewritten from the re-derived state — a deadline whose timer the
        corrected history no longer has is dropped, a withdrawal marks the row."""
        self.append(head, decision)
        timers = [d.timer for d in decision.deadlines]

        def rows(conn: sa.Connection, results: list[CommitResult]) -> None:
            self.store.correct_rows_in(conn, head.case_id, decision.state, timers)

        self.after_write(rows)

    def replan(self, case_id: str, deadlines: Sequence[Deadline]) -> None:
        """Stage deadline rows re-planned without an event (nothing owed any more)."""
        self._replans.append((case_id, deadlines, self.clock.now()))

    def enqueue(self, drafts: Sequence[Any], recipients: Mapping[str, Any],
                now: datetime) -> None:
        """Stage outbox rows, written in the same transaction as the events they announce."""
        self._outbox.append((drafts, recipients, now))

    def after_write(self, fn: Callable[[sa.Connection, list[CommitResult]], None]) -> None:
        """Run ``fn(conn, results)`` after the staged events are written and before COMMIT:
        rows that need the events' seqs (an outbox row naming the event it announces)."""
        self._after.append(fn)

    # -- commit -------------------------------------------------------------------------
    def commit(self) -> list[CommitResult]:
        """Write everything staged and COMMIT once; the results in staging order (new cases
        first).  A lost race rolls back and raises :class:`ConcurrencyConflict`."""
        return self._mapped(commit=True)

    def flush(self) -> list[CommitResult]:
        """Write everything staged now, inside the transaction, without committing (the
        sweep's one-case-at-a-time retry pins a failure on its case this way)."""
        return self._mapped(commit=False)

    def _mapped(self, *, commit: bool) -> list[CommitResult]:
        idems = [x.idem for x in self._new if x.idem] + [
            a.idempotency for a in self._appends if a.idempotency]
        try:
            results = self._flush_staged()
            if commit:
                assert self._tx is not None
                self._tx.commit()
        except StaleWrite as exc:
            self._rollback()
            first = self._first_result(idems)
            if first is not None:
                return [first]
            raise _conflict(exc.details) from exc
        except self.store.integrity_errors as exc:
            self._rollback()
            first = self._first_result(idems)
            if first is not None:
                return [first]
            raise _conflict({"cause": type(getattr(exc, "orig", exc)).__name__}) from exc
        except BadNumberPattern as exc:
            self._rollback()
            raise InvalidRequest(exc.message_zh, exc.message_en, code=exc.code) from exc
        except StoreError as exc:
            self._rollback()
            raise StorageError(exc.message_zh, exc.message_en, code=exc.code,
                               details=exc.details) from exc
        self.committed = commit
        return results

    def _flush_staged(self) -> list[CommitResult]:
        conn = self.conn
        results = self._write(conn)
        after, self._after = self._after, []
        for fn in after:
            fn(conn, results)
        outbox, self._outbox = self._outbox, []
        if outbox:
            from rongcuo.adapters.notify.outbox import enqueue

            for drafts, recipients, now in outbox:
                enqueue(conn, list(drafts), dict(recipients), now)
        self._new, self._appends, self._replans = [], [], []
        return results

    def _write(self, conn: sa.Connection) -> list[CommitResult]:
        results: list[CommitResult] = []
        store = self.store
        for n in self._new:
            at = self.clock.now()
            head = store.create_in(
                conn, subject=n.subject, agency=n.agency, opened_on=n.opened_on,
                number_pattern=n.number_pattern, state=n.decision.state, recorded_at=at,
                case_id=n.case_id,
            )
            results.append(store.append_in(conn, head, n.decision.state, n.decision.events,
                                           n.decision.deadlines, at, n.idem))
        if len(self._appends) == 1 and not self._replans:
            a = self._appends[0]  # one case command: the single-case statements
            results.append(store.append_in(conn, a.head, a.state, a.events, a.deadlines,
                                           a.recorded_at, a.idempotency, a.previous))
        elif self._appends or self._replans:
            assert all(a.idempotency is None for a in self._appends), \
                "a batched append carries no idempotency key"
            results.extend(store.append_many_in(conn, self._appends,
                                                deadlines_only=self._replans))
        return results

    def _rollback(self) -> None:
        if self._tx is not None and self._tx.is_active:
            self._tx.rollback()

    def _first_result(self, idems: Sequence[Idempotency | None]) -> CommitResult | None:
        """After a lost race: the result a concurrent duplicate of this command recorded."""
        for idem in idems:
            if idem is None:
                continue
            try:
                first = self.store.command_result(idem)
            except KeyReused as exc:
                raise key_reused(exc) from exc
            if first is not None:
                return first
        return None


def key_reused(exc: KeyReused) -> InvalidRequest:
    return InvalidRequest(exc.message_zh, exc.message_en, code="command.idempotency_key_reused",
                          details=exc.details)


def command_result(store: Store, idem: Idempotency | None) -> CommitResult | None:
    """The first result of an idempotent command, or None (service errors only)."""
    if idem is None:
        return None
    try:
        return store.command_result(idem)
    except KeyReused as exc:
        raise key_reused(exc) from exc


def _conflict(details: Mapping[str, Any]) -> ConcurrencyConflict:
    return ConcurrencyConflict(
        "另一操作已先修改本案，本次未记录任何内容，请重新查看案件后再试",
        "another writer changed this case first; nothing was recorded — "
        "reload the case and try again",
        details=dict(details),
    )


def _unavailable(exc: Exception) -> StorageError:
    reason = "; ".join(x.strip() for x in str(getattr(exc, "orig", exc) or exc).splitlines()
                       if x.strip())
    if "database is locked" in reason:  # SQLite: another writer held it past the timeout
        return StorageError.of(
            MSG_STORE_BUSY,
        )
    return StorageError.of(
        MSG_STORE_UNREACHABLE_UNIT_OF_WORK,
        reason=reason,
    )


def retrying(step: Callable[[], T], *, attempts: int = MAX_ATTEMPTS,
             sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``step`` (which loads the case, decides and writes through one unit of work); if
    it lost a race, run it again on the fresh state, at most ``attempts`` times, with a
    short random back-off so racing writers spread out.  A refusal by a guard or an
    invalid input is never retried: it is the answer."""
    for attempt in range(1, attempts + 1):
        try:
            return step()
        except ConcurrencyConflict:
            if attempt == attempts:
                raise
            log.info("step.retry", attempt=attempt)
            sleep(random.uniform(0.001, 0.004) * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def expect_version(case: CaseRecord, expected: int | None) -> None:
    """Refuse when the caller named a version and the case has moved on (nothing written)."""
    if expected is None or expected == case.version:
        return
    from rongcuo.service.errors import StaleVersion

    raise StaleVersion(
        f"案件 {case.number} 已被修改：当前版本为 {case.version}，不是所给的 {expected}；"
        "本次未记录任何内容，请重新查看案件后再试",
        f"case {case.number} has changed: it is at version {case.version}, not {expected}; "
        "nothing was recorded — reload the case and try again",
        details={"version": case.version, "expected": expected, "case_id": case.id},
    )


__all__ = ["MAX_ATTEMPTS", "UnitOfWork", "command_result", "expect_version", "retrying"]


