"""The sweep's batched write (``Store.append_many_in``): same rows as the per-case path, and a
case whose version moved is skipped — never overwritten — while the rest of the batch is
recorded.

Deadline: the Licheng art. 17 notice period (decided 2025-09-28, due 2025-10-09 after the
National Day block, Civil Code art. 203); overdue at 00:00 CST on 2025-10-10.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from rongcuo.adapters.db import store as store_mod
from rongcuo.adapters.db.codec import jsonable
from rongcuo.bootstrap import App, bootstrap
from rongcuo.clock import CST, FixedClock
from rongcuo.scheduler import sweep as sweep_mod
from rongcuo.scheduler.sweep import Sweeper
from rongcuo.scheduler.testing import licheng_to_determined

AT = datetime(2025, 10, 10, 0, 5, tzinfo=CST)


@pytest.fixture
def app(db_url: str) -> Iterator[App]:
    a = bootstrap(db_url, clock=FixedClock(datetime(2025, 9, 28, 12, tzinfo=CST)), migrate=True)
    yield a
    a.close()


def overdue(app: App, cid: str) -> int:
    return sum(1 for e in app.store.case_events(cid) if e.data.get("notice") == "overdue")


def test_a_case_whose_version_moved_is_skipped_and_the_rest_of_the_batch_recorded(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28),
                                 subject=f"对象{i}") for i in range(3)]
    Sweeper(app).sweep(datetime(2025, 9, 30, 0, 1, tzinfo=CST))
    stale = ids[1]
    real = sweep_mod.Sweeper._record

    def racing(self: Sweeper, conn: sa.Connection, case: Any, now: datetime) -> Any:
        plan = real(self, conn, case, now)
        if case.id == stale:  # another writer commits between our read and our write
            conn.execute(sa.text("UPDATE cases SET version = version + 1 WHERE id = :i"),
                         {"i": stale})
        return plan

    monkeypatch.setattr(sweep_mod.Sweeper, "_record", racing)
    res = Sweeper(app).sweep(AT)
    assert [s["case_id"] for s in res.skipped] == [stale]
    assert res.skipped[0]["reason"] == "conflict: left for the next sweep"
    assert sorted({n.case_id for n in res.notices}) == sorted([ids[0], ids[2]])
    assert (overdue(app, ids[0]), overdue(app, stale), overdue(app, ids[2])) == (1, 0, 1)
    monkeypatch.setattr(sweep_mod.Sweeper, "_record", real)
    again = Sweeper(app).sweep(AT)
    assert {n.case_id for n in again.notices} == {stale}
    assert [overdue(app, c) for c in ids] == [1, 1, 1]
    app.store.load_case(stale)  # the chain continued from the version the racer left


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, 2: [date(2025, 10, 9), (True, None, 1.5)], "n": {"x": "y"}},
        [{"k": date(2025, 1, 1)}, "s", 0],
        date(2025, 10, 9),
        datetime(2025, 10, 9, 16, tzinfo=CST),
        {True: 1, None: 2, 1.5: 3},
    ],
)
def test_the_fast_json_conversion_is_exactly_the_codecs(value: Any) -> None:
    assert store_mod._fast_jsonable(value) == jsonable(value)
