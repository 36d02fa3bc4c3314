"""Corrections of the record: amend (更正), void (撤销), withdraw (误录撤回) — issue 15.

Each is a new, hash-chained event (the log stays insert-only) decided by the engine over the
case's whole log (:mod:`rongcuo.domain.engine.corrected`): the corrected history is
re-decided from the step corrected onwards, and the case row and its deadline rows are
rewritten from the re-derived state in the same unit of work.  A correction is recorded
today (its own business date is the legal date in CST from the injected clock); the date a
step is corrected *to*, and a withdrawal's date, are never in the future.

Authorization (issue 14, issue 15 §1 "who approved (a head, not the person who made the
entry, once users exist)"): a signed-in user corrects only a case they see (another unit's
is not found), needs a role that may record, and an amendment or a voiding is approved by a
``head`` of the case's unit who records it — not the corrected entry's author (four eyes,
the engine's ``correction.same_approver``) — :func:`rongcuo.service.identity.authz.
check_correction`.  The operator (``--by``) keeps naming the approver in free text.
"""

from __future__ import annotations

from collections.abc import Callable

from rongcuo import logging as rlog
from rongcuo.adapters.db.records import CaseRecord, CommitResult
from rongcuo.clock import today_cst
from rongcuo.domain.case import Decision, Event
from rongcuo.domain.engine import Engine
from rongcuo.service.commands import AmendStep, VoidStep, WithdrawCase
from rongcuo.service.context import App
from rongcuo.service.handlers.cases import _actor, _with_record, check_not_future, load_case
from rongcuo.service.identity import authz
from rongcuo.service.identity.principal import Principal
from rongcuo.service.inputs import ACTOR, TextField, check_command_text, check_length
from rongcuo.service.unit_of_work import retrying

log = rlog.get_logger("rongcuo.service")

REASON = TextField("reason", "理由", "the reason", 1000)
APPROVER = TextField("approved_by", "批准人", "the approver", ACTOR.limit)


def _checked(reason: str, actor: str, approved_by: str | None) -> None:
    check_command_text(actor=actor, idempotency_key=None)
    check_length(REASON, reason)
    if approved_by is not None:
        check_length(APPROVER, approved_by)


Decide = Callable[[CaseRecord, Engine, str | None], Decision]

AMEND_VERB, VOID_VERB, WITHDRAW_VERB = ("更正", "an amendment"), ("撤销", "a voiding"), (
    "误录撤回", "a withdrawal")


def _run(app: App, ref: str, principal: Principal | None, verb: tuple[str, str],
         approved_by: str | None, decide: Decide) -> CommitResult:
    def attempt() -> CommitResult:
        case = load_case(app, ref, principal)  # another unit's case: not found
        rlog.bind(case_id=case.id)
        approver = authz.check_correction(app, principal, case, verb=verb,
                                          approved_by=approved_by,
                                          needs_approval=verb != WITHDRAW_VERB)
        engine = app.engine_for(case.workflow_id, case.workflow_version)
        decision = decide(case, engine, approver)
        with app.unit_of_work() as uow:
            uow.correct(case.head, decision)
            result = uow.commit()[0]
        return _with_record(result, decision, case, case.subject, case.agency, case.opened_on)

    return retrying(attempt)


def _events(app: App, case: CaseRecord) -> list[Event]:
    """The case's log up to the head the case row was loaded at (a step recorded since is a
    lost race: the version check refuses the write and it is decided again)."""
    return [e.to_event() for e in app.store.case_events(case.id) if e.seq <= case.last_seq]


def amend(app: App, cmd: AmendStep) -> CommitResult:
    """Record that step ``cmd.seq`` happened on another date and/or with other data."""
    actor = _actor(cmd.principal, cmd.actor)
    _checked(cmd.reason, actor, cmd.approved_by)
    if cmd.on is not None:
        check_not_future(app, cmd.on)
    today = today_cst(app.clock)
    result = _run(app, cmd.case_ref, cmd.principal, AMEND_VERB, cmd.approved_by,
                  lambda case, engine, approver: engine.amend(
                      _events(app, case), cmd.seq, on=cmd.on, sets=dict(cmd.data), actor=actor,
                      reason=cmd.reason, approved_by=approver, today=today))
    log.info("case.amended", seq=cmd.seq, state=result.state)
    return result


def void(app: App, cmd: VoidStep) -> CommitResult:
    """Record that step ``cmd.seq`` never happened."""
    actor = _actor(cmd.principal, cmd.actor)
    _checked(cmd.reason, actor, cmd.approved_by)
    today = today_cst(app.clock)
    result = _run(app, cmd.case_ref, cmd.principal, VOID_VERB, cmd.approved_by,
                  lambda case, engine, approver: engine.void(
                      _events(app, case), cmd.seq, actor=actor, reason=cmd.reason,
                      approved_by=approver, today=today))
    log.info("case.voided", seq=cmd.seq, state=result.state)
    return result


def withdraw(app: App, cmd: WithdrawCase) -> CommitResult:
    """Close a case opened by mistake as withdrawn (it keeps its number)."""
    actor = _actor(cmd.principal, cmd.actor)
    _checked(cmd.reason, actor, cmd.approved_by)
    check_not_future(app, cmd.on)
    result = _run(app, cmd.case_ref, cmd.principal, WITHDRAW_VERB, cmd.approved_by,
                  lambda case, engine, approver: engine.withdraw(
                      _events(app, case), on=cmd.on, actor=actor, reason=cmd.reason,
                      approved_by=approver))
    log.info("case.withdrawn", on=cmd.on.isoformat())
    return result
