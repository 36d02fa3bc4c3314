"""Bodies and their obligations: register a body, set a parameter, record a fulfilment, note
an occurrence, and show where every obligation stands.

Every write goes through the unit of work (:meth:`rongcuo.service.context.App.unit_of_work`):
the rows are written in its transaction, before its one COMMIT.  The catalogue of obligations
is loaded at the edge (``rongcuo.definitions.obligation_files``) and passed in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from rongcuo.adapters.supervision import obligations as rows
from rongcuo.domain.errors import DefinitionError, InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.obligations import (
    Body,
    Obligation,
    ObligationCatalogue,
    Period,
    owed_notices,
    parse_period,
    period_kind,
    period_of,
    preceding,
    standing,
)
from rongcuo.domain.obligations.periods import CALENDAR_KINDS
from rongcuo.domain.obligations.plan import BAD_PERIOD, due_for
from rongcuo.service.context import App
from rongcuo.service.errors import CaseNotFound, InvalidRequest

BODY_EXISTS = message("body.exists", "机构 {unit} 已登记", "body {unit} is already registered")
BODY_UNKNOWN_KIND = message(
    "body.unknown_kind", "机构类别 {kind} 不在任何义务文件中（已有：{known}）",
    "body kind {kind} is named by no obligations file (known: {known})")
NO_BODY = message("body.not_found", "没有登记机构 {unit}", "no body {unit} is registered")
NO_OBLIGATION = message("obligation.not_found", "没有义务 {obligation}（已有：{known}）",
                        "no obligation {obligation} (known: {known})")
NOT_OWED = message("obligation.not_owed", "{unit}（{kinds}）不负有义务“{title}”",
                   "{unit} ({kinds}) does not owe '{title}'")
NO_PARAMETER = message("obligation.unknown_parameter", "义务文件中没有参数 {name}（已有：{known}）",
                       "no obligations file declares the parameter {name} (known: {known})")
BAD_DAYS = message("obligation.bad_days", "参数 {name} 须为正整数天数，不能是 {value}",
                   "parameter {name} must be a positive number of days, not {value}")
BAD_PERIOD_KEY = message("obligation.bad_period_key",
                         "“{period}”不是“{title}”的周期（如 {example}）",
                         "'{period}' is not a period of '{title}' (e.g. {example})")
NEEDS_REF = message("obligation.needs_reference",
                    "“{title}”由具体事项引起，须写明所属事项的编号",
                    "'{title}' is owed per occurrence: name the occurrence it counts for")
NOT_OCCURRENCE = message("obligation.not_occurrence", "“{title}”按周期计算，不由某一事项引起",
                         "'{title}' is owed per period, not per occurrence")


class BodyNotFound(CaseNotFound):
    code = "body.not_found"


@dataclass(frozen=True)
class RegisterBody:
    unit_id: str
    name: str
    kinds: tuple[str, ...]
    since: date
    actor: str
    parent: str | None = None


@dataclass(frozen=True)
class SetParameter:
    name: str
    value: str
    on: date
    actor: str


@dataclass(frozen=True)
class RecordFulfilment:
    """Something done towards an obligation on ``on``; ``period``: the period it counts for
    (default: the period containing ``on``, or — for a report on a past period — the one
    before it)."""

    unit_id: str
    obligation: str
    on: date
    ref: str
    actor: str
    period: str | None = None


@dataclass(frozen=True)
class NoteOccurrence:
    """An occurrence that starts an obligation's clock (a daily assessment's report reviewed:
    the 7 days of 蒲县考核制度第五条第4项 run from it); ``ref`` names it."""

    unit_id: str
    obligation: str
    on: date
    ref: str
    actor: str


def period_id(obligation: str, unit_id: str, key: str) -> str:
    """A period row's id, the same for every sweeper (racing inserts collide on it)."""
    digest = hashlib.sha256(f"{obligation}\x1f{unit_id}\x1f{key}".encode()).hexdigest()
    return f"ob-{digest[:32]}"


def _obligation(cat: ObligationCatalogue, obligation_id: str) -> Obligation:
    ob = cat.get(obligation_id)
    if ob is None:
        raise InvalidRequest.of(NO_OBLIGATION, obligation=obligation_id,
                                known=", ".join(o.id for o in cat.obligations))
    return ob


def _body(conn: sa.Connection, unit_id: str) -> Body:
    body = next((b for b in rows.load_bodies(conn) if b.unit_id == unit_id), None)
    if body is None:
        raise BodyNotFound.of(NO_BODY, unit=unit_id)
    return body


def list_bodies(app: App) -> list[Body]:
    """Every registered body."""
    with app.store.read() as conn:
        return rows.load_bodies(conn)


