"""Helpers for the scheduler's tests and benchmark (shipped like ``structlog.testing``).

* :func:`licheng_to_determined` walks a real Licheng case, through the service handlers and
  the engine, to ``determined`` (the 7-day notice period of art. 17 then runs);
* :func:`clone_case` bulk-copies one stored case and its deadline rows ``n`` times with one
  ``INSERT … SELECT`` per table, for the multi-process test and the benchmark (seeding 10,000
  or 1,000,000 cases through the CLI would take hours).  Clones carry no events of their own:
  their ``cases`` row continues the template's ``last_seq``/``last_hash``, which is all the
  sweep needs; ``audit verify`` would rightly flag them, so use clones only in throw-away
  databases.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from rongcuo.adapters.notify.outbox import as_utc

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.service.context import App

ACTOR = "历城区行政执法监督科 王科长"


def licheng_to_determined(
    app: App,
    *,
    opened: date,
    determined: date,
    subject: str = "区市场监管局 执法人员甲",
    agency: str = "区市场监管局",
) -> str:
    """Open a Licheng case on ``opened`` and determine it on ``determined``; its id.

    Steps: open (art. 13) → file (art. 14) → two investigators (art. 16) → start
    verification → hear the statement (art. 16) → determine ``exempted`` under art. 10(1).
    """
    from rongcuo.service import handlers
    from rongcuo.service.commands import FireStep, OpenCase

    res = handlers.open_case(
        app, OpenCase(workflow_id="licheng", subject=subject, agency=agency, on=opened, actor=ACTOR,
        data={"matter": "行政处罚超期", "source": "supervision_case"}))
    cid = res.case_id
    steps: list[tuple[str, dict[str, str]]] = [
        ("file", {}),
        ("assign_investigator", {"investigator": "张三"}),
        ("assign_investigator", {"investigator": "李四"}),
        ("start_verification", {}),
        ("hear_statement", {}),
    ]
    for trigger, data in steps:
        handlers.fire(app, FireStep(cid, trigger, on=opened, actor=ACTOR, data=data))
    handlers.fire(
        app, FireStep(cid, "determine", on=determined, actor=ACTOR,
        data={"outcome": "exempted", "items": "10.1"}))
    return cid


def clone_case(
    engine: sa.Engine,
    template_id: str,
    n: int,
    *,
    prefix: str = "clone",
    next_notice_at: datetime | None = None,
    start: int = 0,
) -> None:
    """Copy case ``template_id`` and its deadline rows ``n`` times (PostgreSQL: one
    ``INSERT … SELECT generate_series``; SQLite: a recursive CTE).  ``next_notice_at``, when
    given, overrides the clones' deadline rows (e.g. far in the future = pending, not due)."""
    pg = engine.dialect.name == "postgresql"
    series = (
        f"SELECT generate_series({start + 1}, {start + n}) AS i"
        if pg
        else f"WITH RECURSIVE s(i) AS (SELECT {start + 1} UNION ALL SELECT i + 1 FROM s "
        f"WHERE i < {start + n}) SELECT i FROM s"
    )
    cat = "||"
    cid = f"'{prefix}-' {cat} CAST(s.i AS TEXT)"
    cols = [
        c.name for c in sa.Table("cases", sa.MetaData(), autoload_with=engine).columns
    ]
    sel = ", ".join(
        cid if c == "id" else (f"c.number {cat} '-{prefix}-' {cat} CAST(s.i AS TEXT)"
                               if c == "number" else f"c.{_q(c)}")
        for c in cols
    )
    dcols = [
        c.name for c in sa.Table("deadlines", sa.MetaData(), autoload_with=engine).columns
    ]
    dsel = ", ".join(
        cid if c == "case_id"
        else (":nna" if c == "next_notice_at" and next_notice_at is not None else f"d.{_q(c)}")
        for c in dcols
    )
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                f"INSERT INTO cases ({', '.join(_q(c) for c in cols)}) "
                f"SELECT {sel} FROM cases c, ({series}) s WHERE c.id = :t"
            ),
            {"t": template_id},
        )
        params: dict[str, object] = {"t": template_id}
        if next_notice_at is not None:
            params["nna"] = as_utc(next_notice_at) if pg else as_utc(next_notice_at).replace(
                tzinfo=None).isoformat(sep=" ")
        conn.execute(
            sa.text(
                f"INSERT INTO deadlines ({', '.join(_q(c) for c in dcols)}) "
                f"SELECT {dsel} FROM deadlines d, ({series}) s WHERE d.case_id = :t"
            ),
            params,
        )


def _q(name: str) -> str:
    return f'"{name}"'
