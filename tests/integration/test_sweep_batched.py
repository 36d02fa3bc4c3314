"""The sweep's batched write (``Store.append_many_in``): same rows as the per-case path, and a
case whose version moved is skipped — never overwritten — while the rest of the batch is
recorded.

Deadline: the Licheng art. 17 notice period (decided 2025-09-28, due 2025-10-09 after the
National Day block, Civil Code art. 203); overdue at 00:00 CST on 2025-10-10.
"""

from __future__ import annotations

from datetime import date, datetime
from types import MappingProxyType
from typing import Any

import pytest
import sqlalchemy as sa

from rongcuo.adapters.db import tables as t
from rongcuo.adapters.db.codec import jsonable
from rongcuo.bootstrap import App
from rongcuo.clock import CST, FixedClock
from rongcuo.scheduler import sweep as sweep_mod
from rongcuo.scheduler.sweep import Sweeper
from tests.support.walks import licheng_to_determined

AT = datetime(2025, 10, 10, 0, 5, tzinfo=CST)


@pytest.fixture
def clock_start() -> datetime:
    return datetime(2025, 9, 28, 12, tzinfo=CST)


def overdue(app: App, cid: str) -> int:
    return sum(1 for e in app.store.case_events(cid) if e.data.get("notice") == "overdue")


def test_a_case_whose_version_moved_is_skipped_and_the_rest_of_the_batch_recorded(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28),
                                 subject=f"对象{i}") for i in range(3)]
    Sweeper(app).sweep(datetime(2025, 9, 30, 0, 1, tzinfo=CST))
    stale = ids[1]
    real = sweep_mod.Sweeper._one_case

    def racing(self: Sweeper, uow: Any, case: Any, *args: Any) -> Any:
        plan = real(self, uow, case, *args)
        if case.id == stale:  # another writer commits between our read and our write
            uow.conn.execute(sa.text("UPDATE cases SET version = version + 1 WHERE id = :i"),
                             {"i": stale})
        return plan

    monkeypatch.setattr(sweep_mod.Sweeper, "_one_case", racing)
    res = Sweeper(app).sweep(AT)
    assert [s["case_id"] for s in res.skipped] == [stale]
    assert res.skipped[0]["reason"] == "conflict: left for the next sweep"
    assert sorted({n.case_id for n in res.notices}) == sorted([ids[0], ids[2]])
    assert (overdue(app, ids[0]), overdue(app, stale), overdue(app, ids[2])) == (1, 0, 1)
    monkeypatch.setattr(sweep_mod.Sweeper, "_one_case", real)
    again = Sweeper(app).sweep(AT)
    assert {n.case_id for n in again.notices} == {stale}
    assert [overdue(app, c) for c in ids] == [1, 1, 1]
    app.store.load_case(stale)  # the chain continued from the version the racer left


def updated_at(app: App, cid: str) -> dict[str, Any]:
    with app.store.read() as conn:
        rows = conn.execute(sa.select(t.deadlines.c.timer, t.deadlines.c.updated_at)
                            .where(t.deadlines.c.case_id == cid))
        return {r[0]: r[1] for r in rows}


def instant(d: dict[str, Any]) -> dict[str, Any]:
    """A deadline's JSON with ``next_notice_at`` as an instant (rows hold it in UTC)."""
    at = d["next_notice_at"]
    return {**d, "next_notice_at": datetime.fromisoformat(at) if at else None}


def test_the_sweep_writes_only_the_deadline_rows_that_moved_and_they_match_a_full_projection(
    app: App,
) -> None:
    cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    Sweeper(app).sweep(datetime(2025, 9, 30, 0, 1, tzinfo=CST))
    before = updated_at(app, cid)
    assert set(before) == {"filing", "investigation", "notice"}
    app.clock = FixedClock(AT)  # the sweep stamps rows with the app clock
    res = Sweeper(app).sweep(AT)
    assert [n.notice for n in res.notices] == ["overdue", "escalation:1"]
    after = updated_at(app, cid)
    # the met timers' rows are not rewritten; the notice period's row is (narrowly)
    assert after["filing"] == before["filing"]
    assert after["investigation"] == before["investigation"]
    assert after["notice"] != before["notice"]
    # ... and every row is what a whole rewrite from the stored state would hold
    case = app.store.load_case(cid)
    engine = app.engine_for(case.workflow_id, case.workflow_version)
    projected = {d.timer: instant(d.to_dict()) for d in engine.deadlines(case.state)}
    stored = {r.timer: instant(r.to_dict()) for r in app.store.deadlines(case_id=cid)}
    assert stored == projected
    assert stored["notice"]["status"] == "overdue"
    assert stored["notice"]["next_notice"] == "escalation:2"
    assert stored["notice"]["due"] == "2025-10-09"


def test_bulk_loaded_events_and_outbox_rows_keep_their_order_and_verify(app: App) -> None:
    """On PostgreSQL the batch's events and outbox rows go in by ``COPY``: the events must
    still take ids in their chain order (seq), verify (``audit verify``: chain, seq, replay)
    and the outbox rows hold the JSON payload and the event they announce."""
    from rongcuo.adapters.notify.outbox import OutboxMessage, Recipient
    from rongcuo.audit.api import verify

    ids = [licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28),
                                 subject=f"甲{i}") for i in range(3)]
    app.clock = FixedClock(AT)
    hook = {"default": [Recipient("webhook", "http://127.0.0.1:9/x")]}
    res = Sweeper(app, hook, batch_size=2).sweep(AT)
    # overdue and the first rung (the reminders, no longer true after the due date, are
    # skipped: issue 15): two each, three cases, in batches of 2 and 1
    assert len(res.notices) == 6
    with app.store.read() as conn:
        ev = conn.execute(sa.select(t.events.c.case_id, t.events.c.seq, t.events.c.type)
                          .order_by(t.events.c.id)).all()
        box = OutboxMessage.__table__  # type: ignore[attr-defined]
        out = conn.execute(sa.select(box.c.case_id, box.c.event_seq, box.c.payload)
                           .order_by(box.c.id)).all()
    for cid in ids:
        seqs = [r.seq for r in ev if r.case_id == cid]
        assert seqs == sorted(seqs) == list(range(1, len(seqs) + 1))
        assert [r.type for r in ev if r.case_id == cid][-2:] == [
            "DeadlineOverdue", "DeadlineEscalated"]
    assert len(out) == 6
    assert {(r.case_id, r.event_seq) for r in out} == {(n.case_id, n.event_seq)
                                                       for n in res.notices}
    assert all(r.payload["case_id"] == r.case_id for r in out)
    report = verify(app, drift=False)
    assert report.ok, [f.to_dict() for f in report.findings]
    assert report.cases == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"a": 1, 2: [date(2025, 10, 9), (True, None, 1.5)], "n": {"x": "y"}},
         {"a": 1, "2": ["2025-10-09", [True, None, 1.5]], "n": {"x": "y"}}),
        ([{"k": date(2025, 1, 1)}, "s", 0], [{"k": "2025-01-01"}, "s", 0]),
        (date(2025, 10, 9), "2025-10-09"),
        (datetime(2025, 10, 9, 16, tzinfo=CST), "2025-10-09T16:00:00+08:00"),
        ({True: 1, None: 2, 1.5: 3}, {"True": 1, "None": 2, "1.5": 3}),
        (MappingProxyType({"d": (date(2026, 2, 17),)}), {"d": ["2026-02-17"]}),
    ],
)
def test_json_columns_hold_iso_dates_string_keys_and_lists(value: Any, expected: Any) -> None:
    assert jsonable(value) == expected
