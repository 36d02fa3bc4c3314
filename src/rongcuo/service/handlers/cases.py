"""Case commands: load the case → gather what its rules need → ``engine.decide`` → commit.

Each handler is a few lines over the service context (:class:`~rongcuo.service.context.App`)
and one unit of work.  Rules enforced here (the engine enforces the rest: the order of
steps, guards, closed cases, dates before the last step):

* who records a step is never blank, and no free text is longer than the column that stores
  it (:mod:`rongcuo.service.inputs`) — on SQLite exactly as on PostgreSQL;
* a step is never recorded on a date in the future (legal date in CST, from the injected
  clock) — a case worker records what happened, not what is planned;
* a retried command with the same idempotency key returns the first result and writes nothing;
* a step that loses a race to another writer is re-decided on the fresh state (at most
  :data:`~rongcuo.service.unit_of_work.MAX_ATTEMPTS` times): it is recorded if its guards
  still hold and refused by the guard, with its article, if they no longer do; a step that
  names the version it expects is refused when the case has moved on (nothing written).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rongcuo import logging as rlog
from rongcuo.adapters.db.records import CaseRecord, CommitResult, Idempotency
from rongcuo.clock import today_cst
from rongcuo.domain.case import Command, Decision
from rongcuo.domain.engine.adopter import CONTEXT_KEY as ADOPTER_CONTEXT
from rongcuo.domain.engine.vocabulary import trigger_named
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.domain.messages import message
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.context import App
from rongcuo.service.identity import authz
from rongcuo.service.identity.principal import Principal
from rongcuo.service.inputs import check_command_text
from rongcuo.service.needs import gather_context
from rongcuo.service.unit_of_work import command_result, expect_version, retrying

MSG_DATE_FUTURE = message(
    "date.future",
    "不能记录未来日期（{on}）发生的步骤：今天是 {today}（北京时间）",
    "cannot record a step on a future date ({on}): today is {today} (China Standard Time)",
)

log = rlog.get_logger("rongcuo.service")


def check_not_future(app: App, on: date, allowed: Sequence[str] = ()) -> None:
    """Refuse a business date after today (CST)."""
    today = today_cst(app.clock)
    if on > today:
        raise InvalidInput.of(
            MSG_DATE_FUTURE,
            on=on.isoformat(),
            today=today.isoformat(),
            allowed=allowed,
            details={"on": on.isoformat(), "today": today.isoformat()},
        )


def load_case(app: App, ref: str, principal: Principal | None = None) -> CaseRecord:
    """The case ``ref`` (stable id or readable number), or :class:`CaseNotFound` — also when
    ``principal`` may not see it (a case of another unit does not exist for them)."""
    case = app.store.load_case(ref)
    if case is None:
        raise authz.not_found(ref)
    authz.check_case(app, principal, case, ref)
    return case


def _actor(principal: Principal | None, actor: str) -> str:
    """What the event records: the signed-in principal, or the operator's own text."""
    if principal is None or principal.is_operator:
        authz.check_operator_text(actor)
        return actor
    return principal.actor


def open_case(app: App, cmd: OpenCase) -> CommitResult:
    """Open a case (its definition's opening trigger; Licheng art. 13) in the user's unit
    (an operator's: the unit named, else ``default``)."""
    actor = _actor(cmd.principal, cmd.actor)
    check_command_text(actor=actor, idempotency_key=cmd.idempotency_key,
                       subject=cmd.subject, agency=cmd.agency)
    data = {**dict(cmd.data), "subject": cmd.subject, "agency": cmd.agency}
    unit = authz.open_unit(app, cmd.principal, cmd.unit_id)
    idem = (Idempotency.for_command(cmd.idempotency_key, op="open", workflow=cmd.workflow_id,
                                    on=cmd.on, actor=actor, data=data)
            if cmd.idempotency_key else None)
    if (first := command_result(app.store, idem)) is not None:
        return first
    check_not_future(app, cmd.on)
    engine = app.engine_for(cmd.workflow_id)
    definition = engine.definition
    data = authz.check_step(app, cmd.principal, definition.open_trigger, None, data, unit)
    command = Command(definition.open_trigger.name, cmd.on, actor, data)
    context = gather_context(app, definition, command.trigger, facts=data, case_id=None)
    if definition.adopter_parameters:  # C2: the values the adopting body set
        context[ADOPTER_CONTEXT] = dict(app.adopter_settings(cmd.workflow_id))
    decision = engine.open(command, context)
    with app.unit_of_work() as uow:
        uow.open_case(subject=cmd.subject, agency=cmd.agency, opened_on=cmd.on,
                      number_pattern=str(definition.case_number), decision=decision,
                      idempotency=idem)
        uow.after_write(lambda conn, results: authz.set_case_unit_in(
            conn, results[0].case_id, unit))
        result = uow.commit()[0]
    rlog.bind(case_id=result.case_id)
    log.info("case.opened", number=result.number, workflow=cmd.workflow_id,
             on=cmd.on.isoformat())
    return _with_record(result, decision, None, cmd.subject, cmd.agency, cmd.on)


