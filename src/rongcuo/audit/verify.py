"""``audit verify``: is the stored log sound?

For every case (or one) the verifier, streaming the events in global order:

1. recomputes each event's hash with :func:`rongcuo.domain.chain.event_hash` and checks that
   ``prev_hash`` is the previous event's hash (the chain);
2. checks that ``seq`` runs 1, 2, 3, … with no gap, repeat or reordering in the global order;
3. checks that the case row's head (``last_seq``, ``last_hash``, written in the same
   transaction as each append) is the log's last event — so a truncated tail shows;
4. replays the events through the case's *own* definition version (``Engine.apply_fields``,
   the fold of ``Engine.apply``) and, at the end, compares the result with the stored case
   row (state, facts, timers, last step, closed) and the stored deadline rows (due, status,
   provisional, start, basis, next notice).

Each broken case is named once, with the first event (``seq``, global ``id``) where it breaks:
a correction is always a new event (Licheng art. 14's 归档 record is never edited), so any
difference is tampering or a defect, never a legitimate change.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from rongcuo.adapters.db.codec import JSON_TEXT, jsonable
from rongcuo.audit.log import DeadlineRaw, LoggedEvent, StoredCase
from rongcuo.domain.case import CaseState, Deadline, TimerState
from rongcuo.domain.chain import GENESIS, event_hash_of
from rongcuo.domain.errors import DomainError
from rongcuo.domain.periods import basis_holds

_fromisoformat = date.fromisoformat

if TYPE_CHECKING:
    from rongcuo.domain.engine import Engine

EngineFor = Callable[[str, str], "Engine"]


@dataclass(frozen=True)
class Finding:
    """The first place one case's record breaks."""

    case_id: str
    code: str
    seq: int | None
    event_id: int | None
    message_zh: str
    message_en: str
    number: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "number": self.number,
            "code": self.code,
            "seq": self.seq,
            "event_id": self.event_id,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }

    def line(self, lang: str = "zh") -> str:
        who = self.number or self.case_id
        where = f" seq={self.seq}" if self.seq is not None else ""
        where += f" id={self.event_id}" if self.event_id is not None else ""
        msg = self.message_zh if lang == "zh" else self.message_en
        return f"{who} ({self.case_id}){where}: [{self.code}] {msg}"


@dataclass
class VerifyReport:
    cases: int = 0
    events: int = 0
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)  # checkpoint problems
    extra_meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings and not self.extra

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cases": self.cases,
            "events": self.events,
            "seconds": round(self.seconds, 3),
            "events_per_second": round(self.events / self.seconds) if self.seconds else None,
            "broken": [f.to_dict() for f in self.findings],
            "checkpoint": {**self.extra_meta, "problems": self.extra} if self.extra_meta else None,
            "drift": self.drift,
        }


class _Track:
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
            "next_notice_at": _utc(nna) if nna else None,
        }
    return out


def _utc(at: Any) -> str:
    from rongcuo.domain.chain import format_recorded_at

    return format_recorded_at(at)


def _same_json(raw: Any, value: Any) -> bool:
    """Is the stored JSON ``raw`` (text on SQLite, parsed on PostgreSQL) equal to ``value``?

    The store writes ``json.dumps(jsonable(value))``: compare that text first (no parsing for
    the common, sound case), and parse only when the text differs — a different spelling of
    the same JSON is never a false alarm."""
    if isinstance(raw, str):
        return (
            raw == _store_text(value)  # the store's own spelling (ensure_ascii=False)
            or raw == json.dumps(value)
            or json.loads(raw) == value
        )
    return bool(raw == value)


_store_text = JSON_TEXT  # the store's own spelling of a JSON column (adapters.db.codec)


