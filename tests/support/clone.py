"""Bulk copies of one stored case, for tests of thousands of cases and the benchmarks
(seeding 10,000 or 1,000,000 cases through the service would take hours).

Two contracts, two names:

* :func:`clone_case_with_events` copies the events too, under new ids, each copy with its own
  correctly recomputed hash chain: the clones are a sound log that ``audit verify`` passes;
* :func:`clone_case_rows_only` copies the case row and its deadline rows only, with one
  ``INSERT … SELECT`` per table.  Clones carry no events of their own: their row continues
  the template's ``last_seq``/``last_hash``, which is all the sweep needs; ``audit verify``
  rightly flags them, so use them only in throw-away databases.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.notify.outbox import as_utc
from rongcuo.domain.chain import GENESIS, canonical_fields, event_hash


def clone_case_with_events(
    engine: sa.Engine, template_id: str, n: int, *, batch: int = 2000
) -> list[str]:
    """Insert ``n`` copies of a stored case (events, case row, deadline rows) under new ids
    and numbers, each with its own correctly recomputed hash chain — a realistic log for a
    verification benchmark without driving the engine a million times.  Returns the new ids.
    """
    pg = engine.dialect.name == "postgresql"
    with engine.connect().execution_options(rongcuo_read=True) as conn:
        case = dict(conn.execute(
            sa.text("SELECT * FROM cases WHERE id = :i"), {"i": template_id}
        ).mappings().one())
        evs = [dict(r) for r in conn.execute(
            sa.text("SELECT * FROM events WHERE case_id = :i ORDER BY seq"), {"i": template_id}
        ).mappings()]
        dls = [dict(r) for r in conn.execute(
            sa.text("SELECT * FROM deadlines WHERE case_id = :i"), {"i": template_id}
        ).mappings()]

    def j(v: Any) -> Any:
        if pg:
            return json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
        return v if isinstance(v, str) or v is None else json.dumps(v, ensure_ascii=False)

    parsed = []
    for e in evs:
        data = json.loads(e["data"]) if isinstance(e["data"], str) else e["data"]
        rec = e["recorded_at"]
        rec_dt = datetime.fromisoformat(rec) if isinstance(rec, str) else rec
        parsed.append((e, data, rec_dt))
    ids: list[str] = []
    jsonb = "CAST({} AS JSONB)" if pg else "{}"
    case_cols = [c for c in case if c not in ("id", "number")]
    ev_cols = [c for c in evs[0] if c != "id"]
    dl_cols = list(dls[0]) if dls else []

    def ins(table: str, cols: list[str], json_cols: set[str]) -> sa.TextClause:
        names = ", ".join(f'"{c}"' for c in cols)
        vals = ", ".join(jsonb.format(f":{c}") if c in json_cols else f":{c}" for c in cols)
        return sa.text(f"INSERT INTO {table} ({names}) VALUES ({vals})")

    ins_case = ins("cases", ["id", "number", *case_cols], {"facts", "timers"})
    ins_ev = ins("events", ev_cols, {"data"})
    ins_dl = ins("deadlines", dl_cols, {"basis"}) if dls else None
    done = 0
    while done < n:
        k = min(batch, n - done)
        case_rows, ev_rows, dl_rows = [], [], []
        for i in range(k):
            cid = uuid.uuid4().hex
            ids.append(cid)
            prev = GENESIS
            for e, data, rec_dt in parsed:
                f = canonical_fields(
                    case_id=cid, seq=e["seq"], prev_hash=prev, trigger=e["trigger"],
                    type=e["type"], on=str(e["on"])[:10], actor=e["actor"],
                    article=e["article"], data=data, workflow_id=e["workflow_id"],
                    workflow_version=e["workflow_version"], recorded_at=rec_dt,
                )
                h = event_hash(f)
                row = {c: e[c] for c in ev_cols}
                row.update(case_id=cid, prev_hash=prev, hash=h, data=j(e["data"]))
                ev_rows.append(row)
                prev = h
            crow = {c: case[c] for c in case_cols}
            crow.update(
                id=cid, number=f"{case['number']}-{done + i}", facts=j(case["facts"]),
                timers=j(case["timers"]), last_hash=prev,
            )
            case_rows.append(crow)
            for d in dls:
                drow = dict(d)
                drow.update(case_id=cid, basis=j(d["basis"]))
                dl_rows.append(drow)
        with engine.begin() as conn:
            conn.execute(ins_case, case_rows)
            conn.execute(ins_ev, ev_rows)
            if ins_dl is not None and dl_rows:
                conn.execute(ins_dl, dl_rows)
        done += k
    return ids


def clone_case_rows_only(
    engine: sa.Engine,
    template_id: str,
    n: int,
    *,
    prefix: str = "clone",
    next_notice_at: datetime | None = None,
    start: int = 0,
) -> None:
    """Copy case ``template_id``'s row and its deadline rows ``n`` times, without events
    (PostgreSQL: one ``INSERT … SELECT generate_series``; SQLite: a recursive CTE), as
    ``{prefix}-{start + 1}`` … .  ``next_notice_at``, when given, overrides the clones'
    deadline rows (e.g. far in the future = pending, not due)."""
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
