"""Reporters (信访举报人): the identity given with a report, kept out of the record.

A report step (``record_report``, 历城办法第二十二条, 巴南办法第十九条) records the report's
number and kind; when the case worker gives the reporter's identity, the service generates an
opaque reference, puts *only the reference* into the step's data (``reporter_ref``) and writes
the identity, AES-GCM encrypted, into ``reporters`` in the same transaction
(:mod:`rongcuo.adapters.reporters.vault`).  Reading it back (:func:`reveal_reporter`) is an
event of its own on the case (``access`` / ``ReporterRevealed``: who, when, which report, why),
written in the same transaction as the reading.  Confidentiality is policy (the sources
require the feedback, not the secrecy).  Who may reveal (issue 14): a signed-in user with the
``reports`` role in the case's unit; to anyone else — and for a report without an identity —
the answer is the same "no identity you may read" (404), and nothing is recorded
(:func:`rongcuo.service.identity.authz.check_reveal`).  The operator on the server's shell
(``--by``) may, as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from rongcuo import logging as rlog
from rongcuo.adapters.db.records import CommitResult
from rongcuo.clock import today_cst
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.service.commands import RevealReporter
from rongcuo.service.context import App
from rongcuo.service.errors import ReporterNotFound
from rongcuo.service.identity import authz
from rongcuo.service.inputs import TextField, check_command_text, check_length
from rongcuo.service.unit_of_work import retrying

log = rlog.get_logger("rongcuo.service")

REF_FIELD = "reporter_ref"
REPORT_FIELD = "report_id"

NO_REPORTER_FIELD = message(
    "reporter.not_a_report_step",
    "步骤“{trigger}”不登记举报，不能附带举报人身份",
    "the step '{trigger}' records no report, so it takes no reporter identity",
)
REF_BY_HAND = message(
    "reporter.ref_by_hand",
    "{field} 由系统填写（举报人身份另行加密保存），不能手工填写",
    "{field} is filled in by the system (the identity is kept encrypted apart); "
    "it cannot be given by hand",
)
NO_REASON = message(
    "reporter.reveal_without_reason",
    "查看举报人身份须写明理由",
    "revealing a reporter's identity needs a reason",
)
EMPTY_IDENTITY = message(
    "reporter.empty_identity",
    "举报人身份不能为空",
    "the reporter's identity must not be empty",
)

REASON = TextField("reason", "查看理由", "the reason for reading", 1000)

Stage = Callable[[sa.Connection, list[CommitResult]], None]


def step_data(app: App, definition: Any, trigger: str, data: Mapping[str, Any],
              reporter: str | None, case_id: str) -> tuple[dict[str, Any], Stage | None]:
    """The step's data with the reporter's reference, and what to write with the step."""
    out = dict(data)
    if REF_FIELD in out:
        raise InvalidInput.of(REF_BY_HAND, field=REF_FIELD, details={"key": REF_FIELD})
    if reporter is None:
        return out, None
    spec = definition.triggers.get(trigger)
    if spec is None or REF_FIELD not in spec.data or REPORT_FIELD not in spec.data:
        raise InvalidInput.of(NO_REPORTER_FIELD, trigger=trigger)
    identity = reporter.strip()
    if not identity:
        raise InvalidInput.of(EMPTY_IDENTITY)
    # the vault (and cryptography) only for a step that names a reporter (issue 16)
    from rongcuo.adapters.reporters.vault import load_key, store_identity

    key = load_key()  # before anything is decided: a bad key file writes nothing
    ref = f"rpt-{uuid.uuid4().hex}"
    out[REF_FIELD] = ref
    report_id = str(out.get(REPORT_FIELD, "")).strip()

    def stage(conn: sa.Connection, results: list[CommitResult]) -> None:
        store_identity(conn, key, ref=ref, case_id=case_id, report_id=report_id,
                       identity=identity, at=app.clock.now())

    return out, stage


def reveal_reporter(app: App, cmd: RevealReporter) -> str:
    """The identity of the reporter of ``cmd.report_id``, the reading recorded as an event
    (who — ``cmd.principal`` or the operator —, when, which report, why)."""
    # the case handlers import this module
    from rongcuo.service.handlers.cases import _actor, load_case

    actor = _actor(cmd.principal, cmd.actor)
    check_command_text(actor=actor, idempotency_key=None)
    check_length(REASON, cmd.reason)
    if not cmd.reason.strip():
        raise InvalidInput.of(NO_REASON)
    from rongcuo.adapters.reporters.vault import NOT_FOUND, VaultError, load_key, reveal_identity

    def attempt() -> str:
        case = load_case(app, cmd.case_ref, cmd.principal)  # another unit's: not found
        rlog.bind(case_id=case.id)
        authz.check_reveal(app, cmd.principal, case, cmd.report_id)
        key = load_key()  # before anything is written: a bad key file writes nothing
        engine = app.engine_for(case.workflow_id, case.workflow_version)
        with app.unit_of_work() as uow:
            try:
                identity = reveal_identity(uow.conn, key, case_id=case.id,
                                           report_id=cmd.report_id)
            except VaultError as exc:
                if exc.code != NOT_FOUND.code or cmd.principal is None or (
                        cmd.principal.is_operator):
                    raise
                # a user is told no more than a user without the role (check_reveal)
                raise ReporterNotFound.of(authz.REPORTER_NOT_FOUND,
                                          report_id=cmd.report_id) from None
            decision = engine.record_access(
                case.state, today_cst(app.clock), actor,
                {"report_id": cmd.report_id, "reason": cmd.reason.strip(),
                 "what": "reporter_identity"})
            uow.append(case.head, decision)
            uow.commit()
        return identity

    identity = retrying(attempt)
    log.info("reporter.revealed", report_id=cmd.report_id)  # never the identity
    return identity

