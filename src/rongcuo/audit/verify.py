"""``audit verify``: is the stored log sound?

For every case (or one) the :class:`Verifier`, streaming the events in global order:

1. checks each event against its case's chain (:mod:`rongcuo.audit.chain_check`): ``seq``
   runs 1, 2, 3, … with no gap, repeat or reordering in the global order, ``prev_hash`` is
   the previous event's hash and ``hash`` is the event's own, recomputed with
   :func:`rongcuo.domain.chain.event_hash_of`; and every event names the case's definition
   version;
2. checks that the case row's head (``last_seq``, ``last_hash``, written in the same
   transaction as each append) is the log's last event — so a truncated tail shows;
3. replays the events through the case's *own* definition version (``Engine.apply_fields``,
   the fold of ``Engine.apply``) and compares the result with the stored case row (state,
   facts, timers, last step, closed) and the stored deadline rows (due, status, provisional,
   start, basis, next notice) (:mod:`rongcuo.audit.compare`).

Each broken case is named once, with the first event (``seq``, global ``id``) where it breaks
(:mod:`rongcuo.audit.findings`): a correction is always a new event (Licheng art. 14's 归档
record is never edited), so any difference is tampering or a defect, never a legitimate change.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from rongcuo.audit.chain_check import (
    check_event,
    head_mismatch,
    moved_later,
    no_events,
    row_missing,
    workflow_changed,
)
from rongcuo.audit.compare import StoredRows
from rongcuo.audit.findings import Finding, VerifyReport
from rongcuo.audit.log import DeadlineRaw, LoggedEvent, StoredCase
from rongcuo.domain.case import CaseState
from rongcuo.domain.chain import GENESIS
from rongcuo.domain.corrections import AMEND, VOID
from rongcuo.domain.errors import DomainError

if TYPE_CHECKING:
    from rongcuo.domain.engine import Engine

__all__ = ["EngineFor", "Finding", "Verifier", "VerifyReport", "gc_paused", "verify_log"]

EngineFor = Callable[[str, str], "Engine"]
EventsOf = Callable[[str, int], Sequence[LoggedEvent]]
_REREAD = frozenset({AMEND, VOID})
_fromisoformat = date.fromisoformat


class _Track:
    """One case while its events stream by: the last sound event, and the replayed state."""

    __slots__ = ("apply", "broken", "hash", "last_id", "opened", "seq", "settled", "state",
                 "workflow")

    def __init__(self, workflow: tuple[str, str]) -> None:
        self.seq = 0
        self.hash = GENESIS
        self.state: CaseState | None = None
        self.broken = False
        # compared with its stored rows as soon as the log reached the case row's head; the
        # replayed state is then dropped (see Verifier.feed)
        self.settled = False
        self.workflow = workflow
        self.last_id = 0
        self.opened: str | None = None  # the opening event's business date
        self.apply: Callable[[CaseState | None, str, date, Mapping[str, Any]], CaseState] | None = (
            None
        )


class Verifier:
    """Streaming verifier: :meth:`feed` every event in global order, then :meth:`finish`."""

    def __init__(
        self,
        engine_for: EngineFor | None,
        *,
        replay: bool = True,
        cases: Mapping[str, StoredCase] | None = None,
        deadlines: Mapping[str, Mapping[str, DeadlineRaw]] | None = None,
        events_of: EventsOf | None = None,
    ) -> None:
        """``events_of(case_id, seq)``: the case's events up to ``seq`` in the same snapshot
        (read again at an amendment or a voiding, :mod:`rongcuo.domain.corrections`).
        ``cases`` / ``deadlines``: the stored rows, when known before the stream starts —
        then each case is compared the moment its log reaches the case row's head (while
        its replayed state is fresh in memory) and its state is let go, so memory holds
        the cases in progress rather than every case of the log."""
        self.engine_for = engine_for
        self.replay = replay and engine_for is not None
        self.events_of = events_of
        self.tracks: dict[str, _Track] = {}
        self.findings: dict[str, Finding] = {}
        self.events = 0
        self._engines: dict[tuple[str, str], Engine] = {}
        self._cases = cases
        self._deadlines = deadlines if deadlines is not None else {}
        self._rows = StoredRows()

    def _break(self, t: _Track, found: Finding) -> None:
        t.broken = True
        self.findings[found.case_id] = found

    def _engine(self, key: tuple[str, str]) -> Engine:
        eng = self._engines.get(key)
        if eng is None:
            assert self.engine_for is not None
            eng = self._engines[key] = self.engine_for(*key)
        return eng

    def feed(self, ev: LoggedEvent) -> None:
        """Check one event (the next in global order) and fold it into its case's replay."""
        self.events += 1
        t = self.tracks.get(ev.case_id)
        if t is None:
            t = self.tracks[ev.case_id] = _Track((ev.workflow_id, ev.workflow_version))
        if t.broken:  # named at its first break; only a moved event renames it
            f = self.findings.get(ev.case_id)
            moved = moved_later(f, ev) if f is not None else None
            if moved is not None:
                self.findings[ev.case_id] = moved
            return
        found = check_event(t.seq, t.hash, ev)
        if found is None and (ev.workflow_id, ev.workflow_version) != t.workflow:
            found = workflow_changed(ev)
        if found is not None:
            self._break(t, found)
            return
        t.seq = ev.seq
        t.hash = ev.hash
        t.last_id = ev.id
        if ev.seq == 1:
            t.opened = str(ev.on)
        if t.settled:
            return  # past the case row's head: finish() names it (case.head)
        if self.replay:
            try:
                apply = t.apply
                if apply is None:
                    apply = t.apply = self._engine(t.workflow).apply_fields
                if ev.trigger in _REREAD:
                    t.state = self._corrected(t, ev)
                else:
                    t.state = apply(t.state, ev.trigger, _fromisoformat(ev.on), ev.data)
            except (DomainError, KeyError, ValueError, TypeError) as exc:
                self._break(t, Finding(
                    ev.case_id, "replay.failed", ev.seq, ev.id,
                    f"按本案的流程定义版本无法重放此事件：{exc}",
                    f"this event cannot be replayed under the case's own definition: {exc}",
                ))
                return
        if self._cases is not None:
            case = self._cases.get(ev.case_id)
            if case is not None and case.last_seq == ev.seq and case.last_hash == ev.hash:
                # the log reached the case row's head: compare now, then let the state go
                found = self._compare(case, t)
                if found is not None:
                    self.findings[ev.case_id] = found
                t.settled = True
                t.state = None

    def _corrected(self, t: _Track, ev: LoggedEvent) -> CaseState:
        """An amendment or voiding changes how earlier events read: the case is replayed
        again from its events up to this one (corrections are rare; the stream keeps no
        history of its own).  The events re-read must be the very ones streamed."""
        if self.events_of is None:
            raise ValueError("a correction needs the case's events (no reader given)")
        known = self.events_of(ev.case_id, ev.seq)
        if len(known) != ev.seq or known[-1].hash != ev.hash:
            raise ValueError("the case's events changed while they were read")
        return self._engine(t.workflow).replay(e.to_event() for e in known)

    def _compare(
        self,
        case: StoredCase,
        t: _Track,
        deadlines: Mapping[str, Mapping[str, DeadlineRaw]] | None = None,
    ) -> Finding | None:
        """The replayed case against its stored row and deadline rows (heads already equal)."""
        if not self.replay or t.state is None:
            return None
        have = (self._deadlines if deadlines is None else deadlines).get(case.id, {})
        return self._rows.compare(
            case, t.state, self._engine(t.workflow), have,
            workflow=t.workflow, opened=t.opened, seq=t.seq, last_id=t.last_id,
        )

    def finish(
        self,
        cases: Mapping[str, StoredCase],
        deadlines: Mapping[str, Mapping[str, DeadlineRaw]],
        *,
        only: str | None = None,
    ) -> list[Finding]:
        """Compare each replayed case with its stored row and deadlines; return findings
        sorted by case number."""
        for cid, case in cases.items():
            if only is not None and cid != only:
                continue
            t = self.tracks.get(cid)
            if t is None:
                self.findings[cid] = no_events(cid)
                continue
            if t.broken:
                continue
            found = head_mismatch(case, t.seq, t.hash, t.last_id)
            if found is None and not t.settled:  # settled: compared at its head (see feed)
                found = self._compare(case, t, deadlines)
            if found is not None:
                self.findings[cid] = found
        for cid in self.tracks:
            if cid not in cases and (only is None or cid == only):
                self.findings.setdefault(cid, row_missing(cid))
        out = []
        for cid, f in self.findings.items():
            num = cases[cid].number if cid in cases else None
            out.append(
                Finding(f.case_id, f.code, f.seq, f.event_id, f.message_zh, f.message_en, num)
            )
        return sorted(out, key=lambda f: (f.number or "", f.case_id))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, then restore it as it was.

    Every replayed case state (and every stored case and deadline row) stays alive until the
    comparison at the end: with a million events the collector would rescan that growing heap
    again and again (about a quarter of the time) for garbage verification does not make."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def verify_log(
    events: Iterable[LoggedEvent],
    cases: Mapping[str, StoredCase],
    deadlines: Mapping[str, Mapping[str, DeadlineRaw]],
    engine_for: EngineFor | None,
    *,
    only: str | None = None,
    replay: bool = True,
    events_of: EventsOf | None = None,
) -> VerifyReport:
    """Verify a stream of events against the stored case rows and deadlines."""
    t0 = time.perf_counter()
    v = Verifier(engine_for, replay=replay, cases=cases, deadlines=deadlines,
                 events_of=events_of)
    feed = v.feed
    with gc_paused():
        for ev in events:
            feed(ev)
        findings = v.finish(cases, deadlines, only=only)
    return VerifyReport(
        cases=len(v.tracks if only is None else [c for c in v.tracks if c == only]),
        events=v.events,
        seconds=time.perf_counter() - t0,
        findings=findings,
    )
