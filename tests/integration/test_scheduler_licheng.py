"""Time-travel tests of the sweep on a real Licheng case (SQLite and PostgreSQL).

A case determined on 2025-09-28 owes the notice of Licheng art. 17 ("决定作出后，应当于7日内
告知"): 7 calendar days → 2025-10-05, inside the National Day block (1–8 October 2025, 国办发明电
〔2024〕12号), so the period ends on the next working day, 2025-10-09 (Civil Code art. 203).
Reminders 3 and 1 working days before due and the escalation ladder (rung 1 at overdue to the
body's head, rung 2 three working days later to the district government — the reporting line
of art. 19) are the definition's policy parameters.  Hand count:

* reminder:3 → the 3rd working day before 10-09: 09-30, 09-29, 09-28 (an adjusted working
  Sunday) → 00:00 CST 09-28;  reminder:1 → 00:00 CST 09-30;
* overdue and escalation:1 → 24:00 CST 10-09;
* escalation:2 → 3 working days after 10-09: 10-10, 10-11 (adjusted working Saturday), 10-13
  → 24:00 CST 10-13.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from rongcuo.adapters.db import tables as t
from rongcuo.adapters.notify import DeliveryPolicy, Recipient, WebhookChannel, deliver_due
from rongcuo.adapters.notify.outbox import OutboxMessage
from rongcuo.bootstrap import App
from rongcuo.clock import CST, FixedClock
from rongcuo.clock import parse_cst as cst
from rongcuo.scheduler.sweep import Sweeper
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, OpenCase
from tests.support.walks import SUPERVISOR as ACTOR
from tests.support.walks import licheng_to_determined

RECIPIENTS = {
    "default": [Recipient("email", "supervision@example.gov.cn")],
    "负责人": [Recipient("email", "head@example.gov.cn")],
    "区政府": [Recipient("email", "office@example.gov.cn"), Recipient("webhook", "http://x/h")],
}



@pytest.fixture
def clock_start() -> datetime:
    return cst("2025-09-28T10:00")


def sweep_at(app: App, clock: FixedClock, when: str) -> list[tuple[str, str]]:
    now = cst(when)
    clock.set(now)
    res = Sweeper(app, RECIPIENTS).sweep(now)
    assert res.skipped == []
    return [(n.timer, n.notice) for n in res.notices]


def events(app: App, case_id: str) -> list[tuple[str, str, str]]:
    return [(e.type, e.on.isoformat(), str(e.data.get("notice", ""))) for e in
            app.store.case_events(case_id)]


def test_licheng_notice_reminded_marked_overdue_and_escalated_around_national_day(
    app: App, clock: FixedClock
) -> None:
    """Licheng art. 17 (7-day notice) with the art. 19 reporting line as the top rung: each
    reminder, the overdue mark and each rung is recorded on the first sweep after it falls
    due — never during the National Day block, when the period has not yet ended."""
    cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    (notice,) = [d for d in app.store.deadlines(case_id=cid) if d.timer == "notice"]
    assert notice.due == date(2025, 10, 9)

    assert sweep_at(app, clock, "2025-09-28T12:00") == [("notice", "reminder:3")]
    assert sweep_at(app, clock, "2025-09-29T23:59") == []
    assert sweep_at(app, clock, "2025-09-30T00:01") == [("notice", "reminder:1")]
    assert sweep_at(app, clock, "2025-10-05T09:00") == []  # the 7th day is a holiday
    assert sweep_at(app, clock, "2025-10-09T23:59") == []  # rolled-over last day not yet over
    assert sweep_at(app, clock, "2025-10-10T00:01") == [
        ("notice", "overdue"), ("notice", "escalation:1")
    ]
    assert sweep_at(app, clock, "2025-10-13T23:59") == []
    assert sweep_at(app, clock, "2025-10-14T00:01") == [("notice", "escalation:2")]
    assert sweep_at(app, clock, "2025-11-30T00:00") == []

    swept = [e for e in events(app, cid) if e[0] in
             ("ReminderRecorded", "DeadlineOverdue", "DeadlineEscalated")]
    assert swept == [
        ("ReminderRecorded", "2025-09-28", "reminder:3"),
        ("ReminderRecorded", "2025-09-30", "reminder:1"),
        ("DeadlineOverdue", "2025-10-10", "overdue"),
        ("DeadlineEscalated", "2025-10-10", "escalation:1"),
        ("DeadlineEscalated", "2025-10-14", "escalation:2"),
    ]
    rungs = {e.data["notice"]: e.data["to"] for e in app.store.case_events(cid)
             if e.type == "DeadlineEscalated"}
    assert rungs == {"escalation:1": "负责人", "escalation:2": "区政府"}
    (row,) = [d for d in app.store.deadlines(case_id=cid) if d.timer == "notice"]
    assert (row.status, row.next_notice, row.next_notice_at) == ("overdue", None, None)


def test_every_swept_event_has_its_outbox_rows_in_the_same_commit(
    app: App, clock: FixedClock
) -> None:
    """Who was told what and when: each notice event has one outbox row per recipient of its
    role, pointing at the event's seq (the rung to 区政府, Licheng art. 19, goes to two)."""
    cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    sweep_at(app, clock, "2025-10-14T00:01")  # everything owed at once, after an outage
    evs = {e.seq: e for e in app.store.case_events(cid) if e.trigger == "notice"}
    with app.store.read() as conn:
        rows = conn.execute(
            sa.select(OutboxMessage.__table__).order_by(OutboxMessage.__table__.c.id)  # type: ignore[attr-defined]
        ).mappings().all()
    by_notice = {(r["payload"]["notice"], r["target"]) for r in rows}
    # the deadline had passed: its "N working days before" reminders are no longer true and
    # are skipped, not sent (issue 15); what is still true is recorded
    assert by_notice == {
        ("overdue", "supervision@example.gov.cn"),
        ("escalation:1", "head@example.gov.cn"),
        ("escalation:2", "office@example.gov.cn"),
        ("escalation:2", "http://x/h"),
    }
    for r in rows:
        assert evs[r["event_seq"]].data["notice"] == r["payload"]["notice"]
    # caught up after an outage: each notice is dated the day the sweep recorded it
    assert {e.on for e in evs.values()} == {date(2025, 10, 14)}


