"""The obligation sweep: open the periods every body owes, record each notice owed once.

Like the case sweep (:mod:`rongcuo.scheduler.sweep`), through one unit of work per batch:

1. every body of the registry, for every obligation its kinds owe, gets a period row for each
   period up to today (the catalogue decides which, :func:`rongcuo.domain.obligations.
   owed_periods`) — so a body that never reports, and never opened anything, is caught;
2. rows whose next notice is due at ``now`` are claimed (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL), with the new rows already due;
3. the domain decides what each owes (reminders, the overdue mark, escalation rungs — each
   once, oldest first), the notice rows and the rows' new standing are written, the outbox
   rows announcing them staged in the same transaction, and the batch commits once.

Exactly once: a notice already recorded is never planned again, and the unique key
``(period_id, notice)`` refuses a racing sweeper's duplicate (its batch rolls back as a
conflict and the next sweep finds the notice recorded).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rongcuo import logging as rlog
from rongcuo.adapters.notify.outbox import OutboxDraft, Recipient, as_utc
from rongcuo.adapters.supervision import obligations as rows
from rongcuo.domain.legal_time import cst_date
from rongcuo.domain.obligations import (
    Body,
    Obligation,
    ObligationCatalogue,
    owed_notices,
    owed_periods,
    standing,
)
from rongcuo.service.context import App
from rongcuo.service.errors import ConcurrencyConflict
from rongcuo.service.supervision.obligations import fulfilments, new_row, step_types

ACTOR = "system:scheduler"
log = rlog.get_logger("rongcuo.obligations")


@dataclass
class ObligationSweep:
    """What one sweep did."""

    now: str
    opened: int = 0
    claimed: int = 0
    notices: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"now": self.now, "opened": self.opened, "claimed": self.claimed,
                "recorded": len(self.notices), "notices": self.notices}


def _to(ob: Obligation, notice: str) -> str:
    if notice.startswith("escalation:"):
        return ob.escalation[int(notice.split(":", 1)[1]) - 1].to
    return ob.to


def _subject(body: Body, ob: Obligation, row: rows.PeriodRow, notice: str, total: int,
             to: str) -> str:
    head = f"{body.name}：{ob.title_zh}（{row.period_key}）"
    kind, _, n = notice.partition(":")
    if kind == "reminder":
        return f"{head}到期前{n}日提醒，期限 {row.due.isoformat()}"
    if kind == "overdue":
        return f"{head}已逾期，期限 {row.due.isoformat()}，已完成 {total}/{ob.min}"
    return f"{head}逾期未完成，升级（第{n}级）：报{to}"


def _plan(ob: Obligation, body: Body, row: rows.PeriodRow, got: Sequence[Any],
          recorded: set[str], now: datetime, shown: list[dict[str, Any]],
          notices: list[dict[str, Any]], drafts: list[OutboxDraft]) -> rows.PeriodRow:
    """The notices ``row`` owes at ``now`` (appended), and the row as it then stands."""
    due_now, nxt = owed_notices(ob, row.due, got, recorded, now)
    st = standing(ob, row.due, got, now)
    on = cst_date(now)
    for notice, at in due_now:
        to = _to(ob, notice)
        article = ob.overdue_article if notice != "reminder" and not notice.startswith(
            "reminder:") else ob.article
        data = {"obligation": ob.id, "title_zh": ob.title_zh, "unit_id": body.unit_id,
                "body": body.name, "period": row.period_key, "due": row.due.isoformat(),
                "provisional": row.provisional, "status": st.status, "on_time": st.on_time,
                "total": st.total, "min": ob.min, "swept_at": now.isoformat()}
        notices.append({"period_id": row.id, "notice": notice, "on": on, "due_at": at,
                        "to": to, "article": article, "data": data, "recorded_at": now})
        text = _subject(body, ob, row, notice, st.total, to)
        drafts.append(OutboxDraft(case_id=row.id, kind=notice.split(":", 1)[0], key=notice,
                                  subject=text, payload={**data, "notice": notice, "to": to,
                                                         "article": article, "text": text},
                                  role=to))
        shown.append({"period_id": row.id, "obligation": ob.id,
                               "unit_id": body.unit_id, "period": row.period_key,
                               "notice": notice, "due": row.due.isoformat(),
                               "due_at": as_utc(at).isoformat(), "to": to, "text": text})
    return row.moved(st.status, nxt[0] if nxt else None, nxt[1] if nxt else None)


def sweep_obligations(app: App, cat: ObligationCatalogue, now: datetime,
                      recipients: Mapping[str, Sequence[Recipient]] | None = None, *,
                      batch_size: int = 500) -> ObligationSweep:
    """One sweep at ``now`` (aware): see the module docstring."""
    now = as_utc(now)
    result = ObligationSweep(now=now.isoformat())
    first = True
    while True:
        try:
            claimed = _batch(app, cat, now, dict(recipients or {}), batch_size, first, result)
        except ConcurrencyConflict:
            # another sweeper recorded the same notice or opened the same period first
            # (unique keys): nothing of this batch was written; the next sweep finds theirs
            log.info("obligations.conflict")
            break
        first = False
        if claimed < batch_size:
            break
    log.info("obligations.swept", opened=result.opened, claimed=result.claimed,
             recorded=len(result.notices))
    return result


def _batch(app: App, cat: ObligationCatalogue, now: datetime,
           recipients: Mapping[str, Sequence[Recipient]], size: int, materialise: bool,
           result: ObligationSweep) -> int:
    with app.unit_of_work() as uow:
        conn = uow.conn
        bodies = {b.unit_id: b for b in rows.load_bodies(conn)}
        settings = rows.load_settings(conn)
        got = fulfilments(conn, cat, list(bodies.values()), settings, step_types(app))
        new: list[rows.PeriodRow] = []
        if materialise:
            existing = rows.period_keys(conn)
            for ob in cat.obligations:
                for b in bodies.values():
                    for p, due in owed_periods(ob, b, cst_date(now), app.calendar, settings):
                        if (ob.id, b.unit_id, p.key) not in existing:
                            new.append(new_row(ob, b.unit_id, p, due.due, due.provisional,
                                               due.basis, got.get((ob.id, b.unit_id, p.key),
                                                                  []), now))
        claimed = rows.claim_due(conn, now, size)
        recorded = rows.recorded_notices(conn, [r.id for r in claimed])
        notices: list[dict[str, Any]] = []
        shown: list[dict[str, Any]] = []
        drafts: list[OutboxDraft] = []
        moved: dict[str, rows.PeriodRow] = {}
        due_new = [r for r in new if r.next_notice_at is not None and r.next_notice_at <= now]
        for r in [*claimed, *due_new]:
            found = cat.get(r.obligation)
            body = bodies.get(r.unit_id)
            if found is None or body is None:  # an obligation no longer in the catalogue
                moved[r.id] = r.moved(r.status, None, None)
                continue
            moved[r.id] = _plan(found, body, r, got.get((r.obligation, r.unit_id, r.period_key),
                                                     []), recorded.get(r.id, set()), now,
                                shown, notices, drafts)
        inserts = [moved.get(r.id, r) for r in new]
        updates = [moved[r.id] for r in claimed]
        at = app.clock.now()

        def write(c: Any, _r: Any) -> None:
            rows.insert_periods(c, inserts, at)
            rows.update_periods(c, updates, at)
            rows.insert_notices(c, notices)

        uow.after_write(write)
        if drafts:
            uow.enqueue(drafts, recipients, now)
        uow.commit()
    result.notices.extend(shown)  # only what was committed
    result.opened += len(new)
    result.claimed += len(claimed)
    return len(claimed)
