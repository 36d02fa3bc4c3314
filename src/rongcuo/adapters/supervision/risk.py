"""Reads and writes of case classifications and risk-point records (a caller's ``conn``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.db import tables as db
from rongcuo.adapters.notify.outbox import as_utc
from rongcuo.adapters.supervision import tables as t
from rongcuo.domain.risk import RiskPoint


def insert_classification(conn: sa.Connection, *, case_id: str, vocabulary: str,
                          category: str, field: str, on: date, actor: str, note: str,
                          at: datetime) -> None:
    conn.execute(t.case_classifications.insert().values(
        case_id=case_id, vocabulary=vocabulary, category=category, field=field, on=on,
        actor=actor, note=note, recorded_at=as_utc(at)))


def classified_cases(conn: sa.Connection, start: date, end: date) -> list[dict[str, Any]]:
    """Each case opened in [start, end] that is classified, with its latest classification:
    case id, number, workflow, agency, opened on, category, field, vocabulary."""
    c, k = db.cases, t.case_classifications
    latest = (sa.select(k.c.case_id, sa.func.max(k.c.id).label("last"))
              .group_by(k.c.case_id).subquery())
    q = (sa.select(c.c.id, c.c.number, c.c.workflow_id, c.c.agency, c.c.opened_on,
                   k.c.category, k.c.field, k.c.vocabulary)
         .select_from(c.join(latest, latest.c.case_id == c.c.id)
                      .join(k, k.c.id == latest.c.last))
         .where(c.c.opened_on >= start, c.c.opened_on <= end))
    return [dict(r) for r in conn.execute(q).mappings()]


def classification_history(conn: sa.Connection, case_id: str) -> list[dict[str, Any]]:
    k = t.case_classifications
    q = sa.select(k).where(k.c.case_id == case_id).order_by(k.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def insert_risk_point(conn: sa.Connection, rp: RiskPoint, actor: str, at: datetime) -> int:
    res = conn.execute(t.risk_points.insert().values(
        body=rp.body, recorded_on=rp.recorded_on, window_from=rp.window_from,
        window_to=rp.window_to, category=rp.category, field=rp.field, risk_point=rp.risk_point,
        root_cause=rp.root_cause, warning=rp.warning, recipients=list(rp.recipients),
        case_ids=list(rp.case_ids), article=rp.article, supersedes=rp.supersedes, actor=actor,
        recorded_at=as_utc(at)))
    return int(res.inserted_primary_key[0])  # type: ignore[index]


def risk_point_rows(conn: sa.Connection, start: date, end: date) -> list[dict[str, Any]]:
    """Records made in [start, end] and not superseded by a later one."""
    r = t.risk_points
    rows = [dict(x) for x in conn.execute(sa.select(r).order_by(r.c.id)).mappings()]
    gone = {x["supersedes"] for x in rows if x["supersedes"] is not None}
    return [x for x in rows if x["id"] not in gone and start <= x["recorded_on"] <= end]


def existing_case_ids(conn: sa.Connection, ids: Sequence[str]) -> set[str]:
    c = db.cases
    return {str(x[0]) for x in conn.execute(sa.select(c.c.id).where(c.c.id.in_(list(ids))))}