def current_settings(app: App) -> dict[str, Any]:
    """The parameters the adopting body has set, by name."""
    with app.store.read() as conn:
        return rows.load_settings(conn)


def register_body(app: App, cat: ObligationCatalogue, cmd: RegisterBody,
                  known_kinds: Sequence[str]) -> Body:
    """Register a body (its kinds decide what it owes)."""
    for k in cmd.kinds:
        if k not in known_kinds:
            raise InvalidInput.of(BODY_UNKNOWN_KIND, kind=k, known=", ".join(known_kinds))
    body = Body(cmd.unit_id, cmd.name, tuple(cmd.kinds), cmd.parent, cmd.since)
    with app.unit_of_work() as uow:
        if any(b.unit_id == cmd.unit_id for b in rows.load_bodies(uow.conn)):
            raise InvalidRequest.of(BODY_EXISTS, unit=cmd.unit_id)
        at = app.clock.now()
        uow.after_write(lambda conn, _r: rows.insert_body(conn, body, cmd.actor, at))
        uow.commit()
    return body


def set_parameter(app: App, cat: ObligationCatalogue, cmd: SetParameter) -> Any:
    """Set a parameter the source leaves blank (recorded with who and when; a period already
    owed keeps the value it was computed with)."""
    p = cat.parameter(cmd.name)
    if p is None:
        raise InvalidInput.of(NO_PARAMETER, name=cmd.name,
                              known=", ".join(x.name for x in cat.parameters))
    periodic = any(o.period == cmd.name for o in cat.obligations)
    value: Any
    if periodic:
        value = cmd.value.strip()
        if value not in CALENDAR_KINDS:
            raise InvalidInput.of(BAD_PERIOD, name=cmd.name, value=value, article=p.article)
    else:
        if not cmd.value.strip().isdigit() or int(cmd.value) < 1:
            raise InvalidInput.of(BAD_DAYS, name=cmd.name, value=cmd.value, article=p.article)
        value = int(cmd.value)
    with app.unit_of_work() as uow:
        at = app.clock.now()
        uow.after_write(lambda conn, _r: rows.insert_setting(conn, cmd.name, value, cmd.on,
                                                             cmd.actor, at))
        uow.commit()
    return value


def fulfilment_period(ob: Obligation, on: date, given: str | None,
                      settings: dict[str, Any]) -> str:
    """The period a fulfilment on ``on`` counts for (see :class:`RecordFulfilment`)."""
    kind = period_kind(ob, settings)
    if kind is None or kind == "occurrence":
        if given is None:
            raise InvalidInput.of(NEEDS_REF, title=ob.title_zh, article=ob.article)
        return given
    if given is not None:
        if parse_period(kind, given) is None:
            raise InvalidInput.of(BAD_PERIOD_KEY, period=given, title=ob.title_zh,
                                  example=period_of(kind, on).key, article=ob.article)
        return given
    current = period_of(kind, on)
    return current.key if ob.due.kind == "end_of_period" else preceding(kind, current).key


def record_fulfilment(app: App, cat: ObligationCatalogue, cmd: RecordFulfilment) -> str:
    """Record a fulfilment; the period row, if it exists, is re-planned in the same
    transaction (a met obligation owes no more reminders).  Returns the period key."""
    ob = _obligation(cat, cmd.obligation)
    with app.unit_of_work() as uow:
        body = _body(uow.conn, cmd.unit_id)
        if not ob.owed_by(body):
            raise InvalidRequest.of(NOT_OWED, unit=body.name, kinds="、".join(body.kinds),
                                    title=ob.title_zh)
        settings = rows.load_settings(uow.conn)
        key = fulfilment_period(ob, cmd.on, cmd.period, settings)
        at = app.clock.now()

        def write(conn: sa.Connection, _r: Any) -> None:
            rows.insert_fulfilment(conn, obligation=ob.id, unit_id=body.unit_id,
                                   period_key=key, on=cmd.on, ref=cmd.ref, actor=cmd.actor,
                                   at=at)
            replan(conn, cat, [period_id(ob.id, body.unit_id, key)], at, step_types(app))

        uow.after_write(write)
        uow.commit()
    return key


