"""Corrections of the record (更正、撤销、误录撤回): new events that say how to read earlier ones.

The log is insert-only (历城办法第十四条's 案卷 is kept as recorded); a mistake is put right by
a *correction event*, chained like every other event, that names the earlier event by its
``seq``:

* **amend** (更正, :data:`AMEND`): the step ``target`` happened on ``data["on"]`` with the
  step data ``data["data"]`` (the whole data as the engine re-decided it), not as first
  recorded.  A later amend of the same step supersedes the earlier amend.
* **void** (撤销, :data:`VOID`): the step ``target`` never happened.
* **withdraw** (误录撤回, :data:`WITHDRAW`): the case was opened by mistake; it is closed as
  withdrawn, keeps its number, and every running period ends (cancelled).

:func:`effective_history` is the reading: the events as the case is to be understood, the
corrections applied (superseded business dates and data replaced, voided steps and the
amend/void events themselves left out).  The engine folds that list (``Engine.replay``), so
state and deadlines are derived from the corrected history, and ``audit replay --as-of``
an instant before a correction — the events known then — shows the record as it stood.

A scheduler notice recorded *before* a correction was recorded against the history as it then
stood: in the corrected reading it is kept only while it is still true (its period still
exists and runs, and an overdue mark or escalation rung only when the corrected due date had
passed); notices recorded after the last amendment or voiding were recorded against the
corrected history already and are folded as they are.  A withdrawal changes no earlier step:
it is folded like a step (every running period cancelled).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rongcuo.domain.case import Event
from rongcuo.domain.messages import message

__all__ = [
    "AMEND",
    "CORRECTION_TRIGGERS",
    "LABELS",
    "TYPES",
    "VOID",
    "WITHDRAW",
    "Effective",
    "Links",
    "describe",
    "effective_history",
    "has_corrections",
    "links",
]

AMEND = "correction.amend"
VOID = "correction.void"
WITHDRAW = "correction.withdraw"
CORRECTION_TRIGGERS = frozenset({AMEND, VOID, WITHDRAW})
TYPES = {AMEND: "StepAmended", VOID: "StepVoided", WITHDRAW: "CaseWithdrawn"}
LABELS = {AMEND: ("更正", "amended"), VOID: ("撤销", "voided"),
          WITHDRAW: ("误录撤回", "withdrawn")}

# -- the messages of the correction rules (one catalogue: rongcuo.domain.messages) --------
NO_SUCH_SEQ = message(
    "correction.unknown_seq",
    "本案没有序号为 {seq} 的记录（共 {last} 条）",
    "the case has no event with seq {seq} (it has {last})",
)
NOT_A_STEP = message(
    "correction.not_a_step",
    "序号 {seq} 是{what}，不是办理步骤，不能{verb}",
    "seq {seq} is {what_en}, not a step of the procedure; it cannot be {verb_en}",
)
ALREADY_VOIDED = message(
    "correction.already_voided",
    "序号 {seq}（{label}）已于序号 {by} 撤销，不能再{verb}",
    "seq {seq} ({label}) was voided by seq {by}; it cannot be {verb_en}",
)
OPENING_VOID = message(
    "correction.opening_void",
    "立案登记（序号 1）不能撤销；误录的案件请办理误录撤回",
    "the opening (seq 1) cannot be voided; withdraw a case opened by mistake instead",
)
OPENING_IDENTITY = message(
    "correction.opening_identity",
    "立案登记的日期、对象和执法机关决定案件编号与身份，不能更正（{keys}）；误录的案件请撤回后重新立案",
    "the opening's date, subject and agency identify the case and its number and cannot be "
    "amended ({keys}); withdraw a case opened by mistake and open it again",
)
NOTHING_TO_AMEND = message(
    "correction.nothing",
    "更正须给出新的日期或至少一项新的步骤数据",
    "an amendment needs a new date or at least one new value of the step's data",
)
UNKNOWN_FIELD = message(
    "correction.unknown_field",
    "步骤“{label}”没有数据项 {keys}（可用：{declared}）",
    "step '{trigger}' has no field {keys} (declared: {declared})",
)
WITHDRAWN = message(
    "case.withdrawn",
    "案件已于 {on} 误录撤回，不能再办理或更正",
    "the case was withdrawn on {on}; nothing more can be recorded or corrected on it",
)
WITHDRAW_CLOSED = message(
    "correction.withdraw_closed",
    "案件已办结（{state}），不能再撤回；办结前误录的步骤可以更正或撤销",
    "the case is closed ({state}) and cannot be withdrawn; a wrong step can be amended or "
    "voided",
)
WITHDRAW_BEFORE = message(
    "case.date_before_previous_step/withdraw",
    "撤回日期 {on} 早于上一步骤的日期 {last}",
    "the withdrawal date {on} is before the previous step ({last})",
)
BREAKS_LATER = message(
    "correction.breaks_later_step",
    "更正后，序号 {seq} 的步骤“{label}”（{basis}）不再成立：{reason}",
    "after this amendment the step at seq {seq} ('{trigger}', {basis}) no longer holds: "
    "{reason_en}",
)
DEPENDENT_STEP = message(
    "correction.dependent_step",
    "序号 {seq} 的步骤“{label}”（{basis}）依赖于被撤销的步骤，须先撤销它：{reason}",
    "the step at seq {seq} ('{trigger}', {basis}) depends on the step being voided; void "
    "it first: {reason_en}",
)
ROUTE_CHANGED = message(
    "correction.route_changed",
    "更正后，序号 {seq} 的步骤“{label}”（{basis}）将进入“{now}”而不是原记录的“{was}”；"
    "请先撤销该步骤",
    "after the correction the step at seq {seq} ('{trigger}', {basis}) would lead to "
    "'{now}' instead of the recorded '{was}'; void that step first",
)
SAME_APPROVER = message(
    "correction.same_approver",
    "批准更正的人（{approver}）不能是原记录人：须由原记录人以外的负责人批准（四眼原则）",
    "the approver ({approver}) is the person who recorded the entry: a correction is approved "
    "by a head other than its author (four-eyes rule)",
)
BLANK_REASON = message(
    "correction.reason_blank",
    "更正、撤销和撤回必须说明理由",
    "an amendment, a voiding or a withdrawal must give its reason",
)


@dataclass(frozen=True)
class Effective:
    """One event of the corrected reading: its ``seq`` in the log, the event as it is to be
    read (amended business date and data), and whether a later correction means a notice
    must be re-checked against the corrected history (:attr:`recheck`)."""

    seq: int
    event: Event
    recheck: bool = False
    amended_by: int | None = None


def has_corrections(events: Sequence[Event]) -> bool:
    return any(e.trigger in CORRECTION_TRIGGERS for e in events)


def _target(e: Event) -> int:
    return int(e.data["target"])


def effective_history(events: Sequence[Event]) -> list[Effective]:
    """The corrected reading of a case's events, in ``seq`` order (``events[i]`` has seq
    ``i + 1``: a case's log runs 1, 2, 3…).  Amend and void events are left out (they are
    how to read, not what happened); a withdrawal stays (it closes the case)."""
    amended: dict[int, tuple[int, Event]] = {}
    voided: set[int] = set()
    last_correction = 0
    for i, e in enumerate(events, start=1):
        if e.trigger == AMEND:
            amended[_target(e)] = (i, e)
            last_correction = i
        elif e.trigger == VOID:
            voided.add(_target(e))
            last_correction = i
    out: list[Effective] = []
    for i, e in enumerate(events, start=1):
        if e.trigger in (AMEND, VOID) or i in voided:
            continue
        hit = amended.get(i)
        if hit is not None:
            by, a = hit
            e = Event(e.trigger, e.type, date.fromisoformat(a.data["on"]), e.actor, e.article,
                      dict(a.data["data"]))
            out.append(Effective(i, e, amended_by=by))
            continue
        out.append(Effective(i, e, recheck=i < last_correction))
    return out


@dataclass(frozen=True)
class Links:
    """How the events of a case are linked by corrections (what ``case show --json`` gives
    each event as ``superseded_by`` / ``voided_by``, and the history strikes through)."""

    superseded_by: Mapping[int, int]
    voided_by: Mapping[int, int]
    withdrawn_by: int | None


def links(events: Sequence[tuple[int, str, Mapping[str, Any]]]) -> Links:
    """From ``(seq, trigger, data)`` of a case's events in seq order: the original step is
    superseded by its first amendment, and each amendment by the next one of the same step."""
    sup: dict[int, int] = {}
    void: dict[int, int] = {}
    latest: dict[int, int] = {}  # target -> the seq now standing for it
    withdrawn: int | None = None
    for seq, trigger, data in events:
        if trigger == AMEND:
            t = int(data["target"])
            sup[latest.get(t, t)] = seq
            latest[t] = seq
        elif trigger == VOID:
            void[int(data["target"])] = seq
        elif trigger == WITHDRAW:
            withdrawn = seq
    return Links(sup, void, withdrawn)


def describe(trigger: str, data: Mapping[str, Any], zh: bool) -> str:
    """What the correction did, in words: the step it names, what changed, why, who approved."""
    parts: list[str] = []
    if trigger in (AMEND, VOID):
        parts.append(f"序号 {data.get('target')}（{data.get('trigger')}）" if zh
                     else f"seq {data.get('target')} ({data.get('trigger')})")
    if trigger == AMEND:
        was = data.get("was") or {}
        if was.get("on") != data.get("on"):
            parts.append(f"日期 {was.get('on')} → {data.get('on')}" if zh
                         else f"date {was.get('on')} → {data.get('on')}")
        old = was.get("data") or {}
        for k, v in (data.get("set") or {}).items():
            if k in old:
                parts.append(f"{k}：{old[k]} → {v}" if zh else f"{k}: {old[k]} → {v}")
    if trigger == WITHDRAW:
        parts.append("案件编号保留，不再重用" if zh else "the number is kept, never reused")
    parts.append(("理由：" if zh else "reason: ") + str(data.get("reason", "")))
    if data.get("approved_by"):
        parts.append(("批准：" if zh else "approved by ") + str(data["approved_by"]))
    return ("；" if zh else "; ").join(parts)
