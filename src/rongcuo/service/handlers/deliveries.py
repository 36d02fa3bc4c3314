"""Delivery (送达) of an issued document: the step that starts the periods running from receipt.

``rongcuo doc deliver CASE determination --on 2025-11-20 --method 直接送达 --received-by 张三``:

* the document must have been issued by a step of the case (its ``issued_documents`` row);
* the received date is checked (:func:`rongcuo.documents.delivery.check_delivery`): not before
  the document's date of issue, not after today (CST) — 历城办法第十九条 counts the review
  window from it, so it cannot be entered in advance;
* the step fired is the one the definition starts a period "from" a received date with
  (``timers.<t>.start.from``: Licheng's ``notify`` starts ``review_window`` from
  ``received_on``), allowed in the case's state now; it is recorded on the received date with
  the method and the receiving person, and issues what it names (the 告知书 and the 送达回证,
  which prints the method, the person and the date).

The receiving person's name goes into the step's data (the 送达回证 prints it) and never into
a log line.
"""

from __future__ import annotations

from dataclasses import dataclass

from rongcuo import logging as rlog
from rongcuo.adapters.db.records import CommitResult
from rongcuo.clock import today_cst
from rongcuo.documents.delivery import Delivery, check_delivery
from rongcuo.domain.errors import Refused
from rongcuo.domain.messages import message
from rongcuo.service.commands import DeliverDocument, FireStep
from rongcuo.service.context import App
from rongcuo.service.document_queries import load_stored
from rongcuo.service.errors import InvalidRequest
from rongcuo.service.handlers.cases import fire

log = rlog.get_logger("rongcuo.documents")

NOT_ISSUED = message(
    "document.not_issued",
    "案件 {case} 没有签发过{kind}，无法记录送达",
    "case {case} has issued no {kind}: there is nothing to deliver",
)
NO_RECEIPT_STEP = message(
    "document.no_receipt_step",
    "案件 {case} 当前（{state}）没有自收到之日起计算期限的步骤可以记录送达",
    "case {case} has no step now (in state {state}) that starts a period from the date of "
    "receipt: the delivery cannot be recorded",
)


@dataclass(frozen=True)
class Delivered:
    result: CommitResult
    trigger: str
    delivery: Delivery


def receipt_steps(definition: object) -> dict[str, str]:
    """``{trigger: data field}`` of the steps that start a period from a received date."""
    out: dict[str, str] = {}
    for t in getattr(definition, "timers", {}).values():
        if t.start_from:
            for trigger in t.start_on:
                out.setdefault(trigger, t.start_from)
    return out


def deliver(app: App, cmd: DeliverDocument) -> Delivered:
    """Check the delivery and fire the receipt step with its date (see the module docstring)."""
    stored = load_stored(app, cmd.case_ref)
    case = stored.case
    rlog.bind(case_id=case.id, actor=cmd.actor)
    issued = [d for d in stored.issued if d.kind == cmd.kind and d.format == "pdf"]
    if not issued:
        raise InvalidRequest.of(NOT_ISSUED, case=case.number, kind=cmd.kind)
    doc = issued[-1]
    issued_on = next(e.on for e in stored.events if e.seq == doc.event_seq)
    delivery = check_delivery(
        Delivery(cmd.method, cmd.received_by, cmd.received_on),
        issued_on=issued_on, today=today_cst(app.clock))
    engine = stored.engine
    allowed = set(engine.allowed_triggers(case.state))
    steps = {t: f for t, f in receipt_steps(stored.definition).items() if t in allowed}
    if not steps:
        raise Refused.of(NO_RECEIPT_STEP, case=case.number, state=case.state.state)
    trigger, field = next(iter(steps.items()))
    spec = stored.definition.triggers[trigger]
    data: dict[str, object] = {field: delivery.received_on.isoformat()}
    if "method" in spec.data:
        data["method"] = delivery.method
    if "received_by" in spec.data:
        data["received_by"] = delivery.received_by
    result = fire(app, FireStep(case.id, trigger, on=delivery.received_on, actor=cmd.actor,
                                data=data, idempotency_key=cmd.idempotency_key))
    log.info("documents.delivered", kind=cmd.kind, trigger=trigger, method=delivery.method,
             received_on=delivery.received_on.isoformat())
    return Delivered(result, trigger, delivery)


__all__ = ["Delivered", "deliver", "receipt_steps"]