def test_a_repeated_sweep_records_nothing_twice(app: App, clock: FixedClock) -> None:
    """Exactly once (issue 5): sweeping again at the same instant, or later, adds no event and
    no message for a notice already recorded (Licheng art. 17 notice period)."""
    cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    first = sweep_at(app, clock, "2025-10-10T00:01")
    assert len(first) == 2  # overdue and the first rung; the stale reminders are skipped
    n_events = len(app.store.case_events(cid))
    n_rows = app.store.count(OutboxMessage.__table__)  # type: ignore[arg-type]
    assert sweep_at(app, clock, "2025-10-10T00:01") == []
    assert sweep_at(app, clock, "2025-10-10T08:00") == []
    assert len(app.store.case_events(cid)) == n_events
    assert app.store.count(OutboxMessage.__table__) == n_rows  # type: ignore[arg-type]


def test_a_paused_investigation_is_never_reminded_or_escalated(
    app: App, clock: FixedClock
) -> None:
    """Licheng art. 16: appraisal time is not counted — while the clock is paused the
    investigation period owes no reminder, no overdue mark and no rung, however late."""
    clock.set(cst("2025-09-02T10:00"))
    res = handlers.open_case(app, OpenCase(
        workflow_id="licheng", subject="甲", agency="区城管局",
                             on=date(2025, 9, 1), actor=ACTOR, data={"matter": "强制拆除"}))
    cid = res.case_id
    for trig, data in [("file", {}), ("assign_investigator", {"investigator": "张三"}),
                       ("assign_investigator", {"investigator": "李四"}),
                       ("start_verification", {}), ("pause_clock", {})]:
        handlers.fire(app, FireStep(cid, trig, on=date(2025, 9, 2), actor=ACTOR, data=data))
    (inv,) = [d for d in app.store.deadlines(case_id=cid) if d.timer == "investigation"]
    assert (inv.status, inv.next_notice_at) == ("paused", None)
    assert sweep_at(app, clock, "2025-12-31T12:00") == []
    assert not any(e[0] in ("ReminderRecorded", "DeadlineOverdue") for e in events(app, cid))


def test_an_extended_investigation_is_replanned_not_marked_overdue(
    app: App, clock: FixedClock
) -> None:
    """Licheng art. 17: an approved extension (≤ 30 days) moves the due date, so the sweep
    re-plans: no overdue mark on the first sweep after the original 30th day."""
    clock.set(cst("2025-09-20T10:00"))
    res = handlers.open_case(app, OpenCase(
        workflow_id="licheng", subject="乙", agency="区生态环境分局",
                             on=date(2025, 9, 1), actor=ACTOR, data={"matter": "查封"}))
    cid = res.case_id
    for trig, data in [("file", {}), ("assign_investigator", {"investigator": "张三"}),
                       ("assign_investigator", {"investigator": "李四"}),
                       ("start_verification", {})]:
        handlers.fire(app, FireStep(cid, trig, on=date(2025, 9, 1), actor=ACTOR, data=data))
    (before,) = [d for d in app.store.deadlines(case_id=cid) if d.timer == "investigation"]
    assert before.due == date(2025, 10, 9)  # 10-01 is in the National Day block
    handlers.fire(app, FireStep(cid, "extend_investigation", on=date(2025, 9, 20), actor=ACTOR,
                  data={"days": "20", "approved_by": "监督机构负责人"}))
    (after,) = [d for d in app.store.deadlines(case_id=cid) if d.timer == "investigation"]
    assert after.due is not None and after.due > before.due
    assert sweep_at(app, clock, "2025-10-10T00:01") == []
    overdue_at = datetime.combine(after.due + timedelta(days=1), datetime.min.time(), CST)
    # swept only after the new due date: the stale reminders are skipped (issue 15)
    assert sweep_at(app, clock, (overdue_at + timedelta(minutes=1)).isoformat()[:16]) == [
        ("investigation", "overdue"), ("investigation", "escalation:1"),
    ]


