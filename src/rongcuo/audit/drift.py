"""Definition drift: what a newer release of a workflow would have decided differently.

A case is pinned to the definition version it was filed under and always replays under it
(the law in force when the steps were taken).  When a newer version of the same workflow
exists, the auditor also wants to know whether it would have decided any recorded step
differently — a changed article, a different destination state, a refusal.  This module
re-decides every recorded command under the newest version and *reports* the differences;
it never rewrites anything, and a drift does not make ``verify`` fail (it is not tampering).
Per case the *first* step decided differently is reported: what follows it rests on a history
the new release would not have produced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rongcuo.audit.log import LoggedEvent, Snapshot, StoredCase
from rongcuo.domain.case import CaseState, Command
from rongcuo.domain.corrections import WITHDRAW, effective_history
from rongcuo.domain.engine.corrected import recorded_context
from rongcuo.domain.errors import DomainError

if TYPE_CHECKING:
    from rongcuo.domain.engine import Engine
    from rongcuo.service.context import App

NOTICE_TRIGGER = "notice"  # scheduler notices are not commands: nothing to re-decide
ACCESS_TRIGGER = "access"  # nor are records of access (a reporter's identity revealed)


def redecide(case: StoredCase, events: list[LoggedEvent], new: Engine,
             loaded: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Re-decide each recorded command of one case under ``new``; return the differences.
    ``loaded``: context loaded at the edge rather than recorded (the evaluation standards a
    computed score reads, ``catalogues``)."""
    out: list[dict[str, Any]] = []
    new_version = str(new.definition.version)

    def report(ev: LoggedEvent, code: str, zh: str, en: str, **extra: Any) -> None:
        out.append({
            "case_id": case.id, "number": case.number, "seq": ev.seq, "trigger": ev.trigger,
            "recorded_version": case.workflow_version, "newest_version": new_version,
            "code": code, "message_zh": zh, "message_en": en, **extra,
        })

    state: CaseState | None = None
    # corrections applied (issue 15): the steps as they are to be read, each reported under
    # the seq of the step it stands for
    for item in effective_history([e.to_event() for e in events]):
        ev, step = events[item.seq - 1], item.event
        if out:
            # later steps follow from a history the new release would not have produced:
            # the first difference is the finding (as verify names the first broken event)
            break
        if ev.trigger not in (NOTICE_TRIGGER, ACCESS_TRIGGER, WITHDRAW):
            spec = new.definition.triggers.get(ev.trigger)
            if spec is None:
                report(ev, "drift.trigger_removed",
                       f"新版本 {new_version} 已没有步骤“{ev.trigger}”",
                       f"version {new_version} no longer has the step '{ev.trigger}'")
                break
            data = {k: v for k, v in step.data.items() if k in spec.data}
            cmd = Command(ev.trigger, step.on, ev.actor, data)
            try:
                context = {**(loaded or {}), **recorded_context(ev.data)}
                decision = (
                    new.open(cmd, context) if state is None
                    else new.decide(state, cmd, context)
                )
            except DomainError as exc:
                report(ev, "drift.refused",
                       f"新版本 {new_version} 会拒绝此步骤：{exc.message_zh}",
                       f"version {new_version} would refuse this step: {exc.message_en}",
                       refusal=exc.code)
            else:
                got = decision.events[0]
                was = (ev.type, ev.article, step.data.get("to_state"))
                now = (got.type, got.article, got.data.get("to_state"))
                if was != now:
                    fields = [n for n, a, b in zip(("type", "article", "to_state"), was, now,
                                                   strict=True) if a != b]
                    report(ev, "drift.decided_differently",
                           f"新版本 {new_version} 的决定不同：{', '.join(fields)}"
                           f"（原为 {was}，现为 {now}）",
                           f"version {new_version} decides differently: {', '.join(fields)} "
                           f"(recorded {was}, now {now})",
                           recorded=list(was), newest=list(now))
        try:
            state = new.apply(state, step)
        except (DomainError, KeyError, ValueError, TypeError) as exc:
            report(ev, "drift.cannot_replay",
                   f"新版本 {new_version} 无法重放此事件：{exc}",
                   f"version {new_version} cannot replay this event: {exc}")
            break
    return out


def find_drift(app: App, snap: Snapshot, *, only: str | None = None) -> list[dict[str, Any]]:
    """Drift of every case (or one) filed under an older version than the newest loaded."""
    out: list[dict[str, Any]] = []
    newest: dict[str, str] = {}
    for cid, case in sorted(snap.cases(only).items(), key=lambda kv: kv[1].number):
        wid = case.workflow_id
        if wid not in newest:
            try:
                newest[wid] = str(app.definition(wid).version)
            except DomainError:
                newest[wid] = case.workflow_version  # the workflow is gone: nothing to compare
        if newest[wid] == case.workflow_version:
            continue
        out.extend(redecide(case, snap.case_events(cid), app.engine_for(wid, newest[wid]),
                            {"catalogues": app.catalogues}))
    return out
