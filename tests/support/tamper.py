"""Tamper with a store the way a malicious DBA would, to prove that ``audit verify`` notices.

Every helper that edits events first disables the insert-only protection of ``events``
(SQLite: drops the ``events_no_update`` / ``events_no_delete`` triggers; PostgreSQL:
``ALTER TABLE events DISABLE TRIGGER USER``), then edits rows directly.  This is why it lives
in ``tests/`` and never in the installed package.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from rongcuo.domain.chain import GENESIS, canonical_fields, event_hash


def disable_insert_only(engine: sa.Engine) -> None:
    """Remove the database's refusal to UPDATE/DELETE events (as a DBA could)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER USER")
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS events_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS events_no_delete")


def delete_case_whole(engine: sa.Engine, case_id: str) -> None:
    """Remove a case and every row that refers to it (events, deadlines, issued documents,
    reporters, classifications …), as a DBA could, with every trigger and foreign key check
    that would refuse it switched off for the session."""
    insp = sa.inspect(engine)
    refs = [(t, fk["constrained_columns"][0]) for t in insp.get_table_names() if t != "cases"
            for fk in insp.get_foreign_keys(t) if fk["referred_table"] == "cases"]
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET session_replication_role = replica")
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
            names = [r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")]
            for name in names:
                conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}"')
            conn.commit()
        for table, col in refs:
            conn.execute(sa.text(f'DELETE FROM "{table}" WHERE "{col}" = :c'), {"c": case_id})
        conn.execute(sa.text("DELETE FROM cases WHERE id = :c"), {"c": case_id})
        conn.commit()
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET session_replication_role = DEFAULT")
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")


def event_row(engine: sa.Engine, case_id: str, seq: int) -> dict[str, Any]:
    """One stored event row as the driver returns it."""
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
    """DELETE one stored event."""
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
        forged["hash"] = forged_hash(forged)
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


def forged_hash(row: dict[str, Any]) -> str:
    """The chain hash a forger would compute for a row (so the row verifies on its own)."""
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


def rewrite_history(engine: sa.Engine, case_id: str, seq: int, column: str, value: Any) -> None:
    """A wholesale rewrite: change one event, then recompute every hash from there on and the
    case row's head, so the chain is self-consistent again (only a checkpoint kept outside the
    database can reveal it)."""
    set_event_field(engine, case_id, seq, column, value)
    with engine.connect().execution_options(rongcuo_read=True) as conn:
        rows = [dict(r) for r in conn.execute(
            sa.text("SELECT * FROM events WHERE case_id = :c ORDER BY seq"), {"c": case_id}
        ).mappings()]
    prev = rows[seq - 2]["hash"] if seq > 1 else GENESIS
    with engine.begin() as conn:
        for row in rows[seq - 1:]:
            row["prev_hash"] = prev
            h = forged_hash(row)
            conn.execute(
                sa.text("UPDATE events SET prev_hash = :p, hash = :h WHERE id = :i"),
                {"p": prev, "h": h, "i": row["id"]},
            )
            prev = h
        conn.execute(
            sa.text("UPDATE cases SET last_hash = :h WHERE id = :c"), {"h": prev, "c": case_id}
        )
