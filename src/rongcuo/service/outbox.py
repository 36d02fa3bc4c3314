"""The notification outbox as the service layer offers it: deliver, look, send again.

Messages are written with the events they announce, in the same unit of work
(:mod:`rongcuo.service.unit_of_work`); delivering them happens after commit, here, so a failed
delivery can never undo or repeat a recorded event (:mod:`rongcuo.adapters.notify`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.notify.outbox import OutboxMessage
from rongcuo.adapters.notify.worker import (
    DeliveryPolicy,
    DeliveryReport,
    deliver_due,
    outbox_counts,
    requeue_dead_letters,
)
from rongcuo.service.context import App

__all__ = ["DeliveryReport", "deliver", "outbox_report", "requeue"]


def deliver(app: App, channels: Mapping[str, Any], policy: DeliveryPolicy) -> DeliveryReport:
    """One delivery round over the pending messages."""
    return deliver_due(app.store.engine, channels, app.clock, policy)


def requeue(app: App, ids: Sequence[int] | None) -> list[int]:
    """Put dead letters (``ids``, or every one when None) back to pending, fresh attempts;
    the recorded events are not touched."""
    return requeue_dead_letters(app.store.engine, ids, app.clock.now())


def outbox_report(app: App) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """The outbox by status, and the dead letters with their last error."""
    counts = outbox_counts(app.store.engine)
    tbl = OutboxMessage.__table__  # type: ignore[attr-defined]
    with app.store.read() as conn:
        dead = [
            dict(r)
            for r in conn.execute(
                sa.select(tbl.c.id, tbl.c.case_id, tbl.c.channel, tbl.c.target,
                          tbl.c.subject, tbl.c.attempts, tbl.c.last_error)
                .where(tbl.c.status == "dead")
                .order_by(tbl.c.id)
            ).mappings()
        ]
    return counts, dead
