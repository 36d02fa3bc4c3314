"""A page of the case list: filters, a sort key, one page (the web workplace's 案件列表 and
its Excel export read this; ``queries.list_cases`` stays the CLI's whole list).

Two queries per page, whatever the number of cases: the page of case rows (with the count of
all matching), then the deadlines of those cases only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rongcuo.adapters.db.records import DeadlineRecord
from rongcuo.clock import today_cst
from rongcuo.service.context import App
from rongcuo.service.identity.principal import Principal
from rongcuo.service.queries import CaseView, _allowed, _definition

SORT_KEYS = ("opened_on", "number", "state", "subject", "agency", "next_due")
MAX_PAGE_SIZE = 200  # also the 工作台's most


@dataclass(frozen=True)
class ListQuery:
    """What a reader asks of the case list (``page`` counts from 1)."""

    workflow_id: str | None = None
    state: str | None = None
    agency: str | None = None
    text: str | None = None
    due_before: date | None = None
    overdue_as_of: date | None = None
    case_ids: tuple[str, ...] | None = None
    attention_before: date | None = None
    sort: str = "opened_on"
    descending: bool = False
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class CasePage:
    views: tuple[CaseView, ...]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def case_page(app: App, q: ListQuery, *, everything: bool = False,
              principal: Principal | None = None) -> CasePage:
    """One page of the cases matching ``q`` that ``principal`` sees (the cases of its units;
    another unit's case is not in any list or count), each with its deadlines
    (``everything``: every matching case, for an export)."""
    units = (None if principal is None or principal.is_operator
             else tuple(sorted(principal.units)))
    size = max(1, min(q.page_size, MAX_PAGE_SIZE))
    page = max(1, q.page)
    cases, total = app.store.page_cases(
        workflow_id=q.workflow_id, state=q.state, agency=q.agency, text=q.text,
        due_before=q.due_before, overdue_as_of=q.overdue_as_of, case_ids=q.case_ids,
        attention_before=q.attention_before, unit_ids=units,
        sort=q.sort if q.sort in SORT_KEYS else "opened_on",
        descending=q.descending,
        offset=0 if everything else (page - 1) * size, limit=None if everything else size)
    rows: dict[str, list[DeadlineRecord]] = {c.id: [] for c in cases}
    if cases:
        for d in app.store.deadlines(case_ids=list(rows)):
            rows[d.case_id].append(d)
    today = today_cst(app.clock)
    views = tuple(CaseView(c, _definition(app, c), tuple(rows[c.id]), None, _allowed(app, c),
                           today) for c in cases)
    return CasePage(views, total, page, size)


WORK_ITEMS = 100


@dataclass(frozen=True)
class WorkItems:
    """The cases of the 工作台: the most pressing ``limit`` (by their earliest due date; a
    stopped clock counts as pressing), and how many cases need someone in all."""

    views: tuple[CaseView, ...]
    total: int


def work_items(app: App, *, horizon: date, principal: Principal | None = None,
               limit: int = WORK_ITEMS) -> WorkItems:
    """The open cases of the principal's units with a deadline that needs someone: running
    and due before ``horizon``, overdue, or with its clock stopped (工作台) — the ``limit``
    most pressing by their next due date, and how many there are."""
    page = case_page(app, ListQuery(attention_before=horizon, sort="next_due",
                                    page_size=limit), principal=principal)
    return WorkItems(page.views, page.total)
