"""The timer rules every definition gets, whatever guards it names: pause/resume order and
extension limits.

A trigger that pauses, resumes or extends a timer (``pause.by``, ``pause.resume_by``,
``extension.by`` in the definition) is refused with a ``timer.*`` code when the timer cannot
take it: not running, already paused, not paused, extended too often or too long, or already
ended (期限届满后不得中止或延长).  :func:`check_timer_ops` raises the first refusal; the machine
runs it as the last condition of each transition of such a trigger.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rongcuo.domain.case import CaseState, Command, TimerState
from rongcuo.domain.engine.common import DueFor, is_active
from rongcuo.domain.errors import Refused
from rongcuo.domain.workflow.model import ExtensionRule, TimerSpec, WorkflowDefinition

__all__ = ["check_timer_ops", "timer_operations"]


def timer_operations(definition: WorkflowDefinition) -> frozenset[str]:
    """The triggers that pause, resume or extend a timer of ``definition``."""
    return frozenset(
        name
        for spec in definition.timers.values()
        for name in (spec.pause_by, spec.resume_by, spec.extension.by if spec.extension else None)
        if name
    )


def check_timer_ops(
    definition: WorkflowDefinition,
    case: CaseState | None,
    trigger: str,
    cmd: Command,
    data: Mapping[str, Any],
    allowed: tuple[str, ...],
    due_for: DueFor,
) -> None:
    """Raise :class:`Refused` if ``trigger`` pauses, resumes or extends a timer that cannot
    take it on ``cmd.on``.  ``due_for`` is the running due date of a timer (None if none)."""
    if case is None:
        return
    refuse = _Refusals(allowed)
    for spec in definition.timers.values():
        t = case.timers.get(spec.name)
        active = t is not None and is_active(t)
        if spec.pause_by == trigger:
            if not active:
                raise refuse.not_running(spec, spec.pause_article, "停止计时", "paused")
            _not_ended(refuse, t, spec, cmd.on, due_for, "pause", spec.pause_article)
            if t is not None and t.paused_since is not None:
                raise refuse.already_paused(spec, t.paused_since)
            began = data.get(spec.pause_from) if spec.pause_from else None
            if t is not None and isinstance(began, date) and t.pauses \
                    and began <= t.pauses[-1].end:
                raise refuse.pause_overlap(spec, began, t.pauses[-1].end)
        if spec.resume_by == trigger and (t is None or t.paused_since is None):
            raise refuse.not_paused(spec)
        ext = spec.extension
        if ext is not None and ext.by == trigger:
            if not active or t is None:
                raise refuse.not_running(spec, ext.article, "延长", "extended")
            _not_ended(refuse, t, spec, cmd.on, due_for, "extend", ext.article)
            _within_extension_limits(refuse, spec, ext, t, int(data["days"]))


def _not_ended(
    refuse: _Refusals,
    t: TimerState | None,
    spec: TimerSpec,
    on: date,
    due_for: DueFor,
    what: str,
    article: str | None,
) -> None:
    """期限届满后不得中止或延长: a period that has already ended (24:00 CST of its due
    date, before ``on``) can be neither paused nor extended.  Licheng art. 16 leaves
    appraisal time out of the handling time *within* the period; art. 17 lets the head
    extend a running investigation, art. 20 a correction "难以在规定时间内完成" — none
    revives a period that ran out, and doing so would erase the overdue mark and stop
    the escalation."""
    if t is None or t.paused_since is not None:
        return
    due = due_for(t.name)  # the timer is active and not paused: its running due date
    if due is None or due >= on:
        return
    raise refuse.already_ended(spec, due, on, what, article)


def _within_extension_limits(
    refuse: _Refusals, spec: TimerSpec, ext: ExtensionRule, t: TimerState, days: int
) -> None:
    done = len(t.extensions)
    if ext.max_times is not None and done >= ext.max_times:
        raise refuse.extension_limit(
            ext,
            "extension.max_times",
            spec.name,
            f"{spec.label_zh}只能延长{ext.max_times}次，已延长{done}次",
            f"the {spec.name} period may be extended {ext.max_times} time(s); "
            f"it was extended {done} time(s)",
        )
    total = sum(e.days for e in t.extensions) + days
    if ext.max_days is not None and total > ext.max_days:
        raise refuse.extension_limit(
            ext,
            "extension.max_days",
            spec.name,
            f"{spec.label_zh}延长期限不得超过{ext.max_days}日（申请后合计 {total} 日）",
            f"the {spec.name} period may be extended by at most {ext.max_days} days "
            f"in total (would be {total})",
        )


@dataclass(slots=True)
class _Refusals:
    """The timer rules' refusals, each naming the triggers open instead (``allowed``)."""

    allowed: tuple[str, ...]

    def _make(
        self, code: str, zh: str, en: str, article: str | None, **details: Any
    ) -> Refused:
        return Refused(zh, en, code=code, article=article, allowed=self.allowed, details=details)

    def not_running(self, spec: TimerSpec, article: str | None, zh: str, en: str) -> Refused:
        return self._make(
            "timer.not_running",
            f"{spec.label_zh}未在计时，不能{zh}",
            f"the {spec.name} period is not running, so it cannot be {en}",
            article,
        )

    def already_paused(self, spec: TimerSpec, since: date) -> Refused:
        return self._make(
            "timer.already_paused",
            f"{spec.label_zh}已于 {since.isoformat()} 停止计时",
            f"the {spec.name} clock is already paused since {since.isoformat()}",
            spec.pause_article,
        )

    def pause_overlap(self, spec: TimerSpec, began: date, last_end: date) -> Refused:
        return self._make(
            "timer.pause_overlap",
            f"{spec.label_zh}的中止起始日 {began.isoformat()} 不晚于上一次中止的结束日 "
            f"{last_end.isoformat()}：同一段时间不能中止两次",
            f"the {spec.name} pause would begin on {began.isoformat()}, not after the previous "
            f"pause ended ({last_end.isoformat()}): a day is left out once",
            spec.pause_article,
        )

    def not_paused(self, spec: TimerSpec) -> Refused:
        return self._make(
            "timer.not_paused",
            f"{spec.label_zh}未停止计时，无需恢复",
            f"the {spec.name} clock is not paused",
            spec.pause_article,
        )

    def already_ended(
        self, spec: TimerSpec, due: date, on: date, what: str, article: str | None
    ) -> Refused:
        zh, en = ("中止计时", "paused") if what == "pause" else ("延长", "extended")
        iso = due.isoformat()
        return self._make(
            "timer.already_ended",
            f"{spec.label_zh}已于 {iso} 24:00 届满，{on.isoformat()} 不能再{zh}："
            f"期限届满后不得{zh}，本期限已逾期",
            f"the {spec.name} period ended on {iso} at 24:00 CST; it cannot be {en} on "
            f"{on.isoformat()}: a period that has run out can be neither paused nor extended, "
            f"it is overdue",
            article,
            timer=spec.name,
            due=iso,
        )

    def extension_limit(
        self, ext: ExtensionRule, rule: str, timer: str, zh: str, en: str
    ) -> Refused:
        return self._make(
            "timer.extension_limit", zh, en, ext.article, rule=rule, timer=timer
        )
