"""Deliver pending outbox rows after commit, with retries, backoff and a dead-letter state.

Each round: (1) claim up to ``batch`` due rows in one short transaction — ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL so several workers share the rows; a conditional UPDATE (checked by
rowcount) on both backends — pushing their ``next_attempt_at`` out by a lease and counting
the attempt; (2) send each outside any transaction (no lock is held while a slow server
answers); (3) mark it ``delivered``, or schedule the next try at ``base * 2**(attempts-1)``
(capped), or ``dead`` after ``max_attempts``.  A channel that fails in a way it did not
foresee (any exception, not only :class:`DeliveryError`) fails that try the same way, with
the exception named in ``last_error``: one bad row never stops the round or escapes the
dead-letter state.  A worker that dies between (1) and (3) leaves the row pending; it is
retried when the lease runs out.  The events the rows announce are never touched here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, Table, select, update
from sqlmodel import Session

from rongcuo import logging as rlog
from rongcuo.adapters.notify.channels import Channel, DeliveryError
from rongcuo.adapters.notify.outbox import OutboxMessage, as_utc
from rongcuo.clock import Clock
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message

MSG_OUTBOX_NOT_DEAD = message(
    "outbox.not_dead",
    "以下消息不是死信，均未改动：{value}",
    "not dead letters, nothing was changed: {value}",
)

log = rlog.get_logger("rongcuo.notify")
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 6
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=2)
    lease: timedelta = timedelta(minutes=5)

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff after the ``attempts``-th failed try (1 → base, 2 → 2·base…)."""
        delay: timedelta = self.base_delay * (2 ** max(attempts - 1, 0))
        return min(delay, self.max_delay)


@dataclass
class DeliveryReport:
    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[int]]:
        return {"delivered": self.delivered, "retrying": self.retrying, "dead": self.dead}


def _claim(engine: Engine, now: datetime, policy: DeliveryPolicy, batch: int) -> list[int]:
    tbl = OUTBOX
    with engine.begin() as conn:
        q = (
            select(tbl.c.id)
            .where(tbl.c.status == "pending", tbl.c.next_attempt_at <= now)
            .order_by(tbl.c.next_attempt_at, tbl.c.id)
            .limit(batch)
        )
        if engine.dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        ids = [int(i) for i in conn.execute(q).scalars()]
        claimed: list[int] = []
        for i in ids:
            res = conn.execute(
                update(tbl)
                .where(tbl.c.id == i, tbl.c.status == "pending", tbl.c.next_attempt_at <= now)
                .values(next_attempt_at=now + policy.lease, attempts=tbl.c.attempts + 1)
            )
            if res.rowcount == 1:
                claimed.append(i)
        return claimed


def deliver_due(
    engine: Engine,
    channels: Mapping[str, Channel],
    clock: Clock,
    policy: DeliveryPolicy | None = None,
    batch: int = 50,
) -> DeliveryReport:
    """One delivery round over the rows due at ``clock.now()``."""
    policy = policy or DeliveryPolicy()
    report = DeliveryReport()
    now = as_utc(clock.now())
    for row_id in _claim(engine, now, policy, batch):
        with Session(engine) as s:
            msg = s.get(OutboxMessage, row_id)
            assert msg is not None
            s.expunge(msg)
        with rlog.bound(case_id=msg.case_id, actor="system:notify"):
            channel = channels.get(msg.channel)
            error: str | None = None
            if channel is None:
                error = f"channel {msg.channel!r} is not configured"
            else:
                try:
                    channel.send(msg, as_utc(clock.now()))
                except DeliveryError as exc:
                    error = str(exc)
                except Exception as exc:  # a defect of the channel: a failed try, not a crash
                    error = f"{type(exc).__name__}: {exc}"
                    log.exception("notify.channel_error", outbox_id=row_id, channel=msg.channel)
            done_at = as_utc(clock.now())
            with Session(engine) as s, s.begin():
                row = s.get(OutboxMessage, row_id)
                assert row is not None
                if error is None:
                    row.status, row.delivered_at, row.last_error = "delivered", done_at, None
                    report.delivered.append(row_id)
                    log.info("notify.delivered", outbox_id=row_id, channel=msg.channel)
                elif row.attempts >= policy.max_attempts:
                    row.status, row.last_error = "dead", error
                    report.dead.append(row_id)
                    log.error("notify.dead", outbox_id=row_id, channel=msg.channel, error=error)
                else:
                    row.next_attempt_at = done_at + policy.delay(row.attempts)
                    row.last_error = error
                    report.retrying.append(row_id)
                    log.warning("notify.retry", outbox_id=row_id, attempts=row.attempts,
                                error=error)
    return report


def requeue_dead_letters(engine: Engine, ids: Sequence[int] | None, now: datetime) -> list[int]:
    """Send dead letters again (an operator's decision, e.g. after the receiver is fixed):
    the rows ``ids`` — or every dead row when ``ids`` is None — go back to ``pending`` with a
    fresh count of attempts, due at ``now``; their last error stays until the next try.  All
    or nothing: an id that is not a dead letter (pending, delivered, unknown) is refused by
    name and no row changes.  The events the rows announce are not touched.  Returns the ids
    requeued."""
    tbl = OUTBOX
    with engine.begin() as conn:
        if ids is not None:
            status = {int(i): str(st) for i, st in conn.execute(
                select(tbl.c.id, tbl.c.status).where(tbl.c.id.in_(list(ids)))
            )}
            wrong = [f"#{i} ({status.get(i, 'unknown')})" for i in sorted(set(ids))
                     if status.get(i) != "dead"]
            if wrong:
                raise InvalidInput.of(
                    MSG_OUTBOX_NOT_DEAD,
                    value=', '.join(wrong),
                )
        q = update(tbl).where(tbl.c.status == "dead")
        if ids is not None:
            q = q.where(tbl.c.id.in_(list(ids)))
        rows = conn.execute(
            q.values(status="pending", attempts=0, next_attempt_at=as_utc(now))
            .returning(tbl.c.id)
        ).scalars()
        done = sorted(int(i) for i in rows)
    log.info("notify.requeued", outbox_ids=done)
    return done


def outbox_counts(engine: Engine) -> dict[str, int]:
    """Rows per status (for the operator's view)."""
    from sqlalchemy import func

    tbl = OUTBOX
    with engine.connect() as conn:
        rows = conn.execute(
            select(tbl.c.status, func.count()).group_by(tbl.c.status)
        ).all()
    return {str(status): int(n) for status, n in rows}
