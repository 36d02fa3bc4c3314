"""The store's read queries beyond one case: deadlines, lists, counts, prior decisions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.db import tables as t
from rongcuo.adapters.db.records import CaseRecord, DeadlineRecord


class Queries:
    """Read queries (a mixin of :class:`~rongcuo.adapters.db.store.Store`)."""

    read: Callable[[], AbstractContextManager[sa.Connection]]

    def deadlines(
        self,
        *,
        case_id: str | None = None,
        case_ids: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        due_before: date | None = None,
        provisional: bool | None = None,
    ) -> list[DeadlineRecord]:
        """Deadline rows, filtered (``due_before`` is strict: ``due < date``)."""
        q = sa.select(t.deadlines)
        if case_id is not None:
            q = q.where(t.deadlines.c.case_id == case_id)
        if case_ids is not None:
            q = q.where(t.deadlines.c.case_id.in_(list(case_ids)))
        if statuses:
            q = q.where(t.deadlines.c.status.in_(list(statuses)))
        if due_before is not None:
            q = q.where(t.deadlines.c.due < due_before)
        if provisional is not None:
            q = q.where(t.deadlines.c.provisional.is_(provisional))
        q = q.order_by(t.deadlines.c.due.asc().nulls_last(), t.deadlines.c.case_id,
                       t.deadlines.c.timer)
        with self.read() as conn:
            return [DeadlineRecord.from_row(r) for r in conn.execute(q).mappings()]

    def case_ids_with_provisional_deadlines(self) -> list[str]:
        """The cases with at least one provisional (暂定) due date."""
        d = t.deadlines
        with self.read() as conn:
            return [
                str(r[0])
                for r in conn.execute(
                    sa.select(d.c.case_id).where(d.c.provisional.is_(True)).distinct()
                )
            ]

    def list_cases(
        self,
        *,
        workflow_id: str | None = None,
        state: str | None = None,
        due_before: date | None = None,
        overdue_as_of: date | None = None,
        states: Sequence[str] | None = None,
        withdrawn: bool = False,
    ) -> list[CaseRecord]:
        """Cases filtered by workflow, state, a running deadline due before a date, or a
        deadline overdue as of a date (status ``overdue``, or running with ``due < as_of``:
        a period ends at 24:00 CST of its due date).  Withdrawn cases (误录撤回) are left out;
        ``withdrawn=True`` lists only them."""
        q = sa.select(t.cases).where(t.cases.c.withdrawn.is_(withdrawn))
        if workflow_id:
            q = q.where(t.cases.c.workflow_id == workflow_id)
        if state:
            q = q.where(t.cases.c.state == state)
        if states is not None:
            q = q.where(t.cases.c.state.in_(list(states)))
        d = t.deadlines
        if due_before is not None or overdue_as_of is not None:
            # a closed case owes nothing: a row left "overdue" when it lapsed is history
            q = q.where(t.cases.c.closed == sa.false())
        if due_before is not None:
            q = q.where(
                t.cases.c.id.in_(
                    sa.select(d.c.case_id).where(d.c.status == "running", d.c.due < due_before)
                )
            )
        if overdue_as_of is not None:
            q = q.where(
                t.cases.c.id.in_(
                    sa.select(d.c.case_id).where(
                        sa.or_(
                            d.c.status == "overdue",
                            sa.and_(d.c.status == "running", d.c.due < overdue_as_of),
                        )
                    )
                )
            )
        q = q.order_by(t.cases.c.opened_on, t.cases.c.number)
        with self.read() as conn:
            return [CaseRecord.from_row(r) for r in conn.execute(q).mappings()]

    def page_cases(
        self,
        *,
        workflow_id: str | None = None,
        state: str | None = None,
        agency: str | None = None,
        text: str | None = None,
        case_ids: Sequence[str] | None = None,
        unit_ids: Sequence[str] | None = None,
        attention_before: date | None = None,
        due_before: date | None = None,
        overdue_as_of: date | None = None,
        sort: str = "opened_on",
        descending: bool = False,
        offset: int = 0,
        limit: int | None = 50,
    ) -> tuple[list[CaseRecord], int]:
        """One page of cases (``list_cases``' filters plus the agency, a text matched in the
        number, subject or agency, and a sort key: ``number``, ``opened_on``, ``state``,
        ``subject``, ``agency`` or ``next_due`` — the earliest running due date) and the
        number of cases matching; ``limit`` None: all of them (an export).  ``unit_ids``: only
        the cases of those units (a case recorded before units existed is ``default``'s);
        ``attention_before``: cases with a deadline overdue, stopped, or due before it."""
        c, d = t.cases.c, t.deadlines
        where: list[Any] = [cond for cond in (
            c.workflow_id == workflow_id if workflow_id else None,
            c.state == state if state else None,
            c.agency == agency if agency else None,
            c.id.in_(list(case_ids)) if case_ids is not None else None) if cond is not None]
        if text:
            like = f"%{text.replace('%', '').replace('_', '')}%"
            where.append(sa.or_(c.number.like(like), c.subject.like(like), c.agency.like(like)))
        if due_before is not None:
            where.append(c.id.in_(sa.select(d.c.case_id).where(
                d.c.status == "running", d.c.due < due_before)))
        if overdue_as_of is not None:
            where.append(c.id.in_(sa.select(d.c.case_id).where(sa.or_(
                d.c.status == "overdue",
                sa.and_(d.c.status == "running", d.c.due < overdue_as_of)))))
        if attention_before is not None:  # overdue, stopped, or running and due before it
            where.append(c.id.in_(sa.select(d.c.case_id).where(sa.or_(
                d.c.status.in_(("overdue", "paused")),
                sa.and_(d.c.status == "running", d.c.due < attention_before)))))
        source, unit_where = _from_units(list(unit_ids) if unit_ids is not None else None)
        where.extend(unit_where)
        # joins, never a subquery per row: a correlated MIN(due) in ORDER BY took minutes
        # on SQLite with 10,000 cases
        nd = (sa.select(d.c.case_id, sa.func.min(d.c.due).label("nd"))
              .where(d.c.status.in_(("running", "overdue"))).group_by(d.c.case_id).subquery())
        keys: dict[str, Any] = {"number": c.number, "opened_on": c.opened_on,
                                "state": c.state, "subject": c.subject,
                                "agency": c.agency, "next_due": nd.c.nd}
        key = keys.get(sort, c.opened_on)
        order = [key.desc() if descending else key.asc(), c.number]
        if sort == "next_due":  # cases with nothing running last, either way
            order.insert(0, key.is_(None))
            source = source.outerjoin(nd, nd.c.case_id == c.id)
        # the page's ids first (sorting narrow rows), then those rows whole
        q = (sa.select(c.id).select_from(source).where(*where).order_by(*order)
             .offset(max(offset, 0)))
        if limit is not None:
            q = q.limit(limit)
        with self.read() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(
                _from_units(list(unit_ids) if unit_ids is not None else None)[0])
                .where(*where)).scalar_one()
            ids = list(conn.execute(q).scalars())
            rows: dict[str, CaseRecord] = {}
            for i in range(0, len(ids), 500):
                for r in conn.execute(sa.select(t.cases).where(c.id.in_(ids[i:i + 500]))
                                      ).mappings():
                    rows[r["id"]] = CaseRecord.from_row(r)
            return [rows[i] for i in ids], int(total)

    def prior_decisions(
        self,
        *,
        subject: str,
        matter: str | None,
        workflow_id: str,
        outcomes: Sequence[str],
        date_fact: str | None,
        outcome_fact: str = "outcome",
        matter_fact: str = "matter",
        exclude_case: str | None = None,
    ) -> list[dict[str, Any]]:
        """Earlier cases of ``workflow_id`` for the same subject (and matter, when given)
        whose recorded outcome is one of ``outcomes`` — the context of the repeated-mistake
        rule (重复失误 / 容错一次: Licheng art. 12(5), Guian art. 12), asked with the rule's
        own parameters: which outcomes count as tolerated, and which fact holds the date of
        the decision (``date_fact``; None where the procedure records none), and under which fact
names the procedure keeps the outcome and the matter."""
        wanted = set(outcomes)
        q = (
            sa.select(t.cases)
            .where(t.cases.c.subject == subject, t.cases.c.workflow_id == workflow_id,
                   t.cases.c.withdrawn.is_(False))  # a case opened by mistake decided nothing
            .order_by(t.cases.c.opened_on)
        )
        out: list[dict[str, Any]] = []
        with self.read() as conn:
            for r in conn.execute(q).mappings():
                if r["id"] == exclude_case:
                    continue
                facts = r["facts"] or {}
                if facts.get(outcome_fact) not in wanted:
                    continue
                if matter is not None and facts.get(matter_fact) not in (None, matter):
                    continue
                out.append(
                    {
                        "case_id": r["id"],
                        "number": r["number"],
                        "subject": r["subject"],
                        "matter": facts.get(matter_fact),
                        "outcome": facts.get(outcome_fact),
                        "on": (r["last_on"] or r["opened_on"]).isoformat(),
                        "decided_on": facts.get(date_fact) if date_fact else None,
                        "workflow": r["workflow_id"],
                    }
                )
        return out

    def same_cases(self, *, workflow_id: str, key: dict[str, Any],
                   exclude_case: str | None = None) -> list[dict[str, Any]]:
        """Standing cases of ``workflow_id`` (not withdrawn) whose ``key`` values are equal:
        ``subject`` and ``agency`` are columns, any other key a fact (compared as text, so a
        year typed ``2025`` matches the fact 2025) — one case per key (一案一评, C7)."""
        q = sa.select(t.cases.c.id, t.cases.c.number, t.cases.c.facts).where(
            t.cases.c.workflow_id == workflow_id, t.cases.c.withdrawn.is_(False))
        for col in ("subject", "agency"):
            if col in key:
                q = q.where(t.cases.c[col] == str(key[col]))
        facts = {k: v for k, v in key.items() if k not in ("subject", "agency")}
        out: list[dict[str, Any]] = []
        with self.read() as conn:
            for r in conn.execute(q.order_by(t.cases.c.opened_on)).mappings():
                stored = r["facts"] or {}
                if r["id"] != exclude_case and all(
                        str(stored.get(k)) == str(v) for k, v in facts.items()):
                    out.append({"case_id": r["id"], "number": r["number"]})
        return out

    def count(self, table: sa.Table) -> int:
        with self.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())



def _from_units(unit_ids: list[str] | None) -> tuple[Any, list[Any]]:
    """The cases (joined to their unit when only some units' are wanted) and the condition
    on that unit; a case recorded before units existed is ``default``'s."""
    from rongcuo.adapters.identity.tables import case_units
    from rongcuo.domain.identity import DEFAULT_UNIT

    if unit_ids is None:
        return t.cases, []
    cu = case_units.c
    if DEFAULT_UNIT in unit_ids:
        return (t.cases.outerjoin(case_units, cu.case_id == t.cases.c.id),
                [sa.or_(cu.unit_id.in_(unit_ids), cu.case_id.is_(None))])
    return t.cases.join(case_units, cu.case_id == t.cases.c.id), [cu.unit_id.in_(unit_ids)]