class _TimerRows:
    """The stored ``timers`` column compared cheaply: ``TimerState.to_dict()`` and its JSON
    text are made once per distinct timer state (replayed cases that ended alike share them),
    and the column's text is put together from those pieces exactly as ``json.dumps`` writes
    a dict (``{"name": {…}, …}``)."""

    __slots__ = ("_memo",)

    def __init__(self) -> None:
        # keyed by value: equal (frozen) timer states have equal dicts and texts
        self._memo: dict[TimerState, tuple[dict[str, Any], str]] = {}

    def _one(self, t: TimerState) -> tuple[dict[str, Any], str]:
        hit = self._memo.get(t)
        if hit is None:
            if len(self._memo) >= 65536:
                self._memo.clear()
            d = t.to_dict()
            hit = self._memo[t] = (d, _store_text(d))
        return hit

    def same(self, raw: Any, timers: Mapping[str, TimerState]) -> bool:
        """``_same_json(raw, timers_to_json(timers))``, without re-encoding shared timers."""
        if isinstance(raw, str) and all(n.__class__ is str for n in timers):
            text = "{" + ", ".join(
                _encode_key(n) + ": " + self._one(t)[1] for n, t in timers.items()
            ) + "}"
            if raw == text:  # == _store_text(timers_to_json(timers)), byte for byte
                return True
        return _same_json(raw, {n: self._one(t)[0] for n, t in timers.items()})


_encode_key = json.encoder.encode_basestring


def portable_basis(basis: Mapping[str, Any]) -> dict[str, Any]:
    """The basis without where the calendar file happened to be on disk (``years[].file``):
    the legal basis is the notice (title, number, date), not an installation's path."""
    out = dict(basis)
    years = out.get("years")
    if isinstance(years, list):
        out["years"] = [
            {k: v for k, v in y.items() if k != "file"} if isinstance(y, Mapping) else y
            for y in years
        ]
    return out


def _same_basis(raw: Any, value: Mapping[str, Any]) -> bool:
    """The stored basis matches when every field it recorded has the replayed value: a newer
    release may *add* explanation fields (the stored row was written by an older one), but no
    recorded field may change, read as the release that recorded it spelled bases
    (:func:`rongcuo.domain.periods.basis_holds`); the calendar file's path is ignored
    (:func:`portable_basis`)."""
    if isinstance(raw, str):
        # the store's own spelling first (SQLite keeps exactly this text); else parse it
        if raw == _store_text(value):
            return True
        raw = json.loads(raw)
    if not isinstance(raw, Mapping):
        return False
    return basis_holds(portable_basis(raw), portable_basis(jsonable(value)))


def _deadline_raw(d: Deadline) -> tuple[Any, ...]:
    return (
        d.status,
        d.due.isoformat() if d.due else None,
        bool(d.provisional),
        jsonable(dict(d.basis)),
        d.started_on.isoformat(),
        d.next_notice,
        _utc(d.next_notice_at) if d.next_notice_at else None,
    )


_DEADLINE_FIELDS = (
    "status", "due", "provisional", "basis", "started_on", "next_notice", "next_notice_at"
)


class _ExpectedRows:
    """:func:`_deadline_raw` of each replayed :class:`Deadline`, with the stored basis texts
    already found to match it.

    The basis (a due date's full explanation — the expensive part) is a pure function of the
    timer's :attr:`Deadline.basis_key` under one definition version and calendar, so it is
    built and encoded once per distinct key: cases whose timers started the same day with the
    same pauses and extensions — most cases of a working day — share it.  The other fields
    are cheap and taken from each deadline itself."""

    __slots__ = ("_bases",)

    def __init__(self) -> None:
        self._bases: dict[tuple[Any, ...], tuple[Any, set[str]]] = {}

    def get(
        self, d: Deadline, workflow: tuple[str, str] | None = None
    ) -> tuple[tuple[Any, ...], set[str]]:
        if d.basis_key is None:
            return _deadline_raw(d), set()
        key = (workflow, d.timer, d.basis_key)
        hit = self._bases.get(key)
        if hit is None:
            if len(self._bases) >= 65536:
                self._bases.clear()
            value, text = _basis_and_text(dict(d.basis))
            # the store's own spelling of this basis is known good at once (SQLite keeps it)
            hit = self._bases[key] = (value, {text})
        return (
            d.status,
            d.due.isoformat() if d.due else None,
            bool(d.provisional),
            hit[0],
            d.started_on.isoformat(),
            d.next_notice,
            _utc(d.next_notice_at) if d.next_notice_at else None,
        ), hit[1]


