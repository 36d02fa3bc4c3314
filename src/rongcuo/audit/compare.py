"""Replayed cases against their stored rows: the case row (state, facts, timers, last step,
closed, subject, agency, opening date) and the deadline rows (due, status, provisional,
start, basis, next notice).

The stored JSON columns are compared as text first, in the store's own spelling
(:data:`rongcuo.adapters.db.codec.JSON_TEXT`, the very encoder the store writes with), and
parsed only when the text differs, so the common, sound case costs no parsing and a
different spelling of the same JSON is never a false alarm.  The costly expected values
(a timer's JSON, a deadline's basis) are made once per distinct immutable value they are a
function of and shared by the cases that have it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rongcuo.adapters.db.codec import JSON_TEXT, jsonable
from rongcuo.audit.findings import Finding
from rongcuo.audit.log import DeadlineRaw, StoredCase
from rongcuo.domain.case import CaseState, Deadline, TimerState
from rongcuo.domain.chain import format_recorded_at
from rongcuo.domain.periods import basis_holds

if TYPE_CHECKING:
    from rongcuo.domain.engine import Engine

_encode_key = json.encoder.encode_basestring
_CACHE_LIMIT = 65536  # entries per memo before it starts afresh (bounded memory)


def same_json(raw: Any, value: Any) -> bool:
    """Is the stored JSON ``raw`` (text on SQLite, parsed on PostgreSQL) equal to ``value``?

    The store writes ``JSON_TEXT(jsonable(value))``: compare that text first, then the
    default ``json.dumps`` spelling, and parse only when both differ."""
    if isinstance(raw, str):
        return raw == JSON_TEXT(value) or raw == json.dumps(value) or json.loads(raw) == value
    return bool(raw == value)


class TimerRows:
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
            if len(self._memo) >= _CACHE_LIMIT:
                self._memo.clear()
            d = t.to_dict()
            hit = self._memo[t] = (d, JSON_TEXT(d))
        return hit

    def same(self, raw: Any, timers: Mapping[str, TimerState]) -> bool:
        """``same_json(raw, timers_to_json(timers))``, without re-encoding shared timers."""
        if isinstance(raw, str) and all(n.__class__ is str for n in timers):
            text = "{" + ", ".join(
                _encode_key(n) + ": " + self._one(t)[1] for n, t in timers.items()
            ) + "}"
            if raw == text:  # == JSON_TEXT(timers_to_json(timers)), byte for byte
                return True
        return same_json(raw, {n: self._one(t)[0] for n, t in timers.items()})


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


def same_basis(raw: Any, value: Mapping[str, Any]) -> bool:
    """The stored basis matches when every field it recorded has the replayed value: a newer
    release may *add* explanation fields (the stored row was written by an older one), but no
    recorded field may change, read as the release that recorded it spelled bases
    (:func:`rongcuo.domain.periods.basis_holds`); the calendar file's path is ignored
    (:func:`portable_basis`)."""
    if isinstance(raw, str):
        # the store's own spelling first (SQLite keeps exactly this text); else parse it
        if raw == JSON_TEXT(value):
            return True
        raw = json.loads(raw)
    if not isinstance(raw, Mapping):
        return False
    return basis_holds(portable_basis(raw), portable_basis(jsonable(value)))


def _instant(at: Any) -> str | None:
    return format_recorded_at(at) if at else None


def deadline_raw(d: Deadline) -> tuple[Any, ...]:
    """A replayed deadline in the shape of :data:`~rongcuo.audit.log.DeadlineRaw`."""
    return (
        d.status,
        d.due.isoformat() if d.due else None,
        bool(d.provisional),
        jsonable(dict(d.basis)),
        d.started_on.isoformat(),
        d.next_notice,
        _instant(d.next_notice_at),
    )


DEADLINE_FIELDS = (
    "status", "due", "provisional", "basis", "started_on", "next_notice", "next_notice_at"
)


class ExpectedRows:
    """:func:`deadline_raw` of each replayed :class:`Deadline`, with the stored basis texts
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
            return deadline_raw(d), set()
        key = (workflow, d.timer, d.basis_key)
        hit = self._bases.get(key)
        if hit is None:
            if len(self._bases) >= _CACHE_LIMIT:
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
            _instant(d.next_notice_at),
        ), hit[1]


