"""A step writes only the deadline rows that moved (issue 16), and the rows still hold, after
every step, exactly the projection of the case as stored — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from rongcuo.adapters.db import tables as t
from rongcuo.bootstrap import App
from rongcuo.clock import FixedClock
from rongcuo.domain.case import Deadline
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep
from tests.support.walks import LICHENG_STEPS, cst_morning, walk_licheng


def _stored(app: App, case_id: str) -> dict[str, tuple[object, ...]]:
    return {r.timer: (r.status, r.due, r.provisional, dict(r.basis), r.started_on, r.label_zh,
                      r.label_en, r.next_notice, r.next_notice_at)
            for r in app.store.deadlines(case_id=case_id)}


def _written_at(app: App, case_id: str) -> dict[str, datetime]:
    with app.store.engine.connect() as conn:
        return {r.timer: r.updated_at for r in conn.execute(
            sa.select(t.deadlines.c.timer, t.deadlines.c.updated_at)
            .where(t.deadlines.c.case_id == case_id))}


def _projected(deadlines: tuple[Deadline, ...]) -> dict[str, tuple[object, ...]]:
    return {d.timer: (d.status, d.due, d.provisional, dict(d.basis), d.started_on, d.label_zh,
                      d.label_en, d.next_notice, d.next_notice_at) for d in deadlines}


def test_after_every_step_the_rows_are_the_projection_of_the_stored_case(
        app: App, clock: FixedClock) -> None:
    case_id = walk_licheng(app, clock, steps=0)
    rewritten: list[int] = []
    for i, (trigger, on, data) in enumerate(LICHENG_STEPS):
        clock.set(cst_morning(on) + timedelta(minutes=i))  # each write its own instant
        before = _written_at(app, case_id)
        handlers.fire(app, FireStep(case_id, trigger, on=date.fromisoformat(on),
                                    actor="监督科", data=data))
        record = app.store.load_case(case_id)
        assert record is not None
        engine = app.engine_for(record.workflow_id, record.workflow_version)
        assert _stored(app, case_id) == _projected(engine.deadlines(record.state)), trigger
        after = _written_at(app, case_id)
        rewritten.append(sum(1 for k, v in after.items() if before.get(k) != v))
    # the walk's steps mostly leave the deadlines alone: far fewer rows than timers × steps
    assert 0 < sum(rewritten) < len(LICHENG_STEPS) * max(1, len(_stored(app, case_id)))
    assert 0 in rewritten  # an investigator assigned moves no deadline: no row written