def _basis_and_text(value: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A basis as the JSON column holds it, and the store's text of it.  The engine's bases
    hold JSON values only, so they are encoded as they are (walking a ~2 KB basis with
    ``jsonable`` to convert nothing cost more than building it); anything the encoder
    refuses (a date) is converted first."""
    try:
        return value, _store_text(value)
    except (TypeError, ValueError):
        converted: dict[str, Any] = jsonable(value)
        return converted, _store_text(converted)


def _calendar_gap(
    timers: Iterable[str], have: Mapping[str, tuple[Any, ...]], calendar: Any
) -> list[tuple[int, str | None]]:
    """The calendar years a stored deadline was computed with from an official file that this
    machine's calendar lacks (year, file name) — an auditor's missing file, not tampering."""
    gap: dict[int, str | None] = {}
    for timer in timers:
        row = have.get(timer)
        if row is None:
            continue
        basis = row[3]
        if isinstance(basis, str):
            try:
                basis = json.loads(basis)
            except ValueError:
                continue
        for y in (basis or {}).get("years") or () if isinstance(basis, Mapping) else ():
            year = y.get("year") if isinstance(y, Mapping) else None
            if isinstance(year, int) and not y.get("provisional") and calendar.year(year) is None:
                gap[year] = y.get("file")
    return sorted(gap.items())


def _deadlines_differ(
    want: Iterable[Deadline], have: Mapping[str, tuple[Any, ...]],
    expected: _ExpectedRows | None = None, workflow: tuple[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """(timers that differ, fields that differ) between replayed and stored deadlines."""
    timers: list[str] = []
    fields: set[str] = set()
    seen: set[str] = set()
    if expected is None:
        expected = _ExpectedRows()
    for d in want:
        seen.add(d.timer)
        row = have.get(d.timer)
        if row is None:
            timers.append(d.timer)
            fields.add("missing row")
            continue
        exp, good_bases = expected.get(d, workflow)
        raw_basis = row[3]
        if row[:3] == exp[:3] and row[4:] == exp[4:] and (
            raw_basis.__class__ is str and raw_basis in good_bases
        ):
            continue  # the common, sound case: this very basis text matched before
        bad = [
            _DEADLINE_FIELDS[i]
            for i in range(7)
            if not (_same_basis(row[i], exp[i]) if i == 3 else row[i] == exp[i])
        ]
        if "basis" not in bad and raw_basis.__class__ is str and len(good_bases) < 8:
            good_bases.add(raw_basis)
        if bad:
            timers.append(d.timer)
            fields.update(bad)
    for extra in set(have) - seen:
        timers.append(extra)
        fields.add("unexpected row")
    return sorted(timers), sorted(fields)


class Verifier:
    """Streaming verifier: :meth:`feed` every event in global order, then :meth:`finish`."""

    def __init__(
        self,
        engine_for: EngineFor | None,
        *,
        replay: bool = True,
        cases: Mapping[str, StoredCase] | None = None,
        deadlines: Mapping[str, Mapping[str, DeadlineRaw]] | None = None,
    ) -> None:
        """``cases`` / ``deadlines``: the stored rows, when known before the stream starts —
        then each case is compared the moment its log reaches the case row's head (while
        its replayed state is fresh in memory) and its state is let go, so memory holds
        the cases in progress rather than every case of the log."""
        self.engine_for = engine_for
        self.replay = replay and engine_for is not None
        self.tracks: dict[str, _Track] = {}
        self.findings: dict[str, Finding] = {}
        self.events = 0
        self._engines: dict[tuple[str, str], Engine] = {}
        self._cases = cases
        self._deadlines = deadlines if deadlines is not None else {}
        self._expected = _ExpectedRows()
        self._timer_rows = _TimerRows()

    def _break(
        self, t: _Track, ev: LoggedEvent, code: str, zh: str, en: str, seq: int | None = None
    ) -> None:
        t.broken = True
        self.findings[ev.case_id] = Finding(
            ev.case_id, code, ev.seq if seq is None else seq, ev.id, zh, en
        )

    def _engine(self, key: tuple[str, str]) -> Engine:
        eng = self._engines.get(key)
        if eng is None:
            assert self.engine_for is not None
            eng = self._engines[key] = self.engine_for(*key)
        return eng

    def feed(self, ev: LoggedEvent) -> None:
        self.events += 1
        t = self.tracks.get(ev.case_id)
        if t is None:
            t = self.tracks[ev.case_id] = _Track((ev.workflow_id, ev.workflow_version))
        if t.broken:
            f = self.findings.get(ev.case_id)
            if f is not None and f.code == "seq.gap" and f.seq == ev.seq:
                # the "missing" event turns up later in the global order: it was moved
                self.findings[ev.case_id] = Finding(
                    ev.case_id, "seq.order", f.seq, ev.id,
                    f"第 {ev.seq} 号事件在全局顺序中被移到了后面（事件顺序被改动）",
                    f"event seq {ev.seq} was moved later in the global order (reordered)",
                )
            return
        expected = t.seq + 1
        if ev.seq != expected:
            if ev.seq < expected:
                self._break(
                    t, ev, "seq.order",
                    f"第 {ev.seq} 号事件出现在第 {t.seq} 号之后（顺序被改动或重复）",
                    f"event seq {ev.seq} comes after seq {t.seq} in the global order "
                    "(reordered or repeated)",
                )
            else:
                self._break(
                    t, ev, "seq.gap",
                    f"缺少第 {expected} 号事件（第 {t.seq} 号之后直接是第 {ev.seq} 号）",
                    f"event seq {expected} is missing (seq {t.seq} is followed by {ev.seq})",
                    seq=expected,
                )
            return
        if ev.prev_hash != t.hash:
            self._break(
                t, ev, "chain.prev_hash",
                "prev_hash 不是上一事件的哈希（事件被删除、插入或替换）",
                "prev_hash is not the previous event's hash (an event was deleted, inserted "
                "or replaced)",
            )
            return
        if event_hash_of(
            ev.case_id, ev.seq, ev.prev_hash, ev.trigger, ev.type, ev.on, ev.actor, ev.article,
            ev.data, ev.workflow_id, ev.workflow_version, ev.recorded_at,
        ) != ev.hash:
            self._break(
                t, ev, "chain.hash",
                "事件内容与其哈希不符（存储后被改动）",
                "the event's content does not match its hash (altered after it was stored)",
            )
            return
        if (ev.workflow_id, ev.workflow_version) != t.workflow:
            self._break(
                t, ev, "case.workflow_changed",
                "事件的流程定义版本与本案立案时的版本不同",
                "the event names a different definition version than the case was filed under",
            )
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
                t.state = apply(t.state, ev.trigger, _fromisoformat(ev.on), ev.data)
            except (DomainError, KeyError, ValueError, TypeError) as exc:
                self._break(
                    t, ev, "replay.failed",
                    f"按本案的流程定义版本无法重放此事件：{exc}",
                    f"this event cannot be replayed under the case's own definition: {exc}",
                )
                return
        if self._cases is not None:
            case = self._cases.get(ev.case_id)
            if case is not None and case.last_seq == ev.seq and case.last_hash == ev.hash:
                found = self._compare(ev.case_id, case, t)
                if found is not None:
                    self.findings[ev.case_id] = found
                t.settled = True
                t.state = None

    def _compare(
        self,
        cid: str,
        case: StoredCase,
        t: _Track,
        deadlines: Mapping[str, Mapping[str, DeadlineRaw]] | None = None,
    ) -> Finding | None:
        """The replayed case against its stored row and deadline rows (heads already equal)."""
        if not self.replay or t.state is None:
            return None
        st = t.state
        diff = [
            name
            for name, ok in (
                ("state", st.state == case.state),
                ("workflow_version", (st.workflow_id, st.workflow_version)
                 == (case.workflow_id, case.workflow_version)),
                ("last_on", st.last_on == case.last_on),
                ("closed", bool(st.closed) == case.closed),
                ("facts", _same_json(case.facts_raw, jsonable(dict(st.facts)))),
                ("timers", self._timer_rows.same(case.timers_raw, st.timers)),
                # who and what the case is about, and when it opened: the hashed opening
                # event says so (the row's columns are copies a guard and the views read)
                ("subject", st.facts.get("subject", case.subject) == case.subject),
                ("agency", st.facts.get("agency", case.agency) == case.agency),
                ("opened_on", t.opened in (None, case.opened_on.isoformat())),
            )
            if not ok
        ]
        if diff:
            return Finding(
                cid, "replay.case_row", t.seq, t.last_id,
                f"重放结果与存储的案件记录不符：{', '.join(diff)}",
                f"replay differs from the stored case row: {', '.join(diff)}",
            )
        have = (self._deadlines if deadlines is None else deadlines).get(cid, {})
        engine = self._engine(t.workflow)
        timers, fields = _deadlines_differ(engine.deadlines(st), have, self._expected, t.workflow)
        gap = _calendar_gap(timers, have, engine.calendar) if timers else []
        if gap:
            years = "、".join(f"{y}（{f}）" if f else str(y) for y, f in gap)
            years_en = ", ".join(f"{y} ({f})" if f else str(y) for y, f in gap)
            return Finding(
                cid, "replay.calendar_missing", t.seq, t.last_id,
                f"无法复核期限 {', '.join(timers)}：存储时依据了 {years} 年的放假安排文件，本机没有"
                "该文件（请先 rongcuo calendar import 该年份文件再校验）；这不表明记录被改动",
                f"cannot re-derive the deadlines {', '.join(timers)}: they were computed with the "
                f"{years_en} holiday calendar, which this machine does not have (import it with "
                "`rongcuo calendar import`, then verify again); this does not show tampering",
            )
        if timers:
            return Finding(
                cid, "replay.deadlines", t.seq, t.last_id,
                f"重放得出的期限与存储的期限不符：{', '.join(timers)}（{', '.join(fields)}）",
                f"replayed deadlines differ from the stored ones: {', '.join(timers)} "
                f"({', '.join(fields)})",
            )
        return None

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
                self.findings[cid] = Finding(
                    cid, "case.no_events", None, None,
                    "案件存在但没有任何事件（历史被删除）",
                    "the case row exists but it has no events (history deleted)",
                )
                continue
            if t.broken:
                continue
            if (case.last_seq, case.last_hash) != (t.seq, t.hash):
                # the store keeps the head (last seq and its hash) on the case row in the
                # same transaction as the append: a log that ends earlier lost its tail
                truncated = case.last_seq > t.seq
                self.findings[cid] = Finding(
                    cid, "case.truncated" if truncated else "case.head",
                    t.seq + 1 if truncated else t.seq, None if truncated else t.last_id,
                    f"案件记录的最后事件为第 {case.last_seq} 号，但日志止于第 {t.seq} 号"
                    + ("（尾部事件被截断）" if truncated else "（头哈希不符）"),
                    f"the case row's head is seq {case.last_seq} but the log ends at seq "
                    f"{t.seq}" + (" (the tail was truncated)" if truncated else
                                  " (head hash differs)"),
                )
                continue
            if t.settled:
                continue  # compared when its log reached the head (see feed)
            found = self._compare(cid, case, t, deadlines)
            if found is not None:
                self.findings[cid] = found
        for cid in self.tracks:
            if cid not in cases and (only is None or cid == only):
                self.findings.setdefault(
                    cid,
                    Finding(
                        cid, "case.row_missing", None, None,
                        "日志中有此案件的事件，但案件记录不存在",
                        "the log has events of this case but its case row is missing",
                    ),
                )
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
) -> VerifyReport:
    """Verify a stream of events against the stored case rows and deadlines."""
    t0 = time.perf_counter()
    v = Verifier(engine_for, replay=replay, cases=cases, deadlines=deadlines)
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
