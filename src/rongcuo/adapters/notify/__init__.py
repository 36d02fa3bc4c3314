"""Notifications: the transactional outbox and its delivery channels (issue 5)."""

from rongcuo.adapters.notify.channels import (
    Channel,
    DeliveryError,
    SmtpChannel,
    WebhookChannel,
    delivery_header,
    sign,
    verify_signature,
)
from rongcuo.adapters.notify.outbox import OutboxDraft, OutboxMessage, Recipient, enqueue
from rongcuo.adapters.notify.worker import DeliveryPolicy, DeliveryReport, deliver_due

__all__ = [
    "Channel",
    "DeliveryError",
    "DeliveryPolicy",
    "DeliveryReport",
    "OutboxDraft",
    "OutboxMessage",
    "Recipient",
    "SmtpChannel",
    "WebhookChannel",
    "deliver_due",
    "delivery_header",
    "enqueue",
    "sign",
    "verify_signature",
]