def fire(app: App, cmd: FireStep) -> CommitResult:
    """Record one step on the date it happened (authorized for ``cmd.principal``)."""
    actor = _actor(cmd.principal, cmd.actor)
    check_command_text(actor=actor, idempotency_key=cmd.idempotency_key)

    fired = [cmd.trigger]  # the step's code, once a Chinese label (立案) has been read

    def attempt() -> CommitResult:
        case = load_case(app, cmd.case_ref, cmd.principal)
        rlog.bind(case_id=case.id)
        engine = app.engine_for(case.workflow_id, case.workflow_version)
        # a step named by its Chinese label (立案) is the step whose code (file) is recorded
        try:
            trigger = trigger_named(engine.definition, cmd.trigger,
                                    tuple(engine.available_triggers(case.state, cmd.on)))
        except Refused:
            if not case.state.closed:
                raise
            trigger = cmd.trigger  # a closed case says so, whatever was typed
        idem = (Idempotency.for_command(cmd.idempotency_key, op="fire", case=case.id,
                                        trigger=trigger, on=cmd.on, actor=actor,
                                        data=dict(cmd.data))
                if cmd.idempotency_key else None)
        if (first := command_result(app.store, idem)) is not None:
            return first
        expect_version(case, cmd.expected_version)
        allowed = () if case.state.closed else engine.allowed_triggers(case.state)
        check_not_future(app, cmd.on, allowed)
        data = dict(cmd.data)
        spec = engine.definition.triggers.get(trigger)
        if spec is not None and cmd.principal is not None and not cmd.principal.is_operator:
            data = authz.check_step(app, cmd.principal, spec, case, data,
                                    authz.case_unit(app, case.id))
        context = gather_context(app, engine.definition, trigger,
                                 facts={"subject": case.subject, **case.state.facts},
                                 case_id=case.id)
        # what the deadline rows hold (the loaded state projected): only what moved is
        # written (issue 16); the unchanged timers' projections are memoised for decide
        previous = engine.deadlines(case.state)
        # a step's documents and a reporter's vault (Jinja2, the renderers, cryptography) are
        # imported by the commands that record steps, not by every reader (issue 16)
        from rongcuo.service.documents import issue_step_documents
        from rongcuo.service.documents import prepare as prepare_documents
        from rongcuo.service.handlers.reporters import step_data

        data, stage = step_data(app, engine.definition, trigger, data,
                                cmd.reporter, case.id)
        command = Command(trigger, cmd.on, actor, data)
        fired[:] = [trigger]
        try:
            decision = engine.decide(case.state, command, context)
        except Refused as refused:
            # "allowed now" offers only what its guards would let through on that date —
            # never the step just refused for a reason no data could change
            if refused.allowed and not case.state.closed:
                refused.allowed = tuple(engine.available_triggers(case.state, cmd.on))
            raise
        prepare_documents(engine.definition, trigger)  # outside the transaction
        with app.unit_of_work() as uow:
            # the documents the step issues: numbered, rendered, hashed into its event
            decision = issue_step_documents(uow, engine, case, command, decision)
            uow.append(case.head, decision, previous=previous, idempotency=idem)
            if stage is not None:
                uow.after_write(stage)  # the encrypted identity, in the step's transaction
            result = uow.commit()[0]
        return _with_record(result, decision, case, case.subject, case.agency,
                            case.opened_on)

    # a step that names the version it expects is never re-decided: stale is the answer
    result = attempt() if cmd.expected_version is not None else retrying(attempt)
    log.info("case.fired", trigger=fired[0], on=cmd.on.isoformat(), state=result.state)
    for hook in app.step_hooks:  # after COMMIT: the step stands whatever a hook does
        hook(app, result, fired[0])
    return result


def allowed_triggers(app: App, case_ref: str, principal: Principal | None = None
                     ) -> list[str]:
    case = load_case(app, case_ref, principal)
    return list(
        app.engine_for(case.workflow_id, case.workflow_version).allowed_triggers(case.state)
    )


def _with_record(result: CommitResult, decision: Decision, before: CaseRecord | None,
                 subject: str, agency: str, opened_on: date) -> CommitResult:
    """The result with the case as it now stands, built from what the handler already has
    (a view shows it without reading the case row or its deadlines again)."""
    if result.replayed:
        return result
    from dataclasses import replace

    from rongcuo.adapters.db.records import utc

    last = result.events[-1] if result.events else None
    at = utc(last.recorded_at) if last is not None else None
    record = CaseRecord(
        id=result.case_id,
        number=result.number,
        subject=subject,
        agency=agency,
        opened_on=opened_on,
        state=decision.state,
        version=result.version,
        last_seq=last.seq if last is not None else (before.last_seq if before else 0),
        last_hash=last.hash if last is not None else (before.last_hash if before else ""),
        created_at=before.created_at if before is not None else at,  # type: ignore[arg-type]
        updated_at=at if at is not None else before.updated_at,  # type: ignore[union-attr]
    )
    return replace(result, record=record, deadlines=tuple(decision.deadlines))