def test_an_untimely_application_lapses_when_the_filing_period_expires(
    app: App, clock: FixedClock
) -> None:
    """Banan art. 16 (5 working days, borrowed by the Licheng definition): an application not
    filed in time closes as `lapsed` through the engine's `lapse` trigger and its guard — the
    same path a person would take — on the first sweep after the period ends."""
    clock.set(cst("2025-09-26T10:00"))
    res = handlers.open_case(app, OpenCase(
        workflow_id="licheng", subject="丙", agency="区市场监管局",
                             on=date(2025, 9, 26), actor=ACTOR, data={"matter": "罚款"}))
    cid = res.case_id
    (filing,) = app.store.deadlines(case_id=cid)
    # 5 working days from Friday 09-26: 09-28 (adjusted Sunday), 29, 30, 10-09, 10-10
    assert filing.due == date(2025, 10, 10)
    assert sweep_at(app, clock, "2025-10-10T23:59") == []  # the 5th working day is not over
    clock.set(cst("2025-10-11T00:05"))
    res2 = Sweeper(app, RECIPIENTS).sweep(cst("2025-10-11T00:05"))
    assert [(n.timer, n.notice, n.event_type) for n in res2.notices][-1] == (
        "filing", "overdue", "CaseLapsed"
    )
    case = app.store.load_case(cid)
    assert (case.state.state, case.state.closed) == ("lapsed", True)
    assert sweep_at(app, clock, "2025-10-20T00:00") == []


def test_banan_proposal_window_lapses_on_the_first_sweep_after_it_closes(
    app: App, clock: FixedClock
) -> None:
    """Banan art. 16: a tolerance proposal (容错建议) is made within 5 working days after the
    accountability procedure starts.  The definition declares the window `kind: window` with
    `on_expiry: {fire: lapse}`: a window reminds nobody, but when it closes unused the first
    sweep after 24:00 CST of its last day fires `lapse` — no reminder, no rung before."""
    clock.set(cst("2025-09-26T10:00"))
    res = handlers.open_case(app, OpenCase(
        workflow_id="banan", subject="丁", agency="巴南区生态环境局",
                             on=date(2025, 9, 26), actor=ACTOR, data={"matter": "环评审批"}))
    cid = res.case_id
    (window,) = app.store.deadlines(case_id=cid)
    # 5 working days from Friday 09-26: 09-28 (adjusted Sunday), 29, 30, 10-09, 10-10
    assert (window.due, window.next_notice) == (date(2025, 10, 10), "overdue")
    assert window.next_notice_at == datetime(2025, 10, 11, tzinfo=CST)
    assert sweep_at(app, clock, "2025-10-10T23:59") == []
    clock.set(cst("2025-10-11T00:00"))
    res2 = Sweeper(app, RECIPIENTS).sweep(cst("2025-10-11T00:00"))
    assert [(n.timer, n.event_type) for n in res2.notices] == [("filing", "ProposalLapsed")]
    case = app.store.load_case(cid)
    assert (case.state.state, case.state.closed) == ("lapsed", True)
    assert sweep_at(app, clock, "2025-10-20T00:00") == []


def test_a_banan_case_the_party_group_started_does_not_lapse(
    app: App, clock: FixedClock
) -> None:
    """Banan art. 16: a procedure the bureau's party group (局党组) started considers
    tolerance itself, so it has no proposal window at all (version 3): the sweep has nothing
    to mark, nothing lapses, and the case stays open for its decision."""
    from rongcuo.entrypoints.cli.render import show_text
    from rongcuo.service.queries import case_view

    clock.set(cst("2025-09-26T10:00"))
    cid = handlers.open_case(app, OpenCase(
        workflow_id="banan", subject="己", agency="巴南区生态环境局",
                             on=date(2025, 9, 26), actor=ACTOR,
                             data={"matter": "环评审批", "started_by": "局党组"})).case_id
    assert app.store.deadlines(case_id=cid) == []
    clock.set(cst("2025-10-11T00:00"))
    res = Sweeper(app, RECIPIENTS).sweep(cst("2025-10-11T00:00"))
    assert res.notices == []
    case = app.store.load_case(cid)
    assert (case.state.state, case.state.closed) == ("received", False)
    shown = show_text(case_view(app, case.id))
    assert "容错建议提出期限" not in shown and "apply" not in shown.split("当前可以进行的操作")[-1]
    assert sweep_at(app, clock, "2025-10-20T00:00") == []


