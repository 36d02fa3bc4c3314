"""The case list's page query (案件列表) on SQLite and PostgreSQL: filters, the text search,
sorting (by next due date too), pagination with the count of all matching, and a user's
units — another unit's case is in no page and no count."""

from __future__ import annotations

from datetime import date
from typing import Any

from rongcuo.service import handlers
from rongcuo.service.case_list import ListQuery, case_page, work_items
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.identity import principal_for_login
from tests.support.identity import seed
from tests.support.web_server import cst


def _cases(app: Any, clock: Any) -> dict[str, str]:
    seed(app)
    jd, cg = principal_for_login(app, "handler"), principal_for_login(app, "cg-handler")
    out = {}
    for who, subject, on in ((jd, "张三", "2025-09-26"), (jd, "李四", "2025-09-27"),
                             (jd, "王五", "2025-09-29"), (cg, "赵六", "2025-09-29")):
        clock.set(cst(on))
        r = handlers.open_case(app, OpenCase("licheng", subject, "区综合行政执法局",
                                             date.fromisoformat(on), who.actor,
                                             {"matter": "占道"}, principal=who))
        out[subject] = str(r.case_id)
    clock.set(cst("2025-09-29"))
    handlers.fire(app, FireStep(out["李四"], "file", date(2025, 9, 29), jd.actor, principal=jd))
    return out


def _subjects(page: Any) -> list[str]:
    return [v.record.subject for v in page.views]


def test_filters_sorting_pagination_and_units(app: Any, clock: Any) -> None:
    ids = _cases(app, clock)
    jd = principal_for_login(app, "handler")
    mine = case_page(app, ListQuery(), principal=jd)
    assert _subjects(mine) == ["张三", "李四", "王五"] and mine.total == 3
    everyone = case_page(app, ListQuery())  # the operator sees every unit
    assert everyone.total == 4
    first = case_page(app, ListQuery(page_size=2, sort="opened_on", descending=True),
                      principal=jd)
    second = case_page(app, ListQuery(page=2, page_size=2, sort="opened_on",
                                      descending=True), principal=jd)
    assert (_subjects(first), _subjects(second)) == (["王五", "李四"], ["张三"])
    assert first.total == second.total == 3 and first.pages == 2
    assert _subjects(case_page(app, ListQuery(state="filed"), principal=jd)) == ["李四"]
    number = everyone.views[-1].record.number  # 赵六's, of the other unit
    assert case_page(app, ListQuery(text=number), principal=jd).total == 0
    assert case_page(app, ListQuery(text="赵六"), principal=jd).total == 0
    assert _subjects(case_page(app, ListQuery(text="李"), principal=jd)) == ["李四"]
    # 李四 filed 29 Sep: its running deadline is the 30-day investigation (due 29 Oct), the
    # others' the 5-working-day filing period (due in early October): 李四 last by next due
    by_due = case_page(app, ListQuery(sort="next_due"), principal=jd)
    assert _subjects(by_due)[-1] == "李四"
    overdue = case_page(app, ListQuery(overdue_as_of=date(2025, 10, 20)), principal=jd)
    assert sorted(_subjects(overdue)) == ["张三", "王五"]
    lc_head = principal_for_login(app, "lc-head")  # sees the units below
    assert case_page(app, ListQuery(), principal=lc_head).total == 4
    work = work_items(app, horizon=date(2025, 12, 31), principal=jd)
    assert {v.record.id for v in work.views} == {ids["张三"], ids["李四"], ids["王五"]}
    assert work.total == 3
    two = work_items(app, horizon=date(2025, 12, 31), principal=jd, limit=2)
    assert two.total == 3 and len(two.views) == 2
    assert ids["李四"] not in {v.record.id for v in two.views}  # its due date is the latest
