"""Test helpers shipped with the package (like ``structlog.testing``): tamper with a store the
way a malicious DBA would, to prove that ``audit verify`` notices.

Every helper first disables the insert-only protection of ``events`` (SQLite: drops the
``events_no_update`` / ``events_no_delete`` triggers; PostgreSQL: ``ALTER TABLE events DISABLE
TRIGGER USER``), then edits rows directly.  Never use these outside tests.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa


def disable_insert_only(engine: sa.Engine) -> None:
    """Remove the database's refusal to UPDATE/DELETE events (as a DBA could)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER USER")
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS events_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS events_no_delete")


def event_row(engine: sa.Engine, case_id: str, seq: int) -> dict[str, Any]:
    with engine.connect().execution_options(rongcuo_read=True) as conn:
        row = conn.execute(
            sa.text('SELECT * FROM events WHERE case_id = :c AND seq = :s'),
            {"c": case_id, "s": seq},
        ).mappings().one()
        return dict(row)


def flip_one_byte(value: str, index: int = 0) -> str:
    """Change one character of ``value`` (ASCII: one byte) so it is still valid text."""
    i = index % len(value) if value else 0
    if not value:
        return "x"
    ch = value[i]
    if ch.isdigit():
        new = "0" if ch != "0" else "1"
    elif ch.isascii() and ch.isalpha():
        new = "a" if ch != "a" else "b"
    else:
        new = "X" if ch != "X" else "Y"
    return value[:i] + new + value[i + 1 :]


def set_event_field(engine: sa.Engine, case_id: str, seq: int, column: str, value: Any) -> None:
    """UPDATE one column of one stored event (bypassing the insert-only triggers)."""
    disable_insert_only(engine)
    if column == "data" and not isinstance(value, str) and engine.dialect.name == "sqlite":
        value = json.dumps(value, ensure_ascii=False)
    with engine.begin() as conn:
        if column == "data" and engine.dialect.name == "postgresql":
            stmt = sa.text(
                "UPDATE events SET data = CAST(:v AS JSONB) WHERE case_id = :c AND seq = :s"
            )
            value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        else:
            stmt = sa.text(f'UPDATE events SET "{column}" = :v WHERE case_id = :c AND seq = :s')
        res = conn.execute(stmt, {"v": value, "c": case_id, "s": seq})
        assert res.rowcount == 1


def delete_event(engine: sa.Engine, case_id: str, seq: int) -> None:
    disable_insert_only(engine)
    with engine.begin() as conn:
        res = conn.execute(
            sa.text("DELETE FROM events WHERE case_id = :c AND seq = :s"), {"c": case_id, "s": seq}
        )
        assert res.rowcount == 1


def truncate_tail(engine: sa.Engine, case_id: str, keep: int) -> int:
    """Delete every event of the case after ``seq == keep``; return how many went."""
    disable_insert_only(engine)
    with engine.begin() as conn:
        return int(
            conn.execute(
                sa.text("DELETE FROM events WHERE case_id = :c AND seq > :k"),
                {"c": case_id, "k": keep},
            ).rowcount
        )


def insert_event_copy(engine: sa.Engine, case_id: str, after_seq: int) -> None:
    """Insert a forged event after ``after_seq``: later events are renumbered up by one (as a
    forger must, since ``(case_id, seq)`` is unique), the forged one copies its predecessor's
    content and links its ``prev_hash`` correctly, but its hash cannot be made to fit the
    next event's ``prev_hash`` without rewriting the rest."""
    disable_insert_only(engine)
    src = event_row(engine, case_id, after_seq)
    with engine.begin() as conn:
        rows = conn.execute(
            sa.text("SELECT id, seq FROM events WHERE case_id = :c AND seq > :s ORDER BY seq DESC"),
            {"c": case_id, "s": after_seq},
        ).all()
        for rid, seq in rows:  # highest first, so the unique key never collides
            conn.execute(
                sa.text("UPDATE events SET seq = :n WHERE id = :i"), {"n": seq + 1, "i": rid}
            )
        # make room in the global order right after the copied event (ids shifted up by one)
        later = conn.execute(
            sa.text("SELECT id FROM events WHERE id > :i ORDER BY id DESC"), {"i": src["id"]}
        ).scalars().all()
        for rid in later:
            conn.execute(
                sa.text("UPDATE events SET id = :n WHERE id = :o"), {"n": rid + 1, "o": rid}
            )
        forged = dict(src)
        forged["id"] = src["id"] + 1
        forged["seq"] = after_seq + 1
        forged["prev_hash"] = src["hash"]
        forged["actor"] = "forger"
        forged["hash"] = _rehash(forged)
        cols = list(forged)
        data = forged["data"]
        if engine.dialect.name == "sqlite" and not isinstance(data, str):
            forged["data"] = json.dumps(data, ensure_ascii=False)
        if engine.dialect.name == "postgresql":
            forged["data"] = json.dumps(data, ensure_ascii=False)
        values = ", ".join(
            "CAST(:data AS JSONB)" if c == "data" and engine.dialect.name == "postgresql"
            else f":{c}"
            for c in cols
        )
        names = ", ".join(f'"{c}"' for c in cols)
        conn.execute(sa.text(f"INSERT INTO events ({names}) VALUES ({values})"), forged)


