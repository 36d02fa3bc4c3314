"""Command handlers: load the case → ``engine.decide`` → check the date → commit atomically.

Each handler is a few lines over :class:`rongcuo.bootstrap.App`.  Rules enforced here (the
engine enforces the rest: the order of steps, guards, closed cases, dates before the last step):

* who records a step (``--by``) is never blank, and no free text is longer than the column
  that stores it (:mod:`rongcuo.service.inputs`) — on SQLite exactly as on PostgreSQL;
* a step is never recorded on a date in the future (legal date in CST, from the injected
  clock) — a case worker records what happened, not what is planned;
* a retried command with the same idempotency key returns the first result and writes nothing;
* two writers on one case: the second gets :class:`ConcurrencyConflict` and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from rongcuo import logging as rlog
from rongcuo.adapters.db.store import CommitResult, Idempotency
from rongcuo.bootstrap import App
from rongcuo.clock import today_cst
from rongcuo.domain.case import Command
from rongcuo.domain.errors import InvalidInput
from rongcuo.service.inputs import check_command_text

log = rlog.get_logger("rongcuo.service")


def check_not_future(app: App, on: date, allowed: Sequence[str] = ()) -> None:
    """Refuse a business date after today (CST)."""
    today = today_cst(app.clock)
    if on > today:
        raise InvalidInput(
            f"不能记录未来日期（{on.isoformat()}）发生的步骤："
            f"今天是 {today.isoformat()}（北京时间）",
            f"cannot record a step on a future date ({on.isoformat()}): today is "
            f"{today.isoformat()} (China Standard Time)",
            code="date.future",
            allowed=allowed,
            details={"on": on.isoformat(), "today": today.isoformat()},
        )


def open_case(
    app: App,
    *,
    workflow_id: str,
    subject: str,
    agency: str,
    on: date,
    actor: str,
    data: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> CommitResult:
    """Open a case (trigger ``open``; Licheng art. 13) and return its id and number."""
    check_command_text(
        actor=actor, idempotency_key=idempotency_key, subject=subject, agency=agency
    )
    data = {**dict(data or {}), "subject": subject, "agency": agency}
    idem = (
        Idempotency.for_command(
            idempotency_key, op="open", workflow=workflow_id, on=on, actor=actor, data=data
        )
        if idempotency_key
        else None
    )
    if idem and (first := app.store.command_result(idem)):
        return first
    check_not_future(app, on)
    engine = app.engine_for(workflow_id)
    definition = app.definition(workflow_id)
    matter = data.get("matter")
    context = {
        "prior_tolerances": app.store.prior_tolerances(
            subject=subject, matter=str(matter) if matter is not None else None
        )
    }
    decision = engine.open(Command("open", on, actor, data), context)
    result = app.store.create_case(
        subject=subject,
        agency=agency,
        opened_on=on,
        number_pattern=str(definition.case_number),
        events=decision.events,
        state=decision.state,
        deadlines=decision.deadlines,
        recorded_at=app.clock.now(),
        idempotency=idem,
    )
    rlog.bind(case_id=result.case_id, actor=actor)
    log.info("case.opened", number=result.number, workflow=workflow_id, on=on.isoformat())
    return result


def fire(
    app: App,
    case_ref: str,
    trigger: str,
    *,
    on: date,
    actor: str,
    data: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> CommitResult:
    """Record one step ``trigger`` on the date it happened."""
    check_command_text(actor=actor, idempotency_key=idempotency_key)
    case = app.store.load_case(case_ref)
    rlog.bind(case_id=case.id, actor=actor)
    idem = (
        Idempotency.for_command(
            idempotency_key,
            op="fire",
            case=case.id,
            trigger=trigger,
            on=on,
            actor=actor,
            data=dict(data or {}),
        )
        if idempotency_key
        else None
    )
    if idem and (first := app.store.command_result(idem)):
        return first
    engine = app.engine_for(case.workflow_id, case.workflow_version)
    check_not_future(app, on, () if case.state.closed else engine.allowed_triggers(case.state))
    context = {
        "prior_tolerances": app.store.prior_tolerances(
            subject=case.subject,
            matter=_str_or_none(case.state.facts.get("matter")),
            exclude_case=case.id,
        )
    }
    decision = engine.decide(case.state, Command(trigger, on, actor, dict(data or {})), context)
    result = app.store.commit(
        case,
        events=decision.events,
        state=decision.state,
        deadlines=decision.deadlines,
        recorded_at=app.clock.now(),
        idempotency=idem,
    )
    log.info("case.fired", trigger=trigger, on=on.isoformat(), state=result.state)
    return result


def allowed_triggers(app: App, case_ref: str) -> list[str]:
    case = app.store.load_case(case_ref)
    return list(
        app.engine_for(case.workflow_id, case.workflow_version).allowed_triggers(case.state)
    )


def _str_or_none(v: Any) -> str | None:
    return None if v is None else str(v)
