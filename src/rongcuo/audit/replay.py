"""``audit replay``: the case as the system knew it at a moment.

The case is rebuilt from its events alone, through the definition version it was filed under
(the engine's pure ``apply``), never from the stored case row.  ``as_of`` filters by
``recorded_at`` — when the system learned of a step — not by the business date: a step
recorded on day Y with a business date of Y−3 (back-dated) is invisible as of Y−1, because
on Y−1 nobody had told the system yet.  Deadlines come from the replayed timers, so a period
extended on day X (Licheng art. 17) shows the old due date as of X−1 and the new one as of X.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rongcuo.audit.log import LoggedEvent, Snapshot, StoredCase
from rongcuo.domain.case import CaseState, Deadline, met_late_on
from rongcuo.domain.chain import format_recorded_at
from rongcuo.domain.corrections import links
from rongcuo.domain.messages import message
from rongcuo.service.errors import CaseNotFound

MSG_CASE_NOT_FOUND = message(
    "case.not_found",
    "找不到案件“{ref}”（请使用案件 id 或案件编号）",
    "no case {ref!r} (give the case id or its number)",
)

if TYPE_CHECKING:
    from rongcuo.domain.engine import Engine


@dataclass(frozen=True)
class Replayed:
    case: StoredCase
    events: tuple[LoggedEvent, ...]  # the events known as of the moment
    state: CaseState | None  # None: nothing was recorded yet at that moment
    deadlines: tuple[Deadline, ...]
    as_of: datetime | None


def not_found(ref: str) -> CaseNotFound:
    return CaseNotFound.of(
        MSG_CASE_NOT_FOUND,
        ref=ref,
    )


def known_as_of(events: Sequence[LoggedEvent], as_of: datetime | None) -> list[LoggedEvent]:
    """The events recorded at or before ``as_of`` (all when None)."""
    if as_of is None:
        return list(events)
    cutoff = format_recorded_at(as_of.astimezone(UTC))  # same fixed-width UTC form: compare text
    return [e for e in events if e.recorded_at <= cutoff]


def replay_events(
    case: StoredCase,
    events: Sequence[LoggedEvent],
    engine_for: Callable[[str, str], Engine],
    as_of: datetime | None = None,
) -> Replayed:
    known = known_as_of(events, as_of)
    if not known:
        return Replayed(case, (), None, (), as_of)
    engine = engine_for(case.workflow_id, case.workflow_version)
    state = engine.replay(e.to_event() for e in known)
    return Replayed(case, tuple(known), state, tuple(engine.deadlines(state)), as_of)


def replay_case(
    snap: Snapshot,
    ref: str,
    engine_for: Callable[[str, str], Engine],
    as_of: datetime | None = None,
) -> Replayed:
    """Replay one case (by id or number) from the stored log."""
    cid = snap.find_case_id(ref)
    if cid is None:
        raise not_found(ref)
    case = snap.cases(cid)[cid]
    return replay_events(case, snap.case_events(cid), engine_for, as_of)


def _deadline_json(d: Deadline, state: CaseState | None) -> dict[str, Any]:
    out = d.to_dict()
    if d.next_notice_at is not None:  # as `case show --json` prints it: UTC
        out["next_notice_at"] = d.next_notice_at.astimezone(UTC).isoformat()
    late = met_late_on(d, state)  # as `case show --json` gives it
    out["met_late_on"] = late.isoformat() if late else None
    return out


def _event_json(e: LoggedEvent) -> dict[str, Any]:
    """The keys of ``case show --json``'s events: every hashed field (so the jq/sha256sum
    recipe of docs/store.md applies), ``id`` and ``by``."""
    return {
        "case_id": e.case_id, "seq": e.seq, "id": e.id, "trigger": e.trigger, "type": e.type,
        "on": e.on, "actor": e.actor, "by": e.actor, "article": e.article,
        "recorded_at": e.recorded_at, "data": e.data, "workflow_id": e.workflow_id,
        "workflow_version": e.workflow_version, "prev_hash": e.prev_hash, "hash": e.hash,
    }


def replayed_json(r: Replayed, allowed: list[str] | None = None) -> dict[str, Any]:
    """The ``case show --json`` shape, filled from the replay, plus ``as_of``, ``replayed``
    and the head (``last_seq``, ``last_hash``).  ``version`` is the number of events known at
    the moment: the store bumps ``cases.version`` once per commit, and the engine decides one
    event per command, so the two agree (a commit of several events would make the stored
    version smaller; ``last_seq`` is the exact head)."""
    st = r.state
    c = r.case
    linked = links([(e.seq, e.trigger, e.data) for e in r.events])  # as known then
    return {
        "id": c.id,
        "number": c.number,
        "workflow": c.workflow_id,
        "workflow_version": c.workflow_version,
        "state": st.state if st else None,
        "closed": bool(st.closed) if st else False,
        "subject": c.subject,
        "agency": c.agency,
        "opened_on": c.opened_on.isoformat(),
        "last_on": st.last_on.isoformat() if st and st.last_on else None,
        "version": len(r.events),
        "facts": json.loads(json.dumps(dict(st.facts), default=str)) if st else {},
        "deadlines": [_deadline_json(d, st) for d in r.deadlines],
        "withdrawn": bool(st.withdrawn) if st else False,
        "events": [{**_event_json(e), "superseded_by": linked.superseded_by.get(e.seq),
                    "voided_by": linked.voided_by.get(e.seq)} for e in r.events],
        "allowed": list(allowed or []),
        "as_of": r.as_of.astimezone(UTC).isoformat() if r.as_of else None,
        "replayed": True,
        "last_seq": r.events[-1].seq if r.events else 0,
        "last_hash": r.events[-1].hash if r.events else None,
    }