def _rehash(row: dict[str, Any]) -> str:
    """The chain hash a forger would compute for a row (so the row verifies on its own)."""
    from datetime import datetime

    from rongcuo.domain.chain import canonical_fields, event_hash

    data = row["data"]
    rec = row["recorded_at"]
    if isinstance(rec, str):
        rec = datetime.fromisoformat(rec)
    return event_hash(
        canonical_fields(
            case_id=row["case_id"], seq=row["seq"], prev_hash=row["prev_hash"],
            trigger=row["trigger"], type=row["type"], on=str(row["on"])[:10],
            actor=row["actor"], article=row["article"],
            data=json.loads(data) if isinstance(data, str) else data,
            workflow_id=row["workflow_id"], workflow_version=row["workflow_version"],
            recorded_at=rec,
        )
    )


def swap_event_order(engine: sa.Engine, case_id: str, seq_a: int, seq_b: int) -> None:
    """Reorder two events of a case in the global order (swap their global ids)."""
    disable_insert_only(engine)
    a = event_row(engine, case_id, seq_a)["id"]
    b = event_row(engine, case_id, seq_b)["id"]
    with engine.begin() as conn:
        tmp = -abs(int(a)) - 1_000_000
        upd = sa.text("UPDATE events SET id = :n WHERE id = :o")
        conn.execute(upd, {"n": tmp, "o": a})
        conn.execute(upd, {"n": a, "o": b})
        conn.execute(upd, {"n": b, "o": tmp})


def swap_event_content(engine: sa.Engine, case_id: str, seq_a: int, seq_b: int) -> None:
    """Reorder two events within a case by swapping their ``seq`` numbers."""
    disable_insert_only(engine)
    a = event_row(engine, case_id, seq_a)["id"]
    b = event_row(engine, case_id, seq_b)["id"]
    with engine.begin() as conn:
        upd = sa.text("UPDATE events SET seq = :n WHERE id = :i")
        conn.execute(upd, {"n": -1, "i": a})
        conn.execute(upd, {"n": seq_a, "i": b})
        conn.execute(upd, {"n": seq_b, "i": a})


# -- bulk seeding (tests of thousands of cases, the million-event benchmark) --------------------


def clone_case(engine: sa.Engine, template_id: str, n: int, *, batch: int = 2000) -> list[str]:
    """Insert ``n`` copies of a stored case (events, case row, deadline rows) under new ids
    and numbers, each with its own correctly recomputed hash chain — a realistic log for a
    verification benchmark without driving the engine a million times.  Returns the new ids.
    """
    import uuid

    from rongcuo.domain.chain import GENESIS, canonical_fields, event_hash

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

    from datetime import datetime

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


# -- a recorded Licheng case, walked through the real service and engine ------------------------

LICHENG_STEPS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    # (trigger, business date, data) — 历城办法第十三条至第二十条, around National Day 2025
    ("file", "2025-09-28", {}),  # 第十四条 立案 (a Sunday that is an adjusted working day)
    ("assign_investigator", "2025-09-29", {"investigator": "李四"}),  # 第十六条
    ("assign_investigator", "2025-09-29", {"investigator": "王五"}),  # 第十六条: at least two
    ("start_verification", "2025-09-30", {}),  # 第十六条 核实
    ("hear_statement", "2025-10-09", {}),  # 第十六条 陈述申辩
    ("extend_investigation", "2025-10-20",
     {"days": 15, "approved_by": "区司法局负责人", "reason": "情况复杂"}),  # 第十七条
    ("determine", "2025-11-05",
     {"outcome": "exempted", "items": ["10.2"], "correction_required": True}),  # 第十七、十八条
    ("notify", "2025-11-07", {"received_on": "2025-11-07"}),  # 第十七条 7日内告知
    ("order_correction", "2025-11-25", {"days": 30, "items": "完善执法公示"}),  # 第二十条
    ("complete_correction", "2025-12-10", {}),  # 第二十条
    ("archive", "2025-12-12", {}),  # 第十四条 归档
)


def cst_morning(on: str, hour: int = 10) -> Any:
    """10:00 CST of a legal date (when a case worker records a step that day)."""
    from datetime import date, datetime

    from rongcuo.clock import CST

    d = date.fromisoformat(on)
    return datetime(d.year, d.month, d.day, hour, tzinfo=CST)