def test_a_banan_proposal_made_in_time_owes_no_lapse(app: App, clock: FixedClock) -> None:
    """The same window used in time (art. 16): the timer stops, nothing is owed any more."""
    clock.set(cst("2025-09-26T10:00"))
    cid = handlers.open_case(app, OpenCase(
        workflow_id="banan", subject="戊", agency="巴南区生态环境局",
        on=date(2025, 9, 26), actor=ACTOR, data={"matter": "环评审批"})).case_id
    clock.set(cst("2025-10-10T10:00"))
    handlers.fire(app, FireStep(cid, "apply", on=date(2025, 10, 10), actor=ACTOR,
                  data={"applicant": "本人", "evidence": "情况说明及证明材料"}))
    (window,) = app.store.deadlines(case_id=cid)
    assert window.next_notice is None
    assert sweep_at(app, clock, "2025-10-20T00:00") == []
    assert app.store.load_case(cid).state.state != "lapsed"


def test_failed_delivery_never_undoes_or_repeats_the_recorded_escalation(
    app: App, clock: FixedClock
) -> None:
    """The rung to 区政府 (Licheng art. 19 reporting line) stays recorded once even when its
    webhook is dead-lettered; later sweeps record nothing again."""
    cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    sweep_at(app, clock, "2025-10-14T00:01")
    before = events(app, cid)
    policy = DeliveryPolicy(max_attempts=2, base_delay=timedelta(seconds=1))
    for _ in range(4):  # http://x/h cannot be resolved: every try fails
        deliver_due(app.store.engine, {"webhook": WebhookChannel(b"k", timeout=1)}, clock,
                    policy)
        clock.advance(minutes=5)
    with app.store.read() as conn:
        status = conn.execute(
            sa.select(OutboxMessage.__table__.c.status)  # type: ignore[attr-defined]
            .where(OutboxMessage.__table__.c.channel == "webhook")  # type: ignore[attr-defined]
        ).scalar_one()
    assert status == "dead"
    assert sweep_at(app, clock, "2025-10-15T00:01") == []
    assert events(app, cid) == before
    with app.store.read() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(t.events).where(
            t.events.c.case_id == cid, t.events.c.type == "DeadlineEscalated")).scalar_one()
    assert n == 2


def test_a_stale_row_is_replanned_without_an_event_and_reported_in_utc(
    app: App, clock: FixedClock
) -> None:
    """A deadline row claiming a notice the case does not owe yet (here: its instant moved
    back by hand) is corrected from the engine's projection, with no event; the result names
    the case by id and number and gives the instant in UTC like ``now`` and ``due_at``."""
    clock.set(cst("2025-09-28T10:00"))
    cid = licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    assert sweep_at(app, clock, "2025-09-28T13:00") == [("notice", "reminder:3")]
    (before,) = [d for d in app.store.deadlines(case_id=cid) if d.timer == "notice"]
    assert before.next_notice == "reminder:1" and before.next_notice_at is not None
    with app.store.write() as conn:
        conn.execute(sa.update(t.deadlines)
                     .where(t.deadlines.c.case_id == cid, t.deadlines.c.timer == "notice")
                     .values(next_notice_at=cst("2025-09-28T14:00").astimezone(UTC)))
    events_before = len(app.store.case_events(cid))
    clock.set(cst("2025-09-28T15:00"))
    res = Sweeper(app, RECIPIENTS).sweep(cst("2025-09-28T15:00"))
    assert res.claimed == 1
    assert res.notices == [] and len(app.store.case_events(cid)) == events_before
    (entry,) = res.to_dict()["replanned"]
    number = app.store.load_case(cid).number
    assert (entry["case_id"], entry["number"], entry["replanned"]) == (cid, number, True)
    (planned,) = [d for d in entry["deadlines"] if d["timer"] == "notice"]
    assert planned["next_notice_at"] == before.next_notice_at.astimezone(UTC).isoformat()
    assert planned["next_notice_at"].endswith("+00:00")
    (after,) = [d for d in app.store.deadlines(case_id=cid) if d.timer == "notice"]
    assert after.next_notice_at == before.next_notice_at
