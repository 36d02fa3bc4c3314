"""The case engine: decide a command against a definition, fold events into state.

Pure: the business date comes in the :class:`~rongcuo.domain.case.Command`, the calendar
is given to the constructor, and nothing reads the wall clock.

* One ``transitions`` machine is compiled per definition version (cache keyed by
  ``(id, version)``) and shared by every case and every :class:`Engine` of that version.  It
  is built with ``auto_transitions=False`` (no ``to_<state>()`` shortcuts) and no model: each
  :meth:`Engine.decide` runs the machine's event on a small transient model that is released
  when the call returns (``benchmarks/bench_engine.py`` proves it with a weakref).
* Guards are the machine's conditions.  They never return ``False``: they pass or raise
  :class:`~rongcuo.domain.errors.Refused` naming the rule and citing the article.
* Callbacks have no side effects: :meth:`decide` returns the events, :meth:`apply` folds them.
* Due dates are never stored: :meth:`deadlines` derives them from each ``TimerState``, the
  timer's period rule and the calendar (so loading a calendar year recomputes them).

Clock pauses (历城办法第十六条): ``pause_clock`` on P and ``resume_clock`` on R record the
inclusive pause [P, R-1] — the clock stops on the day the appraisal is commissioned and runs
again on the day its result arrives; R == P is no pause.  While paused the timer's status is
``paused`` and its due date is ``None``.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from transitions import Machine, MachineError

from rongcuo.domain.calendar import WorkCalendar
from rongcuo.domain.case import (
    CaseState,
    Command,
    Deadline,
    Decision,
    Event,
    Extension,
    Pause,
    TimerState,
)
from rongcuo.domain.definition import (
    DataField,
    GuardSpec,
    TimerSpec,
    TransitionSpec,
    TriggerSpec,
    WorkflowDefinition,
)
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.domain.guards import GUARD_RULES, GuardCall
from rongcuo.domain.legal_time import end_of_day as _end_of_day
from rongcuo.domain.legal_time import start_of_day as _start_of_day
from rongcuo.domain.periods import DueDate, PeriodRule, compute_due
from rongcuo.domain.strict import iso_date, whole_number

NEW = "_new"  # the machine's pseudo-state before a case is opened
NOTICE_TRIGGER = "notice"
ACTIVE = frozenset({"running", "overdue", "paused"})
NOTICE_TYPES = {
    "reminder": "ReminderRecorded",
    "overdue": "DeadlineOverdue",
    "escalation": "DeadlineEscalated",
}


# --------------------------------------------------------------------------- the machine
@dataclass
class _Step:
    """The transient model one decide() runs the shared machine on."""

    state: str
    engine: Engine
    case: CaseState | None
    command: Command
    data: Mapping[str, Any]
    context: Mapping[str, Any]
    seen: dict[str, Any] = field(default_factory=dict)
    call: GuardCall | None = None

    def guard_call(self, guard: GuardSpec) -> GuardCall:
        """One GuardCall per decision, re-pointed at each guard in turn."""
        call = self.call
        if call is None:
            call = self.call = GuardCall(
                spec=guard,
                definition=self.engine.definition,
                case=self.case,
                command=self.command,
                data=self.data,
                context=self.context,
                due=self.engine._due_for(self.case),
                allowed=tuple(self.engine.allowed_triggers(self.case)) if self.case else (),
                seen=self.seen,
            )
        else:
            call.spec = guard
        return call


def _condition(guard: GuardSpec) -> Any:
    rule = GUARD_RULES[guard.rule]

    def check(event_data: Any) -> bool:
        step: _Step = event_data.model
        rule.check(step.guard_call(guard))  # writes what it saw into step.seen
        return True  # a failing rule has raised Refused; never a silent False

    check.__name__ = f"guard_{guard.rule}"
    return check


def _builtin(trigger: str) -> Any:
    """The timer rules every definition gets: pause/resume order and extension limits."""

    def check(event_data: Any) -> bool:
        step: _Step = event_data.model
        step.engine._check_timer_ops(step.case, trigger, step.command, step.data)
        return True

    check.__name__ = "timer_rules"
    return check


def _compile(definition: WorkflowDefinition) -> Machine:
    transitions: list[dict[str, Any]] = []
    timer_ops = {
        name
        for spec in definition.timers.values()
        for name in (spec.pause_by, spec.resume_by, spec.extension.by if spec.extension else None)
        if name
    }
    for t in definition.triggers.values():
        for tr in t.transitions:
            conditions = [_condition(g) for g in (*t.guards, *tr.guards)]
            if t.name in timer_ops:
                conditions.append(_builtin(t.name))
            sources = [NEW] if t.opens else list(tr.sources)
            transitions.append(
                {"trigger": t.name, "source": sources, "dest": tr.dest, "conditions": conditions}
            )
    return Machine(
        model=None,
        states=[NEW, *definition.states],
        transitions=transitions,
        initial=NEW,
        auto_transitions=False,
        send_event=True,
    )


_MACHINES: dict[tuple[str, str], tuple[WorkflowDefinition, Machine]] = {}


def compiled_machine(definition: WorkflowDefinition) -> Machine:
    """The one machine of a definition version (compiled once, shared by all cases)."""
    hit = _MACHINES.get(definition.key)
    if hit is not None and (hit[0] is definition or hit[0] == definition):
        return hit[1]
    machine = _compile(definition)
    _MACHINES[definition.key] = (definition, machine)
    return machine


# --------------------------------------------------------------------------- helpers
def _iso(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, tuple | list):
        return [_iso(x) for x in v]
    return v


def _as_date(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))


_TRUE = {"true", "1", "yes", "y", "是", "t"}
_FALSE = {"false", "0", "no", "n", "否", "f"}


def _bad(key: str, zh: str, en: str, trigger: str) -> InvalidInput:
    return InvalidInput(
        f"“{trigger}”的数据 {key}：{zh}",
        f"'{trigger}' data '{key}': {en}",
        code="input.invalid_field",
        details={"key": key, "trigger": trigger},
    )


class _LazyBasis(Mapping[str, Any]):
    """A due date's explanation, built only when someone reads it (the store, a person).

    ``DueDate.basis`` re-runs the computation with a trace; most decisions never need it.
    """

    __slots__ = ("_data", "_due")

    def __init__(self, due: DueDate) -> None:
        self._due = due
        self._data: dict[str, Any] | None = None

    def _get(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self._due.basis
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(self._get())


def _active(t: TimerState) -> bool:
    """Still counting (running, paused, or overdue but not yet stopped)."""
    return t.status in ACTIVE and t.stopped_on is None




# --------------------------------------------------------------------------- the engine
class Engine:
    """Decides commands for every case of one definition version."""

    def __init__(self, definition: WorkflowDefinition, calendar: WorkCalendar) -> None:
        self.definition = definition
        self.calendar = calendar
        self._machine = compiled_machine(definition)
        self._opener = definition.open_trigger
        # Lookup tables (per definition, shared by every case): what may be fired in each
        # state, and the period rules of the timers (PeriodRule validation runs once).
        self._sources = {n: frozenset(t.sources) for n, t in definition.triggers.items()}
        self._allowed: dict[str, list[str]] = {
            s: [n for n, t in definition.triggers.items() if not t.opens and s in self._sources[n]]
            for s in definition.states
        }
        self._rules: dict[tuple[str, int | None], PeriodRule] = {}
        # A Deadline depends only on its TimerState (+ per-case days) and this engine's
        # calendar, so it is memoised per TimerState object; the entry dies with the last
        # case state holding that TimerState (weak keys), so nothing is kept per case.
        self._projected: weakref.WeakKeyDictionary[TimerState, tuple[int | None, Deadline]] = (
            weakref.WeakKeyDictionary()
        )
        # apply()'s per-trigger plan (its spec and the timers it can act on)
        # and its per-(trigger, state) destination, built on first use: replaying a million
        # events must not rescan the definition for each one.
        self._plans: dict[str, tuple[TriggerSpec, tuple[TimerSpec, ...]]] = {}
        self._dests: dict[tuple[str, str], str] = {}

    # ---------------------------------------------------------------- deciding
    def open(self, command: Command, context: Mapping[str, Any] | None = None) -> Decision:
        """Open a new case with the definition's opening trigger (``open``)."""
        d = self.definition
        if command.trigger != self._opener.name:
            raise Refused(
                f"新案件只能以“{self._opener.name}”启动",
                f"a new case can only be opened with '{self._opener.name}'",
                code="case.wrong_state",
                article=self._opener.article,
                allowed=(self._opener.name,),
            )
        frm, to = d.in_force
        if (frm and command.on < frm) or (to and command.on > to):
            span = f"{frm.isoformat() if frm else '…'} 至 {to.isoformat() if to else '…'}"
            raise Refused(
                f"{d.title} 的施行期间为 {span}，{command.on.isoformat()} 不在其内",
                f"{d.id} {d.version} is in force {span.replace('至', 'to')}; "
                f"{command.on.isoformat()} is outside it",
                code="case.outside_in_force",
                article=d.in_force_article,
            )
        return self._run(None, NEW, self._opener, command, context or {})

    def decide(
        self, case: CaseState, command: Command, context: Mapping[str, Any] | None = None
    ) -> Decision:
        """Refuse (``Refused`` / ``InvalidInput``) or return the events of ``command``."""
        self._check_version(case)
        allowed = self.allowed_triggers(case)
        if case.closed:
            raise Refused(
                f"案件已办结（{self._state_label(case.state)}），不能再进行“{command.trigger}”",
                f"the case is closed ({case.state}); '{command.trigger}' is not possible",
                code="case.closed",
                article=self.definition.states[case.state].article,
            )
        spec = self.definition.triggers.get(command.trigger)
        if spec is None or spec.opens:
            raise Refused(
                f"本流程没有操作“{command.trigger}”",
                f"'{command.trigger}' is not a step of {self.definition.id}",
                code="case.unknown_trigger",
                allowed=allowed,
            )
        if case.last_on is not None and command.on < case.last_on:
            raise Refused(
                f"日期 {command.on.isoformat()} 早于上一步骤的日期 {case.last_on.isoformat()}",
                f"{command.on.isoformat()} is before the previous step "
                f"({case.last_on.isoformat()}); steps are recorded in order",
                code="case.date_before_previous_step",
                article=spec.article,
                allowed=allowed,
            )
        if case.state not in self._sources[spec.name]:
            where = "、".join(self._state_label(s) for s in spec.sources)
            raise Refused(
                f"当前状态为“{self._state_label(case.state)}”，不能进行“{spec.label_zh}”"
                f"（只能在 {where} 状态进行）",
                f"'{command.trigger}' is not allowed in state '{case.state}' "
                f"(only from {', '.join(spec.sources)})",
                code="case.wrong_state",
                article=spec.article,
                allowed=allowed,
            )
        return self._run(case, case.state, spec, command, context or {})

    def _run(
        self,
        case: CaseState | None,
        state: str,
        spec: TriggerSpec,
        command: Command,
        context: Mapping[str, Any],
    ) -> Decision:
        data = self._coerce(case, spec, command)
        step = _Step(state, self, case, command, data, context)
        try:
            self._machine.events[spec.name].trigger(step)
        except MachineError as exc:  # pragma: no cover - sources are checked above
            raise Refused(
                str(exc),
                str(exc),
                code="case.wrong_state",
                article=spec.article,
                allowed=self.allowed_triggers(case) if case else (),
            ) from None
        event_data: dict[str, Any] = {k: _iso(v) for k, v in data.items()}
        event_data.update(step.seen)
        event_data["from_state"] = None if state == NEW else state
        event_data["to_state"] = step.state
        if spec.opens:
            event_data["workflow"] = {"id": self.definition.id, "version": self.definition.version}
        event = Event(
            trigger=spec.name,
            type=spec.event,
            on=command.on,
            actor=command.actor,
            article=spec.article,
            data=event_data,
        )
        new = self.apply(case, event)
        return Decision(events=(event,), state=new, deadlines=self.deadlines(new))

    def _coerce(self, case: CaseState | None, spec: TriggerSpec, cmd: Command) -> dict[str, Any]:
        """Coerce ``--set KEY=VALUE`` strings by the trigger's declared fields."""
        out: dict[str, Any] = {}
        for key in cmd.data:
            if key not in spec.data:
                declared = ", ".join(spec.data) or "—"
                raise InvalidInput(
                    f"“{spec.name}”没有数据字段 {key}（可用：{declared}）",
                    f"'{spec.name}' has no data field '{key}' (declared: {declared})",
                    code="input.unknown_field",
                    details={"key": key, "trigger": spec.name},
                )
        for key, f in spec.data.items():
            raw = cmd.data.get(key)
            if raw is None or (isinstance(raw, str) and raw.strip() == ""):
                if f.required:
                    raise InvalidInput(
                        f"“{spec.name}”缺少必填数据 {key}（{f.label_zh}）",
                        f"'{spec.name}' needs data field '{key}'",
                        code="input.missing_field",
                        article=spec.article,
                        details={"key": key, "trigger": spec.name},
                    )
                continue
            out[key] = self._coerce_one(spec.name, f, raw, case, cmd)
        if "correction_required" in spec.data and "correction_required" not in out:
            outcome = out.get("outcome")
            if outcome is not None:
                out["correction_required"] = self.definition.outcomes[outcome].correction
        return out

    def _coerce_one(
        self, trigger: str, f: DataField, raw: Any, case: CaseState | None, cmd: Command
    ) -> Any:
        key = f.name
        if f.type == "str":
            if not isinstance(raw, str):
                raise _bad(key, "应为文字", "must be text", trigger)
            return raw.strip()
        if f.type == "int":
            try:
                n = (
                    raw
                    if isinstance(raw, int) and not isinstance(raw, bool)
                    else whole_number(str(raw))
                )
            except ValueError:
                raise _bad(
                    key,
                    f"“{raw}”不是整数（只用数字 0-9）",
                    f"'{raw}' is not a whole number (digits 0-9 only)",
                    trigger,
                ) from None
            if f.min is not None and n < f.min:
                raise _bad(key, f"不得小于 {f.min}", f"must be at least {f.min}", trigger)
            return n
        if f.type == "date":
            try:
                d = raw if isinstance(raw, date) else iso_date(str(raw))
            except ValueError:
                raise _bad(
                    key,
                    f"“{raw}”不是日期（YYYY-MM-DD）",
                    f"'{raw}' is not a date (YYYY-MM-DD)",
                    trigger,
                ) from None
            # A field named *_on records when something already happened: it lies between
            # the previous step and this step's own date.
            if key.endswith("_on"):
                if d > cmd.on:
                    raise _bad(
                        key,
                        f"{d.isoformat()} 晚于本步骤日期 {cmd.on.isoformat()}",
                        f"{d.isoformat()} is after this step's date {cmd.on.isoformat()}",
                        trigger,
                    )
                if case is not None and case.last_on is not None and d < case.last_on:
                    raise _bad(
                        key,
                        f"{d.isoformat()} 早于上一步骤日期 {case.last_on.isoformat()}",
                        f"{d.isoformat()} is before the previous step {case.last_on.isoformat()}",
                        trigger,
                    )
            elif d < cmd.on:
                raise _bad(
                    key,
                    f"{d.isoformat()} 早于本步骤日期",
                    f"{d.isoformat()} is before this step's date",
                    trigger,
                )
            return d
        if f.type == "enum":
            v = str(raw).strip()
            if v not in f.values:
                raise _bad(
                    key,
                    f"“{v}”不在可选值 {', '.join(f.values)} 之中",
                    f"'{v}' is not one of {', '.join(f.values)}",
                    trigger,
                )
            return v
        if f.type == "bool":
            if isinstance(raw, bool):
                return raw
            v = str(raw).strip().lower()
            if v in _TRUE:
                return True
            if v in _FALSE:
                return False
            raise _bad(key, f"“{raw}”不是 true/false", f"'{raw}' is not true/false", trigger)
        # list / items
        values = raw.split(",") if isinstance(raw, str) else list(raw)
        items = tuple(str(v).strip() for v in values if str(v).strip())
        if not items:
            raise _bad(key, "不能为空", "must not be empty", trigger)
        if f.type == "items":
            repeated = sorted({i for i in items if items.count(i) > 1})
            if repeated:
                raise _bad(
                    key,
                    f"{', '.join(repeated)} 重复填写（每一项只写一次）",
                    f"{', '.join(repeated)} given more than once (name each item once)",
                    trigger,
                )
            unknown = [i for i in items if self.definition.item_text(i) is None]
            if unknown:
                raise _bad(
                    key,
                    f"认定目录中没有 {', '.join(unknown)}（写作 条.项，如 10.3）",
                    f"{', '.join(unknown)} not in the catalogue (write article.item, e.g. 10.3)",
                    trigger,
                )
        return items

    def _check_timer_ops(
        self, case: CaseState | None, trigger: str, cmd: Command, data: Mapping[str, Any]
    ) -> None:
        if case is None:
            return
        allowed = self.allowed_triggers(case)
        for spec in self.definition.timers.values():
            t = case.timers.get(spec.name)
            active = t is not None and _active(t)
            if spec.pause_by == trigger:
                if not active:
                    raise Refused(
                        f"{spec.label_zh}未在计时，不能停止计时",
                        f"the {spec.name} period is not running, so it cannot be paused",
                        code="timer.not_running",
                        article=spec.pause_article,
                        allowed=allowed,
                    )
                self._refuse_after_end(case, t, spec, cmd.on, "pause", spec.pause_article,
                                       allowed)
                if t is not None and t.paused_since is not None:
                    raise Refused(
                        f"{spec.label_zh}已于 {t.paused_since.isoformat()} 停止计时",
                        f"the {spec.name} clock is already paused since "
                        f"{t.paused_since.isoformat()}",
                        code="timer.already_paused",
                        article=spec.pause_article,
                        allowed=allowed,
                    )
            if spec.resume_by == trigger and (t is None or t.paused_since is None):
                raise Refused(
                    f"{spec.label_zh}未停止计时，无需恢复",
                    f"the {spec.name} clock is not paused",
                    code="timer.not_paused",
                    article=spec.pause_article,
                    allowed=allowed,
                )
            ext = spec.extension
            if ext is not None and ext.by == trigger:
                if not active or t is None:
                    raise Refused(
                        f"{spec.label_zh}未在计时，不能延长",
                        f"the {spec.name} period is not running, so it cannot be extended",
                        code="timer.not_running",
                        article=ext.article,
                        allowed=allowed,
                    )
                self._refuse_after_end(case, t, spec, cmd.on, "extend", ext.article, allowed)
                if ext.max_times is not None and len(t.extensions) >= ext.max_times:
                    raise Refused(
                        f"{spec.label_zh}只能延长{ext.max_times}次，已延长{len(t.extensions)}次",
                        f"the {spec.name} period may be extended {ext.max_times} time(s); "
                        f"it was extended {len(t.extensions)} time(s)",
                        code="timer.extension_limit",
                        article=ext.article,
                        allowed=allowed,
                        details={"rule": "extension.max_times", "timer": spec.name},
                    )
                total = sum(e.days for e in t.extensions) + int(data["days"])
                if ext.max_days is not None and total > ext.max_days:
                    raise Refused(
                        f"{spec.label_zh}延长期限不得超过{ext.max_days}日（申请后合计 {total} 日）",
                        f"the {spec.name} period may be extended by at most {ext.max_days} days "
                        f"in total (would be {total})",
                        code="timer.extension_limit",
                        article=ext.article,
                        allowed=allowed,
                        details={"rule": "extension.max_days", "timer": spec.name},
                    )

    def _refuse_after_end(
        self, case: CaseState, t: TimerState | None, spec: TimerSpec, on: date, what: str,
        article: str | None, allowed: list[str],
    ) -> None:
        """期限届满后不得中止或延长: a period that has already ended (24:00 CST of its due
        date, before ``on``) can be neither paused nor extended.  Licheng art. 16 leaves
        appraisal time out of the handling time *within* the period; art. 17 lets the head
        extend a running investigation, art. 20 a correction "难以在规定时间内完成" — none
        revives a period that ran out, and doing so would erase the overdue mark and stop
        the escalation."""
        if t is None or t.paused_since is not None:
            return
        got = self._due(case, t)
        if got is None or got[0] >= on:
            return
        due = got[0].isoformat()
        zh, en = (("中止计时", "paused") if what == "pause" else ("延长", "extended"))
        raise Refused(
            f"{spec.label_zh}已于 {due} 24:00 届满，{on.isoformat()} 不能再{zh}："
            f"期限届满后不得{zh}，本期限已逾期",
            f"the {spec.name} period ended on {due} at 24:00 CST; it cannot be {en} on "
            f"{on.isoformat()}: a period that has run out can be neither paused nor extended, "
            f"it is overdue",
            code="timer.already_ended",
            article=article,
            allowed=allowed,
            details={"timer": spec.name, "due": due},
        )

    # ---------------------------------------------------------------- folding
    def apply(self, case: CaseState | None, event: Event) -> CaseState:
        """Fold one event into the case (pure; what replay does)."""
        return self.apply_fields(case, event.trigger, event.on, event.data)

    def apply_fields(
        self, case: CaseState | None, trigger: str, on: date, data: Mapping[str, Any]
    ) -> CaseState:
        """:meth:`apply` given the event's trigger, business date and data — all the fold
        reads of an event — so an auditor streaming stored rows need not build an
        :class:`Event` for each one."""
        if trigger == NOTICE_TRIGGER:
            return self._apply_notice(case, data)
        plan = self._plans.get(trigger)
        if plan is None:
            plan = self._plan(trigger)
        spec, touched = plan
        if case is None:
            if not spec.opens:
                raise InvalidInput(
                    f"案件历史必须以“{self._opener.name}”开始",
                    f"a case history must start with '{self._opener.name}'",
                    code="replay.bad_start",
                )
            case = CaseState(self.definition.id, self.definition.version, NEW)
        dest = self._dests.get((spec.name, case.state))
        if dest is None:
            dest = self._dests[(spec.name, case.state)] = self._dest(spec, case.state)
        facts = dict(case.facts)
        for op in spec.facts:
            value = op.value
            if isinstance(value, str) and value.startswith("$"):
                key = value[1:]
                if key == "on":
                    value = on.isoformat()
                elif key in data:
                    value = data[key]
                else:
                    continue  # an optional field not given: the fact keeps its value
            if op.op == "set":
                facts[op.fact] = value
            elif op.op == "add":
                facts[op.fact] = [*facts.get(op.fact, ()), value]
            else:
                facts[op.fact] = [v for v in facts.get(op.fact, ()) if v != value]
        timers = dict(case.timers)
        for t in touched:  # the timers this trigger acts on, in definition order
            cur = timers.get(t.name)
            if cur is not None and _active(cur):
                if spec.name in t.cancel:
                    cur = self._close(cur, on, "cancelled")
                elif spec.name in t.stop:
                    cur = self._close(cur, on, "met")
                elif spec.name == t.on_expiry:
                    cur = self._close(cur, on, "overdue")
                elif spec.name == t.pause_by:
                    cur = cur.evolve(paused_since=on, status="paused")
                elif spec.name == t.resume_by and cur.paused_since is not None:
                    pauses = cur.pauses
                    if on > cur.paused_since:
                        pauses = (*pauses, Pause(cur.paused_since, on - timedelta(days=1)))
                    cur = cur.evolve(
                        pauses=pauses,
                        paused_since=None,
                        status="overdue" if "overdue" in cur.notices else "running",
                    )
                elif t.extension is not None and spec.name == t.extension.by:
                    # an extension moves the due date: reminders are owed again for it
                    ext = Extension(int(data["days"]), on, data.get("approved_by"))
                    cur = cur.evolve(
                        extensions=(*cur.extensions, ext), status="running", notices=()
                    )
                timers[t.name] = cur
            if spec.name in t.start_on:
                given = data.get(t.start_from) if t.start_from else None
                start = _as_date(given) if given else on  # default: the step's own date
                override = data.get(t.due_from_data) if t.due_from_data else None
                timers[t.name] = TimerState(
                    name=t.name,
                    started_on=start,
                    due_override=_as_date(override) if override else None,
                )
                if t.days_from_data:
                    days = dict(facts.get("timer_days", {}))
                    if data.get(t.days_from_data) is not None:
                        days[t.name] = int(data[t.days_from_data])
                    else:
                        days.pop(t.name, None)
                    facts["timer_days"] = days
        closed = self.definition.states[dest].final
        if closed:
            for name, cur in timers.items():
                if _active(cur):
                    timers[name] = self._close(cur, on, "cancelled")
        return CaseState(
            case.workflow_id, case.workflow_version, dest, facts, timers, on, closed
        )

    def _plan(self, trigger: str) -> tuple[TriggerSpec, tuple[TimerSpec, ...]]:
        """The trigger's spec and the timers it can act on (any other timer is left as it
        is by :meth:`apply`: none of its branches names this trigger)."""
        spec = self.definition.triggers[trigger]
        name = spec.name
        touched = tuple(
            t
            for t in self.definition.timers.values()
            if name in t.cancel
            or name in t.stop
            or name == t.on_expiry
            or name == t.pause_by
            or name == t.resume_by
            or (t.extension is not None and name == t.extension.by)
            or name in t.start_on
        )
        plan = self._plans[trigger] = (spec, touched)
        return plan

    @staticmethod
    def _close(t: TimerState, on: date, status: Any) -> TimerState:
        pauses = t.pauses
        if t.paused_since is not None and on > t.paused_since:
            pauses = (*pauses, Pause(t.paused_since, on - timedelta(days=1)))
        # the constructor, not evolve(): dataclasses.replace costs twice as much, and replay
        # closes a timer at nearly every step
        return TimerState(
            t.name, t.started_on, status, pauses, None, t.extensions, on, t.due_override,
            t.notices,
        )

    def _dest(self, spec: TriggerSpec, state: str) -> str:
        tr: TransitionSpec
        for tr in spec.transitions:
            if spec.opens or state in tr.sources:
                return tr.dest or state
        raise InvalidInput(
            f"事件“{spec.name}”不能在状态“{state}”上重放",
            f"event '{spec.name}' cannot be replayed in state '{state}'",
            code="replay.wrong_state",
        )

    def replay(self, events: Iterable[Event]) -> CaseState:
        """Rebuild a case from its events alone."""
        case: CaseState | None = None
        for event in events:
            case = self.apply(case, event)
        if case is None:
            raise InvalidInput("没有事件可重放", "no events to replay", code="replay.empty")
        return case

    # ---------------------------------------------------------------- timers
    def _due(self, case: CaseState, t: TimerState) -> tuple[date, bool, Mapping[str, Any]] | None:
        """The due date of a timer (None while paused)."""
        if t.paused_since is not None:
            return None
        spec = self.definition.timers[t.name]
        ext_days = sum(e.days for e in t.extensions)
        if t.due_override is not None:
            due = t.due_override + timedelta(days=ext_days)
            basis = {
                "start": t.started_on.isoformat(),
                "due_given": t.due_override.isoformat(),
                "extensions": [e.to_dict() for e in t.extensions],
                "due": due.isoformat(),
                "article": spec.article,
            }
            return due, self.calendar.is_provisional(due), basis
        days = case.facts.get("timer_days", {}).get(t.name) if spec.days_from_data else None
        rule = self._rules.get((t.name, days))
        if rule is None:
            rule = self._rules[(t.name, days)] = spec.rule(days)
        dd = compute_due(
            t.started_on, rule, self.calendar, pauses=t.pauses, extension_days=ext_days
        )
        return dd.due, dd.provisional, _LazyBasis(dd)

    def _due_for(self, case: CaseState | None) -> Any:
        def due(name: str) -> date | None:
            if case is None:
                return None
            t = case.timers.get(name)
            if t is None or t.status not in ("running", "overdue") or t.stopped_on is not None:
                return None
            got = self._due(case, t)
            return got[0] if got else None

        return due

    def notice_at(self, spec: TimerSpec, key: str, due: date) -> datetime:
        """When a notice falls due (aware, CST).

        ``reminder:<n>``: 00:00 of the day n working days before due; ``overdue``: 24:00 of
        the due date; ``escalation:<k>``: 24:00 of the day the rung's offset (working days)
        after due.
        """
        kind, _, rest = key.partition(":")
        if kind == "reminder":
            return _start_of_day(self.calendar.add_workdays(due, -int(rest)))
        if kind == "overdue":
            return _end_of_day(due)
        rung = spec.escalation[int(rest) - 1]
        return _end_of_day(self.calendar.add_workdays(due, rung.offset_working_days))

    def notice_schedule(self, spec: TimerSpec, due: date) -> list[tuple[str, datetime]]:
        """Every notice of a timer with the instant it falls due (CST), in time order."""
        return [(k, self.notice_at(spec, k, due)) for k in spec.notice_keys()]

    def _next_notice(
        self, spec: TimerSpec, t: TimerState, due: date
    ) -> tuple[str, datetime] | None:
        # notice_keys() is in time order (reminders by falling n, overdue, rungs by rising
        # offset - the validator enforces it), so the first key not recorded is the earliest.
        for key in spec.notice_keys():
            if key not in t.notices:
                return key, self.notice_at(spec, key, due)
        return None

    def deadlines(self, case: CaseState) -> tuple[Deadline, ...]:
        """Every timer of the case projected for storage, with the next notice owed."""
        out = []
        timer_days = case.facts.get("timer_days") or {}
        for name, t in case.timers.items():
            days = timer_days.get(name)
            hit = self._projected.get(t)
            if hit is not None and hit[0] == days:
                out.append(hit[1])
                continue
            deadline = self._project(case, t)
            self._projected[t] = (days, deadline)
            out.append(deadline)
        return tuple(out)

    def _project(self, case: CaseState, t: TimerState) -> Deadline:
        name = t.name
        spec = self.definition.timers[name]
        got = self._due(case, t)
        due, provisional, basis = (
            got
            if got
            else (
                None,
                False,
                {
                    "paused_since": t.paused_since.isoformat() if t.paused_since else None,
                    "pauses": [p.to_dict() for p in t.pauses],
                    "article": spec.pause_article,
                },
            )
        )
        nxt: tuple[str, datetime] | None = None
        if due is not None and t.status in ("running", "overdue") and t.stopped_on is None:
            nxt = self._next_notice(spec, t, due)
        return Deadline(
            timer=name,
            status=t.status,
            due=due,
            provisional=provisional,
            basis=basis,
            started_on=t.started_on,
            label_zh=spec.label_zh,
            label_en=spec.label_en,
            next_notice=nxt[0] if nxt else None,
            next_notice_at=nxt[1] if nxt else None,
            # everything _due() reads of the case for this timer (status, stop and notices
            # are not in the basis); the calendar is this engine's own
            basis_key=(
                t.started_on, t.pauses, t.paused_since, t.extensions, t.due_override,
                (case.facts.get("timer_days") or {}).get(name) if spec.days_from_data else None,
                provisional,
            ),
        )

    def allowed_triggers(self, case: CaseState | None) -> list[str]:
        """The triggers open in the case's state (guards not evaluated)."""
        if case is None:
            return [self._opener.name]
        if case.closed:
            return []
        return list(self._allowed.get(case.state, ()))

    # ---------------------------------------------------------------- scheduler API
    def record_notice(
        self,
        case: CaseState,
        timer: str,
        notice: str,
        on: date,
        actor: str = "system",
        data: Mapping[str, Any] | None = None,
    ) -> Decision:
        """Record a reminder / overdue mark / escalation rung (once each)."""
        self._check_version(case)
        spec = self.definition.timers.get(timer)
        t = case.timers.get(timer)
        if spec is None or t is None:
            raise InvalidInput(
                f"本案没有计时器 {timer}",
                f"the case has no timer '{timer}'",
                code="notice.unknown_timer",
            )
        if notice not in spec.notice_keys():
            raise InvalidInput(
                f"计时器 {timer} 没有提醒 {notice}（可用：{', '.join(spec.notice_keys())}）",
                f"timer '{timer}' has no notice '{notice}' "
                f"(declared: {', '.join(spec.notice_keys())})",
                code="notice.unknown",
            )
        if case.closed:
            raise Refused("案件已办结", "the case is closed", code="case.closed")
        if notice in t.notices:
            raise Refused(
                f"{spec.label_zh}的 {notice} 已记录过",
                f"notice '{notice}' of '{timer}' was already recorded",
                code="notice.duplicate",
                article=spec.article,
            )
        if t.status not in ("running", "overdue") or t.stopped_on is not None:
            raise Refused(
                f"{spec.label_zh}当前为 {t.status}，不再发出提醒",
                f"the {timer} timer is {t.status}; no notice is owed",
                code="notice.timer_not_running",
                article=spec.article,
            )
        if case.last_on is not None and on < case.last_on:
            raise Refused(
                f"日期 {on.isoformat()} 早于上一步骤的日期 {case.last_on.isoformat()}",
                f"{on.isoformat()} is before the previous step ({case.last_on.isoformat()})",
                code="case.date_before_previous_step",
            )
        kind, _, rest = notice.partition(":")
        article = spec.article
        payload: dict[str, Any] = {"timer": timer, "notice": notice}
        if kind == "escalation":
            rung = spec.escalation[int(rest) - 1]
            payload.update({"to": rung.to, "to_en": rung.to_en, "basis": "policy"})
            article = rung.article or article
        elif kind == "reminder":
            payload["basis"] = "policy"
        payload.update({k: _iso(v) for k, v in (data or {}).items()})
        event = Event(NOTICE_TRIGGER, NOTICE_TYPES[kind], on, actor, article, payload)
        new = self.apply(case, event)
        return Decision(events=(event,), state=new, deadlines=self.deadlines(new))

    def _apply_notice(self, case: CaseState | None, data: Mapping[str, Any]) -> CaseState:
        if case is None:
            raise InvalidInput(
                "案件历史必须以启动事件开始",
                "a history must start with open",
                code="replay.bad_start",
            )
        name, notice = data["timer"], data["notice"]
        t = case.timers[name]
        t = TimerState(
            t.name, t.started_on, "overdue" if notice == "overdue" else t.status, t.pauses,
            t.paused_since, t.extensions, t.stopped_on, t.due_override, (*t.notices, notice),
        )
        timers = dict(case.timers)
        timers[name] = t
        # A notice is the system's record, not a step of the procedure: it does not move
        # ``last_on``, so a case worker can still record a step that happened before the
        # sweep noticed (e.g. the notice served on the 7th day, recorded the morning after the
        # overdue mark).  Steps stay ordered among themselves.
        return CaseState(
            case.workflow_id, case.workflow_version, case.state, case.facts, timers,
            case.last_on, case.closed,
        )

    def expire(self, case: CaseState, timer: str, on: date) -> Decision | None:
        """Fire the timer's on-expiry trigger (through the same guards), if it has one."""
        spec = self.definition.timers.get(timer)
        t = case.timers.get(timer)
        if spec is None or t is None or spec.on_expiry is None or case.closed:
            return None
        if t.status not in ("running", "overdue") or t.stopped_on is not None:
            return None
        return self.decide(case, Command(spec.on_expiry, on, "system", {}))

    # ---------------------------------------------------------------- misc
    def _check_version(self, case: CaseState) -> None:
        if (case.workflow_id, case.workflow_version) != self.definition.key:
            raise InvalidInput(
                f"案件属于 {case.workflow_id} {case.workflow_version}，不能用 "
                f"{self.definition.id} {self.definition.version} 处理",
                f"the case is pinned to {case.workflow_id} {case.workflow_version}, not "
                f"{self.definition.id} {self.definition.version}",
                code="case.wrong_version",
            )

    def _state_label(self, state: str) -> str:
        s = self.definition.states.get(state)
        return s.label_zh if s else state