def walk_licheng(
    app: Any,
    clock: Any,
    *,
    subject: str = "张三",
    matter: str = "占道经营处罚",
    opened: str = "2025-09-26",
    steps: int | None = None,
    actor: str = "监督科王科长",
) -> str:
    """Open a Licheng case and record the first ``steps`` of :data:`LICHENG_STEPS` (all by
    default), each recorded at 10:00 CST of its business date.  Returns the case id."""
    from datetime import date

    from rongcuo.service import handlers
    from rongcuo.service.commands import FireStep, OpenCase

    clock.set(cst_morning(opened))
    res = handlers.open_case(
        app, OpenCase(workflow_id="licheng", subject=subject, agency="区综合行政执法局",
        on=date.fromisoformat(opened), actor=actor,
        data={"matter": matter, "source": "application"}))
    for trigger, on, data in LICHENG_STEPS[: steps if steps is not None else None]:
        clock.set(cst_morning(on))
        handlers.fire(app, FireStep(res.case_id, trigger, on=date.fromisoformat(on), actor=actor,
                      data=data))
    return str(res.case_id)


# -- recorded histories (tests/fixtures/histories/*.json) -----------------------------------------


def history_document(engine: sa.Engine, case_id: str, **meta: Any) -> dict[str, Any]:
    """A recorded history as kept in the fixtures: the case identity, every stored event
    (hashed fields, hash, global id) and what the system held — the case row's state and the
    deadline rows."""
    from rongcuo.audit.log import Snapshot

    with Snapshot(engine) as snap:
        case = snap.cases(case_id)[case_id]
        events = snap.case_events(case_id)
        dls = snap.deadlines(case_id).get(case_id, {})
    from rongcuo.audit.verify import portable_basis, stored_row

    return {
        **meta,
        "case": {
            "id": case.id, "number": case.number, "subject": case.subject,
            "agency": case.agency, "opened_on": case.opened_on.isoformat(),
            "workflow_id": case.workflow_id, "workflow_version": case.workflow_version,
            "version": case.version,
        },
        "events": [
            {k: v for k, v in e.to_dict().items() if k != "id"} for e in events
        ],
        "expected": {
            "state": stored_row(case),
            "deadlines": {
                k: {**v, "basis": portable_basis(v["basis"])} for k, v in sorted(dls.items())
            },
        },
    }


def load_history(engine: sa.Engine, doc: dict[str, Any]) -> str:
    """Insert a recorded history into an empty store as it was (case row, events, deadline
    rows), bypassing nothing: these are plain INSERTs.  Returns the case id."""
    from datetime import UTC, date, datetime

    from rongcuo.adapters.db import tables

    c, st = doc["case"], doc["expected"]["state"]
    evs = doc["events"]
    now = datetime(2000, 1, 1, tzinfo=UTC)

    def instant(s: str | None) -> datetime | None:
        return datetime.fromisoformat(s.replace("Z", "+00:00")) if s else None

    def day(s: str | None) -> date | None:
        return date.fromisoformat(s) if s else None

    with engine.begin() as conn:
        conn.execute(tables.cases.insert().values(
            id=c["id"], number=c["number"], workflow_id=c["workflow_id"],
            workflow_version=c["workflow_version"], subject=c["subject"], agency=c["agency"],
            opened_on=day(c["opened_on"]), state=st["state"], facts=st["facts"],
            timers=st["timers"], last_on=day(st["last_on"]), closed=st["closed"],
            version=c["version"], last_seq=evs[-1]["seq"] if evs else 0,
            last_hash=evs[-1]["hash"] if evs else "0" * 64, created_at=now, updated_at=now,
        ))
        conn.execute(tables.events.insert(), [
            {**e, "on": day(e["on"]), "recorded_at": instant(e["recorded_at"]),
             "idempotency_key": None}
            for e in evs
        ])
        rows = [
            {**d, "case_id": c["id"], "due": day(d["due"]), "started_on": day(d["started_on"]),
             "next_notice_at": instant(d["next_notice_at"]), "label_zh": d["timer"],
             "label_en": d["timer"], "updated_at": now}
            for d in doc["expected"]["deadlines"].values()
        ]
        if rows:
            conn.execute(tables.deadlines.insert(), rows)
    return str(c["id"])


def rewrite_history(engine: sa.Engine, case_id: str, seq: int, column: str, value: Any) -> None:
    """A wholesale rewrite: change one event, then recompute every hash from there on and the
    case row's head, so the chain is self-consistent again (only a checkpoint kept outside the
    database can reveal it)."""
    set_event_field(engine, case_id, seq, column, value)
    with engine.connect().execution_options(rongcuo_read=True) as conn:
        rows = [dict(r) for r in conn.execute(
            sa.text("SELECT * FROM events WHERE case_id = :c ORDER BY seq"), {"c": case_id}
        ).mappings()]
    prev = rows[seq - 2]["hash"] if seq > 1 else "0" * 64
    with engine.begin() as conn:
        for row in rows[seq - 1:]:
            row["prev_hash"] = prev
            h = _rehash(row)
            conn.execute(
                sa.text("UPDATE events SET prev_hash = :p, hash = :h WHERE id = :i"),
                {"p": prev, "h": h, "i": row["id"]},
            )
            prev = h
        conn.execute(
            sa.text("UPDATE cases SET last_hash = :h WHERE id = :c"), {"h": prev, "c": case_id}
        )