def _basis_and_text(value: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A basis as the JSON column holds it, and the store's text of it.  The engine's bases
    hold JSON values only, so they are encoded as they are (walking a ~2 KB basis with
    ``jsonable`` to convert nothing cost more than building it); anything the encoder
    refuses (a date) is converted first."""
    try:
        return value, JSON_TEXT(value)
    except (TypeError, ValueError):
        converted: dict[str, Any] = jsonable(value)
        return converted, JSON_TEXT(converted)


def calendar_gap(
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


def deadlines_differ(
    want: Iterable[Deadline], have: Mapping[str, tuple[Any, ...]],
    expected: ExpectedRows | None = None, workflow: tuple[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """(timers that differ, fields that differ) between replayed and stored deadlines."""
    timers: list[str] = []
    fields: set[str] = set()
    seen: set[str] = set()
    if expected is None:
        expected = ExpectedRows()
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
            DEADLINE_FIELDS[i]
            for i in range(7)
            if not (same_basis(row[i], exp[i]) if i == 3 else row[i] == exp[i])
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


class StoredRows:
    """Compares replayed cases with their stored rows; its caches serve one verification."""

    __slots__ = ("_expected", "_timer_rows")

    def __init__(self) -> None:
        self._expected = ExpectedRows()
        self._timer_rows = TimerRows()

    def case_row_differs(
        self, st: CaseState, case: StoredCase, opened: str | None
    ) -> list[str]:
        """The names of the case row's fields that the replayed state does not reproduce."""
        return [
            name
            for name, ok in (
                ("state", st.state == case.state),
                ("workflow_version", (st.workflow_id, st.workflow_version)
                 == (case.workflow_id, case.workflow_version)),
                ("last_on", st.last_on == case.last_on),
                ("closed", bool(st.closed) == case.closed),
                ("withdrawn", bool(st.withdrawn) == case.withdrawn),
                ("facts", same_json(case.facts_raw, jsonable(dict(st.facts)))),
                ("timers", self._timer_rows.same(case.timers_raw, st.timers)),
                # who and what the case is about, and when it opened: the hashed opening
                # event says so (the row's columns are copies a guard and the views read)
                ("subject", st.facts.get("subject", case.subject) == case.subject),
                ("agency", st.facts.get("agency", case.agency) == case.agency),
                ("opened_on", opened in (None, case.opened_on.isoformat())),
            )
            if not ok
        ]

    def compare(
        self,
        case: StoredCase,
        st: CaseState,
        engine: Engine,
        have: Mapping[str, DeadlineRaw],
        *,
        workflow: tuple[str, str],
        opened: str | None,
        seq: int,
        last_id: int,
    ) -> Finding | None:
        """The replayed state ``st`` (the case's log up to ``seq``, the event ``last_id``)
        against the stored case row and deadline rows ``have``; ``None`` when they agree.
        ``engine`` is the case's own definition version ``workflow``."""
        cid = case.id
        diff = self.case_row_differs(st, case, opened)
        if diff:
            return Finding(
                cid, "replay.case_row", seq, last_id,
                f"重放结果与存储的案件记录不符：{', '.join(diff)}",
                f"replay differs from the stored case row: {', '.join(diff)}",
            )
        timers, fields = deadlines_differ(engine.deadlines(st), have, self._expected, workflow)
        if not timers:
            return None
        gap = calendar_gap(timers, have, engine.calendar)
        if gap:
            years = "、".join(f"{y}（{f}）" if f else str(y) for y, f in gap)
            years_en = ", ".join(f"{y} ({f})" if f else str(y) for y, f in gap)
            return Finding(
                cid, "replay.calendar_missing", seq, last_id,
                f"无法复核期限 {', '.join(timers)}：存储时依据了 {years} 年的放假安排文件，本机没有"
                "该文件（请先 rongcuo calendar import 该年份文件再校验）；这不表明记录被改动",
                f"cannot re-derive the deadlines {', '.join(timers)}: they were computed with the "
                f"{years_en} holiday calendar, which this machine does not have (import it with "
                "`rongcuo calendar import`, then verify again); this does not show tampering",
            )
        return Finding(
            cid, "replay.deadlines", seq, last_id,
            f"重放得出的期限与存储的期限不符：{', '.join(timers)}（{', '.join(fields)}）",
            f"replayed deadlines differ from the stored ones: {', '.join(timers)} "
            f"({', '.join(fields)})",
        )
