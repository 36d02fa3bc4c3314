"""Obligations of each body, swept like deadlines (蒲县评查制度第六条、第十三条; 蒲县统计制度第二条;
蒲县考核制度第五条第4项; 历城办法第十九条): time-travel over a year on both backends."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from rongcuo.adapters.supervision import tables as st
from rongcuo.bootstrap import App
from rongcuo.clock import CST, FixedClock
from rongcuo.definitions.obligation_files import body_kinds, load_obligations
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.obligations import DueRule, FulfilledBy, Obligation, ObligationCatalogue
from rongcuo.service.supervision.obligations import (
    NoteOccurrence,
    RecordFulfilment,
    RegisterBody,
    SetParameter,
    note_occurrence,
    record_fulfilment,
    register_body,
    set_parameter,
)
from rongcuo.service.supervision.status import obligation_status
from rongcuo.service.supervision.sweep import sweep_obligations
from tests.support.walks import walk_licheng

CAT = load_obligations()
# a per-occurrence obligation: the shipped assessment's 7 days are its case timer instead
OCCURRENCE = load_obligations(Path(__file__).resolve().parents[1] / "fixtures" / "obligations")
KINDS = list(body_kinds())
TEAM, BUREAU, AGENCY = "chengguan_team", "pu_justice", "pu_market"


@pytest.fixture
def clock_start() -> datetime:
    return datetime(2026, 1, 1, 9, tzinfo=CST)


def _cst(y: int, m: int, d: int, h: int = 0, minute: int = 0, s: int = 1) -> datetime:
    return datetime(y, m, d, h, minute, s, tzinfo=CST)


def _register(app: App, unit: str, name: str, *kinds: str, since: date = date(2026, 1, 1)
              ) -> None:
    register_body(app, CAT, RegisterBody(unit, name, kinds, since, "县司法局 张科长"), KINDS)


def _notices(app: App, obligation: str, unit: str) -> list[dict[str, Any]]:
    p, n = st.obligation_periods, st.obligation_notices
    q = (sa.select(n.c.notice, n.c.on, n.c.to, n.c.article, p.c.period_key, p.c.due)
         .select_from(n.join(p, p.c.id == n.c.period_id))
         .where(p.c.obligation == obligation, p.c.unit_id == unit).order_by(n.c.id))
    with app.store.read() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def _sweep_days(app: App, clock: FixedClock, first: date, last: date, step: int = 1,
                hour: int = 0, cat: ObligationCatalogue = CAT) -> int:
    recorded = 0
    d = first
    while d <= last:
        clock.set(_cst(d.year, d.month, d.day, hour))
        recorded += len(sweep_obligations(app, cat, clock.now()).notices)
        d += timedelta(days=step)
    return recorded


def test_a_team_with_three_internal_evaluations_is_marked_overdue_once(
        app: App, clock: FixedClock) -> None:
    """第六条 "各…综合行政执法队内部的行政执法案卷评查每年不少于四次": a team with three by 31
    December 2026 gets reminders 60 and 30 days before, its overdue mark once at 24:00 CST on
    31 December — however often the scheduler sweeps after — and the escalation to 县司法局 15
    days later, once.  The county bureau, which recorded nothing at all, is caught too."""
    _register(app, TEAM, "城关镇综合行政执法队", "enforcement_team")
    _register(app, BUREAU, "蒲县司法局", "county_justice_bureau")
    for on in ("2026-03-20", "2026-06-18", "2026-09-25"):
        clock.set(_cst(2026, 10, 1, 10))
        record_fulfilment(app, CAT, RecordFulfilment(TEAM, "pu.internal_evaluations",
                                                     date.fromisoformat(on), f"内部评查 {on}",
                                                     "城关镇执法队 李队长"))
    _sweep_days(app, clock, date(2026, 1, 1), date(2026, 10, 20), step=7)
    _sweep_days(app, clock, date(2026, 10, 21), date(2027, 1, 31))
    for hour in (0, 9, 18):  # sweeps again and again after the mark
        clock.set(_cst(2027, 1, 2, hour))
        sweep_obligations(app, CAT, clock.now())
    got = _notices(app, "pu.internal_evaluations", TEAM)
    assert [(n["notice"], n["on"], n["period_key"]) for n in got] == [
        ("reminder:60", date(2026, 11, 1), "2026"),
        ("reminder:30", date(2026, 12, 1), "2026"),
        ("overdue", date(2027, 1, 1), "2026"),
        ("escalation:1", date(2027, 1, 16), "2026"),
    ]
    assert got[2]["article"] == "蒲县评查制度第六条" and got[3]["to"] == "县司法局"
    bureau = [n["notice"] for n in _notices(app, "pu.county_evaluations", BUREAU)]
    assert bureau.count("overdue") == 1 and bureau.count("escalation:1") == 1
    lines = {(x.unit_id, x.obligation, x.period): x for x in
             obligation_status(app, CAT, date(2027, 1, 2))}
    line = lines[(TEAM, "pu.internal_evaluations", "2026")]
    assert (line.status, line.done, line.min) == ("overdue", 3, 4)


def test_a_team_with_four_evaluations_owes_nothing(app: App, clock: FixedClock) -> None:
    """Four internal evaluations by 30 September meet art. 6: no reminder, no overdue mark."""
    _register(app, TEAM, "城关镇综合行政执法队", "enforcement_team")
    for on in ("2026-02-10", "2026-05-12", "2026-08-11", "2026-09-30"):
        record_fulfilment(app, CAT, RecordFulfilment(TEAM, "pu.internal_evaluations",
                                                     date.fromisoformat(on), "内部评查", "李队长"))
    _sweep_days(app, clock, date(2026, 10, 1), date(2027, 1, 20), step=5)
    assert _notices(app, "pu.internal_evaluations", TEAM) == []


def test_the_annual_statistics_not_filed_by_31_january_is_overdue_on_1_february(
        app: App, clock: FixedClock) -> None:
    """统计制度第二条 "每年1月31日前公开上年度行政执法统计年报，上报县司法局备案": 31 January 2026
    is a Saturday and, under the declared reading (a named date does not roll over), the 2025
    report is overdue at 24:00 CST that day — not on 2 February.  A body that published on 30
    January but filed on 2 February: publishing met, filing overdue then met late; the overdue
    mark cites art. 4(1).  A body that did nothing is caught on both."""
    _register(app, AGENCY, "蒲县市场监督管理局", "enforcement_body")
    _register(app, "pu_town", "城关镇人民政府", "enforcement_body")
    clock.set(_cst(2026, 1, 30, 10))
    record_fulfilment(app, CAT, RecordFulfilment(AGENCY, "pu.statistics_published",
                                                 date(2026, 1, 30), "政府网站公开", "统计员"))
    clock.set(_cst(2026, 1, 31, 23, 59, 59))
    sweep_obligations(app, CAT, clock.now())
    assert [n["notice"] for n in _notices(app, "pu.statistics_filed", AGENCY)] == ["reminder:3"]
    clock.set(_cst(2026, 2, 1, 0, 0, 1))
    sweep_obligations(app, CAT, clock.now())
    filed = _notices(app, "pu.statistics_filed", AGENCY)
    assert [(n["notice"], n["period_key"], n["due"], n["article"]) for n in filed][-1] == (
        "overdue", "2025", date(2026, 1, 31), "蒲县统计制度第四条第（一）项")
    assert "overdue" not in [n["notice"] for n in _notices(app, "pu.statistics_published",
                                                            AGENCY)]
    for ob in ("pu.statistics_published", "pu.statistics_filed"):
        assert [n["notice"] for n in _notices(app, ob, "pu_town")][-1] == "overdue"
    clock.set(_cst(2026, 2, 2, 10))
    record_fulfilment(app, CAT, RecordFulfilment(AGENCY, "pu.statistics_filed",
                                                 date(2026, 2, 2), "县司法局收件", "统计员"))
    lines = {(x.unit_id, x.obligation, x.period): x.status
             for x in obligation_status(app, CAT, date(2026, 2, 2))}
    assert lines[(AGENCY, "pu.statistics_filed", "2025")] == "met_late"
    assert lines[(AGENCY, "pu.statistics_published", "2025")] == "met"


def test_the_assessment_report_is_due_seven_days_from_the_review(
        app: App, clock: FixedClock) -> None:
    """考核制度第五条第4项 "…报镇领导班子审核，并于7日内报县司法局备案": reviewed 2026-09-24, the
    seventh day (10-01) lies in 国庆 10-01–10-07, so the period ends on 2026-10-08 (民法典第二百零
    三条); the overdue mark falls at 24:00 CST that day, once."""
    _register(app, "pu_town", "城关镇人民政府", "township_government")
    clock.set(_cst(2026, 9, 24, 15))
    row = note_occurrence(app, OCCURRENCE, NoteOccurrence(
        "pu_town", "pu.assessment_report_filed", date(2026, 9, 24), "城关镇2026年第3次评议考核",
        "镇领导班子"))
    assert row.due == date(2026, 10, 8)
    _sweep_days(app, clock, date(2026, 10, 6), date(2026, 10, 12), hour=12, cat=OCCURRENCE)
    got = [(n["notice"], n["on"]) for n in _notices(app, "pu.assessment_report_filed",
                                                   "pu_town")]
    assert got == [("reminder:2", date(2026, 10, 6)), ("overdue", date(2026, 10, 9)),
                   ("escalation:1", date(2026, 10, 12))]


def test_an_obligation_with_a_blank_in_the_source_waits_for_its_parameter(
        app: App, clock: FixedClock) -> None:
    """第十三条 "每半年向县司法局报告" gives no time limit: nothing is swept and the status says
    which parameter it waits for; once the county sets 15 days, the first half of 2026 is due
    on 2026-07-15 and overdue after it — and the second half of 2025, due 2026-01-15 (after the
    team's registration on 1 January), overdue and escalated.  No stale reminder is sent.  A
    value that is not a number of days is refused."""
    _register(app, TEAM, "城关镇综合行政执法队", "enforcement_team")
    clock.set(_cst(2026, 7, 20))
    sweep_obligations(app, CAT, clock.now())
    assert _notices(app, "pu.half_year_report", TEAM) == []
    waiting = [x for x in obligation_status(app, CAT, date(2026, 7, 20))
               if x.obligation == "pu.half_year_report"]
    assert [(x.status, x.waiting_for) for x in waiting] == [
        ("waiting", ("half_year_report_days",))]
    with pytest.raises(InvalidInput) as err:
        set_parameter(app, CAT, SetParameter("half_year_report_days", "十五", date(2026, 7, 20),
                                             "县司法局"))
    assert err.value.article == "蒲县评查制度第十三条"
    set_parameter(app, CAT, SetParameter("half_year_report_days", "15", date(2026, 7, 20),
                                         "县司法局"))
    sweep_obligations(app, CAT, clock.now())
    got = _notices(app, "pu.half_year_report", TEAM)
    assert [(n["notice"], n["period_key"], n["due"]) for n in got] == [
        ("overdue", "2025-H2", date(2026, 1, 15)), ("escalation:1", "2025-H2", date(2026, 1, 15)),
        ("overdue", "2026-H1", date(2026, 7, 15))]


def test_licheng_reports_periodically_once_the_district_sets_the_period(
        app: App, clock: FixedClock) -> None:
    """历城办法第十九条 "定期向区政府报告": no period in the source, so nothing until the district
    sets one; with quarters, Q1 2026 unreported is overdue on 1 April."""
    _register(app, "licheng_supervision", "历城区行政执法监督科", "district_supervision")
    clock.set(_cst(2026, 4, 1, 8))
    assert sweep_obligations(app, CAT, clock.now()).opened == 0
    set_parameter(app, CAT, SetParameter("tolerance_report_period", "quarter",
                                         date(2026, 4, 1), "区司法局"))
    sweep_obligations(app, CAT, clock.now())
    got = _notices(app, "licheng.tolerance_report", "licheng_supervision")
    assert [(n["notice"], n["period_key"]) for n in got] == [("overdue", "2026-Q1")]


def test_a_case_step_counts_as_a_fulfilment_by_itself(app: App, clock: FixedClock) -> None:
    """An obligation may count case steps (`fulfilled_by`) so a fulfilment is never entered
    twice: here, two archived Licheng cases of the body's agency in 2025 meet a quota of two."""
    cat = ObligationCatalogue((Obligation(
        "test.archived", "每年归档两件", "two archived a year", "测试办法第一条", ("agency",),
        "year", 2, DueRule("end_of_period"), date(2025, 1, 1),
        fulfilled_by=(FulfilledBy("licheng", "archive"),)),))
    register_body(app, cat, RegisterBody("licheng_agency", "区综合行政执法局", ("agency",),
                                         date(2025, 1, 1), "t"), ["agency"])
    walk_licheng(app, clock)
    walk_licheng(app, clock, subject="李四")
    clock.set(_cst(2026, 1, 1, 0, 0, 5))
    assert sweep_obligations(app, cat, clock.now()).notices == []
    (line,) = obligation_status(app, cat, date(2025, 12, 31))
    assert (line.period, line.status, line.done) == ("2025", "met", 2)


def test_the_notice_record_is_insert_only(app: App, clock: FixedClock) -> None:
    """A recorded overdue mark cannot be changed or deleted (database triggers, both
    backends): the record of what was owed and when is kept."""
    _register(app, BUREAU, "蒲县司法局", "county_justice_bureau")
    clock.set(_cst(2027, 1, 1, 0, 0, 5))
    sweep_obligations(app, CAT, clock.now())
    n = st.obligation_notices
    for stmt in (n.update().values(to="nobody"), n.delete()):
        with pytest.raises(sa.exc.DBAPIError), app.store.engine.begin() as conn:
            conn.execute(stmt)
    assert len(_notices(app, "pu.county_evaluations", BUREAU)) == 1


def test_a_body_of_an_unknown_kind_is_refused(app: App) -> None:
    """Kinds come from the obligation files; a typo would owe nothing, silently."""
    with pytest.raises(InvalidInput) as err:
        _register(app, "x", "某单位", "enforcement_teams")
    assert err.value.code == "body.unknown_kind"
    assert "enforcement_team" in err.value.message_zh  # the known kinds are listed


def test_the_running_scheduler_sweeps_the_obligations(app: App, clock: FixedClock) -> None:
    """`scheduler run` carries an obligations job when given the catalogue: started on
    2027-01-01, it marks the county bureau's 2026 county-wide evaluations (none of two,
    art. 6) overdue by itself, once, with an outbox message for 县司法局's recipients."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from rongcuo.adapters.notify import Recipient
    from rongcuo.scheduler.config import SchedulerConfig
    from rongcuo.scheduler.runner import build_scheduler

    _register(app, BUREAU, "蒲县司法局", "county_justice_bureau")
    clock.set(_cst(2027, 1, 1, 0, 5))
    config = SchedulerConfig(sweep_seconds=1, recipients={
        "县司法局": (Recipient("email", "sfj@example.gov.cn"),)})
    sched = build_scheduler(app, config, clock, BackgroundScheduler(timezone=CST),
                            obligations=CAT)
    assert "obligations" in {j.id for j in sched.get_jobs()}
    sched.get_job("obligations").modify(next_run_time=datetime.now(CST))
    sched.start()
    try:
        import time

        until = time.monotonic() + 20
        while time.monotonic() < until and not _notices(app, "pu.county_evaluations", BUREAU):
            time.sleep(0.2)
    finally:
        sched.shutdown(wait=True)
    assert [n["notice"] for n in _notices(app, "pu.county_evaluations", BUREAU)] == ["overdue"]
    from rongcuo.adapters.notify.outbox import OutboxMessage

    box = OutboxMessage.__table__  # type: ignore[attr-defined]
    with app.store.read() as conn:
        msgs = conn.execute(sa.select(box.c.target, box.c.kind, box.c.subject)
                            .where(box.c.kind == "overdue")).all()
    assert [(m[0], m[1]) for m in msgs] == [("sfj@example.gov.cn", "overdue")]
    assert "蒲县司法局" in msgs[0][2] and "已完成 0/2" in msgs[0][2]
