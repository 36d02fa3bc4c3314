"""The stored log's own consistency, one event at a time and without replay.

Every event must continue its case: ``seq`` runs 1, 2, 3, … in the global order with no gap,
repeat or reordering; ``prev_hash`` is the previous event's hash (:data:`GENESIS` for the
first); ``hash`` is :func:`rongcuo.domain.chain.event_hash_of` of its content; every event
names the definition version the case was filed under.  At the end the case row's head
(``last_seq``, ``last_hash``, written in the same transaction as each append) must be the
log's last event, so a truncated tail shows.

:func:`check_event` is pure: the caller streams the events in global order and carries each
case's last sound ``(seq, hash)``.  The other functions name what :class:`Verifier
<rongcuo.audit.verify.Verifier>` finds from that state.
"""

from __future__ import annotations

from rongcuo.audit.findings import Finding
from rongcuo.audit.log import LoggedEvent, StoredCase
from rongcuo.domain.chain import event_hash_of


def check_event(last_seq: int, last_hash: str, ev: LoggedEvent) -> Finding | None:
    """The first way ``ev`` fails to continue its case, whose last sound event so far is
    ``last_seq`` with hash ``last_hash`` (``0`` and GENESIS before the first); ``None`` when
    it continues the chain."""
    expected = last_seq + 1
    if ev.seq != expected:
        if ev.seq < expected:
            return Finding(
                ev.case_id, "seq.order", ev.seq, ev.id,
                f"第 {ev.seq} 号事件出现在第 {last_seq} 号之后（顺序被改动或重复）",
                f"event seq {ev.seq} comes after seq {last_seq} in the global order "
                "(reordered or repeated)",
            )
        return Finding(
            ev.case_id, "seq.gap", expected, ev.id,
            f"缺少第 {expected} 号事件（第 {last_seq} 号之后直接是第 {ev.seq} 号）",
            f"event seq {expected} is missing (seq {last_seq} is followed by {ev.seq})",
        )
    if ev.prev_hash != last_hash:
        return Finding(
            ev.case_id, "chain.prev_hash", ev.seq, ev.id,
            "prev_hash 不是上一事件的哈希（事件被删除、插入或替换）",
            "prev_hash is not the previous event's hash (an event was deleted, inserted or "
            "replaced)",
        )
    if event_hash_of(
        ev.case_id, ev.seq, ev.prev_hash, ev.trigger, ev.type, ev.on, ev.actor, ev.article,
        ev.data, ev.workflow_id, ev.workflow_version, ev.recorded_at,
    ) != ev.hash:
        return Finding(
            ev.case_id, "chain.hash", ev.seq, ev.id,
            "事件内容与其哈希不符（存储后被改动）",
            "the event's content does not match its hash (altered after it was stored)",
        )
    return None


def moved_later(found: Finding, ev: LoggedEvent) -> Finding | None:
    """An event of a case already broken by a missing ``seq``: when it is that very ``seq``,
    turning up later in the global order, the event was moved rather than deleted."""
    if found.code != "seq.gap" or found.seq != ev.seq:
        return None
    return Finding(
        ev.case_id, "seq.order", found.seq, ev.id,
        f"第 {ev.seq} 号事件在全局顺序中被移到了后面（事件顺序被改动）",
        f"event seq {ev.seq} was moved later in the global order (reordered)",
    )


def workflow_changed(ev: LoggedEvent) -> Finding:
    """``ev`` names another definition version than the case's first event."""
    return Finding(
        ev.case_id, "case.workflow_changed", ev.seq, ev.id,
        "事件的流程定义版本与本案立案时的版本不同",
        "the event names a different definition version than the case was filed under",
    )


def head_mismatch(
    case: StoredCase, last_seq: int, last_hash: str, last_id: int
) -> Finding | None:
    """The case row's head against the log's last event of the case (``None``: they agree).

    The store keeps the head on the case row in the same transaction as the append: a log
    that ends earlier lost its tail; one that ends elsewhere has an event past the head."""
    if (case.last_seq, case.last_hash) == (last_seq, last_hash):
        return None
    truncated = case.last_seq > last_seq
    return Finding(
        case.id, "case.truncated" if truncated else "case.head",
        last_seq + 1 if truncated else last_seq, None if truncated else last_id,
        f"案件记录的最后事件为第 {case.last_seq} 号，但日志止于第 {last_seq} 号"
        + ("（尾部事件被截断）" if truncated else "（头哈希不符）"),
        f"the case row's head is seq {case.last_seq} but the log ends at seq {last_seq}"
        + (" (the tail was truncated)" if truncated else " (head hash differs)"),
    )


def no_events(case_id: str) -> Finding:
    """A case row with no event at all."""
    return Finding(
        case_id, "case.no_events", None, None,
        "案件存在但没有任何事件（历史被删除）",
        "the case row exists but it has no events (history deleted)",
    )


def row_missing(case_id: str) -> Finding:
    """Events of a case whose case row is gone."""
    return Finding(
        case_id, "case.row_missing", None, None,
        "日志中有此案件的事件，但案件记录不存在",
        "the log has events of this case but its case row is missing",
    )