def note_occurrence(app: App, cat: ObligationCatalogue, cmd: NoteOccurrence) -> rows.PeriodRow:
    """Open the period an occurrence starts (its due date counted from ``on``)."""
    ob = _obligation(cat, cmd.obligation)
    if ob.period != "occurrence":
        raise InvalidRequest.of(NOT_OCCURRENCE, title=ob.title_zh)
    with app.unit_of_work() as uow:
        body = _body(uow.conn, cmd.unit_id)
        if not ob.owed_by(body):
            raise InvalidRequest.of(NOT_OWED, unit=body.name, kinds="、".join(body.kinds),
                                    title=ob.title_zh)
        due = due_for(ob, Period(cmd.ref, cmd.on, cmd.on), app.calendar,
                      rows.load_settings(uow.conn))
        at = app.clock.now()
        row = new_row(ob, body.unit_id, Period(cmd.ref, cmd.on, cmd.on), due.due,
                      due.provisional, due.basis, [], at)
        uow.after_write(lambda conn, _r: rows.insert_periods(conn, [row], at))
        uow.commit()
    return row


def new_row(ob: Obligation, unit_id: str, p: Period, due: date, provisional: bool,
            basis: dict[str, Any], fulfilled_on: Sequence[date], now: datetime
            ) -> rows.PeriodRow:
    """A period row as first written: its standing and next notice as of ``now`` (what is
    already due is left for the sweep to record)."""
    st = standing(ob, due, fulfilled_on, now)
    first = _first_open(ob, due, fulfilled_on, now)
    return rows.PeriodRow(period_id(ob.id, unit_id, p.key), ob.id, unit_id, p.key, p.start,
                          p.end, due, provisional, basis, st.status,
                          first[0] if first else None, first[1] if first else None)


def _first_open(ob: Obligation, due: date, fulfilled_on: Sequence[date],
                now: datetime) -> tuple[str, datetime] | None:
    now_due, nxt = owed_notices(ob, due, fulfilled_on, (), now)
    return now_due[0] if now_due else nxt


EventTypes = Callable[[str, str], str | None]


def step_types(app: App) -> EventTypes:
    """(workflow, trigger) → the event type its newest definition records; None when no such
    procedure or step is defined (then no case can hold it, and nothing is queried)."""
    def of(workflow: str, trigger: str) -> str | None:
        try:
            t = app.definition(workflow).triggers.get(trigger)
        except DefinitionError:  # definition.not_found: no such procedure (yet)
            return None
        return t.event if t is not None else None

    return of


def fulfilments(conn: sa.Connection, cat: ObligationCatalogue, bodies: Sequence[Body],
                settings: dict[str, Any], event_type: EventTypes
                ) -> dict[tuple[str, str, str], list[date]]:
    """Every standing fulfilment's date by (obligation, unit, period): those recorded, and the
    case steps an obligation counts by itself (``fulfilled_by``: a round concluded, a report
    filed), so a fulfilment is never entered twice."""
    out = rows.fulfilled_dates(conn)
    for ob in cat.obligations:
        kind = period_kind(ob, settings)
        owing = [b for b in bodies if ob.owed_by(b)]
        if not ob.fulfilled_by or not owing or kind is None:
            continue
        unit_of = {**{b.name: b.unit_id for b in owing}, **{b.unit_id: b.unit_id for b in owing}}
        for fb in ob.fulfilled_by:
            kind_of_event = event_type(fb.workflow, fb.trigger)
            if kind_of_event is None:
                continue
            for agency, on, facts in rows.step_events(conn, fb.workflow, fb.trigger,
                                                      kind_of_event, list(unit_of)):
                if any(str(facts.get(k)) != str(v) for k, v in fb.facts):
                    continue
                if fb.period_fact is not None:
                    if facts.get(fb.period_fact) is None:
                        continue
                    key = str(facts[fb.period_fact])
                elif kind == "occurrence":
                    continue
                else:
                    key = period_of(kind, on).key
                out.setdefault((ob.id, unit_of[agency], key), []).append(on)
    return out


def replan(conn: sa.Connection, cat: ObligationCatalogue, ids: Sequence[str],
           now: datetime, event_type: EventTypes) -> None:
    """Re-plan period rows after their fulfilments changed (nothing recorded here)."""
    found = rows.period_rows(conn, ids=ids)
    if not found:
        return
    dates = fulfilments(conn, cat, rows.load_bodies(conn), rows.load_settings(conn),
                        event_type)
    recorded = rows.recorded_notices(conn, [r.id for r in found])
    out = []
    for r in found:
        ob = cat.get(r.obligation)
        if ob is None:
            continue
        got = dates.get((r.obligation, r.unit_id, r.period_key), [])
        st = standing(ob, r.due, got, now)
        now_due, nxt = owed_notices(ob, r.due, got, recorded[r.id], now)
        first = now_due[0] if now_due else nxt
        out.append(r.moved(st.status, first[0] if first else None, first[1] if first else None))
    rows.update_periods(conn, out, now)
