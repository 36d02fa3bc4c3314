"""Deciding corrections (更正、撤销、误录撤回) and replaying a corrected history.

The reading of a corrected log is :func:`rongcuo.domain.corrections.effective_history`; this
module folds it (:func:`replay`) and decides a new correction: the engine re-decides the
corrected history from the step corrected onwards — every later step through its own guards
and date order, with the guard context its event recorded — and refuses a correction under
which a later step no longer holds (naming that step and its article) or would lead to
another state than the one recorded.  The state stored after a correction is the replay of
the log with the correction appended, so the case row always equals the replay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from rongcuo.domain import corrections as cx
from rongcuo.domain.case import CaseState, Command, Decision, Event
from rongcuo.domain.engine.common import NOTICE_TRIGGER, jsonable
from rongcuo.domain.errors import DomainError, InvalidInput, Refused
from rongcuo.domain.identity import parse_actor
from rongcuo.domain.messages import Message, message

MSG_REPLAY_EMPTY = message(
    "replay.empty",
    "没有事件可重放",
    "no events to replay",
)

if TYPE_CHECKING:
    from rongcuo.domain.engine.engine import Engine

__all__ = ["amend", "replay", "untrue_notices", "void", "withdraw"]

_KINDS = {NOTICE_TRIGGER: ("系统提醒记录", "a notice recorded by the scheduler"),
          cx.AMEND: ("更正记录", "an amendment"), cx.VOID: ("撤销记录", "a voiding"),
          cx.WITHDRAW: ("撤回记录", "a withdrawal")}


_IDENTITY = {"on": "日期", "subject": "容错纠错对象", "agency": "执法机关"}


def recorded_context(data: Mapping[str, Any]) -> dict[str, Any]:
    """The guard context the original decision saw, as recorded in its event data (the
    repeated-mistake guard's prior tolerances, Licheng art. 10)."""
    seen = data.get("repeated_mistake")
    context: dict[str, Any] = {}
    if isinstance(seen, dict) and seen.get("context_given"):
        context["prior_tolerances"] = list(seen.get("matches") or [])
    figures = data.get("figures")  # the annual figures as counted when compiled (统计年报)
    if isinstance(figures, dict):
        context["annual_figures"] = dict(figures)
    adopted = data.get("parameters")  # C2: the adopter's values the case opened with
    if isinstance(adopted, dict):
        context["adopter_parameters"] = dict(adopted)
    return context


def _notice_holds(engine: Engine, state: CaseState | None, data: Mapping[str, Any],
                  on: date) -> bool:
    """Is a notice recorded before a correction still true of the corrected history?"""
    if state is None:
        return False
    t = state.timers.get(str(data.get("timer")))
    if t is None or t.status not in ("running", "overdue", "paused") or t.stopped_on:
        return False
    notice = str(data.get("notice", ""))
    if notice == "overdue" or notice.startswith("escalation:"):
        due = engine.projection.due_for(state)(t.name)
        return due is not None and due < on
    return True


def _fold(engine: Engine, state: CaseState | None, item: cx.Effective) -> CaseState | None:
    ev = item.event
    if ev.trigger == NOTICE_TRIGGER and item.recheck and not _notice_holds(
            engine, state, ev.data, ev.on):
        return state  # recorded against a history the correction undid: not true any more
    return engine.apply(state, ev)


def replay(engine: Engine, events: Sequence[Event]) -> CaseState:
    """Rebuild a case from its events, corrections applied (seq = position + 1)."""
    state: CaseState | None = None
    for item in cx.effective_history(events):
        state = _fold(engine, state, item)
    if state is None:
        raise InvalidInput.of(
            MSG_REPLAY_EMPTY,
        )
    return state


def untrue_notices(engine: Engine, events: Sequence[Event]) -> list[int]:
    """The seqs of the notices the corrected reading leaves out (recorded before a
    correction that made them untrue): a count of overdue marks leaves them out too."""
    state: CaseState | None = None
    out: list[int] = []
    for item in cx.effective_history(events):
        after = _fold(engine, state, item)
        if after is state and item.event.trigger == NOTICE_TRIGGER:
            out.append(item.seq)
        state = after
    return out


# ------------------------------------------------------------------ deciding a correction
def _check_target(engine: Engine, events: Sequence[Event], seq: int, verb: tuple[str, str],
                  state: CaseState) -> Event:
    if state.withdrawn:
        raise Refused.of(cx.WITHDRAWN, on=_withdrawn_on(events))
    if not 1 <= seq <= len(events):
        raise InvalidInput.of(cx.NO_SUCH_SEQ, seq=seq, last=len(events))
    ev = events[seq - 1]
    if ev.trigger in _KINDS or ev.trigger not in engine.definition.triggers:
        zh, en = _KINDS.get(ev.trigger, ("系统记录", "a record kept by the system"))
        raise InvalidInput.of(cx.NOT_A_STEP, seq=seq, what=zh, what_en=en, verb=verb[0],
                              verb_en=verb[1])
    voided = cx.links([(i, e.trigger, e.data) for i, e in enumerate(events, 1)]).voided_by
    if seq in voided:
        raise Refused.of(cx.ALREADY_VOIDED, seq=seq, label=_label(engine, ev.trigger),
                         by=voided[seq], verb=verb[0], verb_en=verb[1])
    return ev


def _withdrawn_on(events: Sequence[Event]) -> str:
    return next((e.on.isoformat() for e in events if e.trigger == cx.WITHDRAW), "")


def _label(engine: Engine, trigger: str) -> str:
    spec = engine.definition.triggers.get(trigger)
    return spec.label_zh if spec else trigger


def _inputs(engine: Engine, ev: Event) -> dict[str, Any]:
    """What the step was given (its declared data fields), as a command carries it."""
    spec = engine.definition.triggers[ev.trigger]
    return {k: v for k, v in ev.data.items() if k in spec.data}


def _redecide(engine: Engine, state: CaseState | None, item: cx.Effective,
              msg: Message) -> CaseState | None:
    """Re-decide a later step of the corrected history (see the module docstring)."""
    ev = item.event
    spec = engine.definition.triggers.get(ev.trigger)
    if spec is None or spec.opens or state is None:
        # a notice, a record of access, a withdrawal: nothing to re-decide
        return _fold(engine, state, cx.Effective(item.seq, ev, recheck=True))
    cmd = Command(ev.trigger, ev.on, ev.actor, _inputs(engine, ev))
    where: dict[str, Any] = {"seq": item.seq, "label": spec.label_zh, "trigger": ev.trigger,
                             "basis": spec.article}
    try:
        got = engine.decide(state, cmd, recorded_context(ev.data)).events[0]
    except DomainError as exc:
        raise Refused.of(msg, article=spec.article, reason=exc.message_zh,
                         reason_en=exc.message_en,
                         details={**where, "cause": exc.code}, **where) from exc
    was, now = ev.data.get("to_state"), got.data.get("to_state")
    if was is not None and was != now:
        raise Refused.of(cx.ROUTE_CHANGED, article=spec.article, was=was, now=now,
                         details={**where, "was": was, "now": now}, **where)
    return engine.apply(state, ev)


def _walk(engine: Engine, history: Sequence[cx.Effective], seq: int, msg: Message,
          replace: Any) -> None:
    """Fold the corrected history, re-deciding from ``seq`` on; ``replace(state)`` decides
    the corrected step itself (None: it is left out)."""
    state: CaseState | None = None
    for item in history:
        if item.seq < seq:
            state = _fold(engine, state, item)
        elif item.seq == seq:
            state = replace(state)
        else:
            state = _redecide(engine, state, item, msg)


def _correction(engine: Engine, events: Sequence[Event], trigger: str, on: date, actor: str,
                article: str, data: dict[str, Any]) -> Decision:
    ev = Event(trigger, cx.TYPES[trigger], on, actor, article, data)
    state = replay(engine, [*events, ev])
    return Decision(events=(ev,), state=state, deadlines=engine.deadlines(state))


def _same_person(approver: str, author: str) -> bool:
    """Whether ``approver`` (a login, or an operator's text) wrote the entry ``author``
    (an event's actor: a signed-in user's record names its login, :mod:`..identity`)."""
    name = approver.strip()
    if name == author.strip():
        return True
    who = parse_actor(author)
    return bool(who["kind"] != "operator" and name == who["login"])


def _common(reason: str, approved_by: str | None, author: str) -> dict[str, Any]:
    if not reason.strip():
        raise InvalidInput.of(cx.BLANK_REASON)
    # Four eyes: the approver is not the entry's author.  A signed-in user's approval is
    # theirs (the service makes the approver the ``head`` of the case's unit who records the
    # correction, ``authz.check_correction``); an operator's names are compared as text.
    if approved_by is not None and _same_person(approved_by, author):
        raise Refused.of(cx.SAME_APPROVER, approver=approved_by)
    return {"reason": reason, "approved_by": approved_by}


def amend(engine: Engine, events: Sequence[Event], seq: int, *, on: date | None,
          sets: Mapping[str, Any], actor: str, reason: str, approved_by: str | None,
          today: date) -> Decision:
    """更正: step ``seq`` happened on ``on`` and/or with the data ``sets``, not as recorded."""
    state = replay(engine, events)
    ev = _check_target(engine, events, seq, ("更正", "amended"), state)
    spec = engine.definition.triggers[ev.trigger]
    common = _common(reason, approved_by, ev.actor)
    history = cx.effective_history(events)
    cur = next(i.event for i in history if i.seq == seq)
    unknown = sorted(k for k in sets if k not in spec.data)
    if unknown:
        raise InvalidInput.of(cx.UNKNOWN_FIELD, label=spec.label_zh, trigger=spec.name,
                              keys="、".join(unknown), declared=", ".join(spec.data))
    if spec.opens:
        fixed = sorted(k for k in sets if k in ("subject", "agency"))
        if on is not None and on != cur.on:
            fixed.insert(0, "on")
        if fixed:
            raise Refused.of(cx.OPENING_IDENTITY, keys="、".join(_IDENTITY[k] for k in fixed),
                             keys_en=", ".join(fixed), article=spec.article)
    if (on is None or on == cur.on) and all(jsonable(v) == cur.data.get(k)
                                            for k, v in sets.items()):
        raise InvalidInput.of(cx.NOTHING_TO_AMEND)
    new_on = on or cur.on
    inputs = {**_inputs(engine, cur), **sets}
    decided: list[Event] = []

    def replace(before: CaseState | None) -> CaseState:
        cmd = Command(ev.trigger, new_on, ev.actor, inputs)
        ctx = recorded_context(cur.data)
        d = engine.open(cmd, ctx) if before is None else engine.decide(before, cmd, ctx)
        decided.append(d.events[0])
        return d.state

    _walk(engine, history, seq, cx.BREAKS_LATER, replace)
    new = decided[0]
    was = {k: cur.data.get(k) for k in sets if cur.data.get(k) != jsonable(sets[k])}
    return _correction(engine, events, cx.AMEND, today, actor, spec.article, {
        "target": seq, "trigger": ev.trigger, "on": new_on.isoformat(),
        "data": {k: jsonable(v) for k, v in new.data.items()},
        "set": {k: jsonable(v) for k, v in sets.items()},
        "was": {"on": cur.on.isoformat(), "data": was}, **common,
    })


def void(engine: Engine, events: Sequence[Event], seq: int, *, actor: str, reason: str,
         approved_by: str | None, today: date) -> Decision:
    """撤销: step ``seq`` never happened; a later step only reachable through it is named."""
    state = replay(engine, events)
    ev = _check_target(engine, events, seq, ("撤销", "voided"), state)
    spec = engine.definition.triggers[ev.trigger]
    if spec.opens:
        raise Refused.of(cx.OPENING_VOID, article=spec.article)
    common = _common(reason, approved_by, ev.actor)
    _walk(engine, cx.effective_history(events), seq, cx.DEPENDENT_STEP, lambda s: s)
    return _correction(engine, events, cx.VOID, today, actor, spec.article, {
        "target": seq, "trigger": ev.trigger, **common,
    })


def withdraw(engine: Engine, events: Sequence[Event], *, on: date, actor: str, reason: str,
             approved_by: str | None) -> Decision:
    """误录撤回: the case was opened by mistake; it is closed as withdrawn on ``on``."""
    state = replay(engine, events)
    if state.withdrawn:
        raise Refused.of(cx.WITHDRAWN, on=_withdrawn_on(events))
    opener = engine.definition.open_trigger
    if state.closed:
        st = engine.definition.states.get(state.state)
        raise Refused.of(cx.WITHDRAW_CLOSED, state=st.label_zh if st else state.state,
                         article=st.article if st else None)
    if state.last_on is not None and on < state.last_on:
        raise Refused.of(cx.WITHDRAW_BEFORE, on=on.isoformat(), last=state.last_on.isoformat())
    common = _common(reason, approved_by, events[0].actor)
    return _correction(engine, events, cx.WITHDRAW, on, actor, opener.article,
                       {"from_state": state.state, **common})
