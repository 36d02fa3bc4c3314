"""The recorded histories of ``tests/fixtures/histories/*.json``: writing one from a store,
loading one into an empty store, and the serialisations that compare a replay with what was
recorded (``expected.state``, ``expected.deadlines``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.db import tables
from rongcuo.audit.compare import portable_basis
from rongcuo.audit.log import Snapshot, StoredCase
from rongcuo.domain.case import CaseState, Deadline
from rongcuo.domain.chain import GENESIS, format_recorded_at


def _norm(v: Any) -> Any:
    """JSON-normalise (tuples → lists, dates already strings) for comparison."""
    return json.loads(json.dumps(v, sort_keys=True, default=str))


def state_row(state: CaseState) -> dict[str, Any]:
    """The part of a case row that replay must reproduce exactly."""
    return {
        "workflow_id": state.workflow_id,
        "workflow_version": state.workflow_version,
        "state": state.state,
        "facts": _norm(dict(state.facts)),
        "timers": _norm({n: t.to_dict() for n, t in state.timers.items()}),
        "last_on": state.last_on.isoformat() if state.last_on else None,
        "closed": bool(state.closed),
    }


def stored_row(case: StoredCase) -> dict[str, Any]:
    """:func:`state_row` of a stored case row."""
    return {
        "workflow_id": case.workflow_id,
        "workflow_version": case.workflow_version,
        "state": case.state,
        "facts": _norm(case.facts),
        "timers": _norm(case.timers),
        "last_on": case.last_on.isoformat() if case.last_on else None,
        "closed": bool(case.closed),
    }


def deadline_rows(deadlines: Iterable[Deadline]) -> dict[str, dict[str, Any]]:
    """Replayed deadlines as a history records its deadline rows, by timer."""
    out: dict[str, dict[str, Any]] = {}
    for d in deadlines:
        dd = d.to_dict()
        nna = d.next_notice_at
        out[d.timer] = {
            "timer": d.timer,
            "status": d.status,
            "due": dd["due"],
            "provisional": bool(d.provisional),
            "basis": _norm(portable_basis(d.basis)),
            "started_on": dd["started_on"],
            "next_notice": d.next_notice,
            "next_notice_at": format_recorded_at(nna) if nna else None,
        }
    return out


def history_document(engine: sa.Engine, case_id: str, **meta: Any) -> dict[str, Any]:
    """A recorded history as kept in the fixtures: the case identity, every stored event
    (hashed fields, hash, global id) and what the system held — the case row's state and the
    deadline rows."""
    with Snapshot(engine) as snap:
        case = snap.cases(case_id)[case_id]
        events = snap.case_events(case_id)
        dls = snap.deadlines(case_id).get(case_id, {})
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
            last_hash=evs[-1]["hash"] if evs else GENESIS, created_at=now, updated_at=now,
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
