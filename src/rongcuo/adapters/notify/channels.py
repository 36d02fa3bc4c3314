"""Delivery channels: a webhook (JSON, HMAC-SHA256 signed) and e-mail over SMTP (stdlib).

A channel sends one outbox row and raises :class:`DeliveryError` when it could not; the
worker decides about retries and the dead-letter state.  Delivery is at-least-once (a crash
after the receiver accepted but before the row was marked delivered sends it again), so
every message carries its stable ``dedupe_key`` for the receiver to drop repeats: verbatim as
the body's ``id``, and in the ``X-Rongcuo-Delivery`` header percent-encoded as UTF-8 (a key
holds Chinese text — a digest's names the responsible body — and HTTP headers are ASCII);
e-mail derives its ``Message-ID`` from it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol

from rongcuo.adapters.notify.outbox import OutboxMessage

SIGNATURE_HEADER = "X-Rongcuo-Signature"
TIMESTAMP_HEADER = "X-Rongcuo-Timestamp"
DELIVERY_HEADER = "X-Rongcuo-Delivery"


class DeliveryError(Exception):
    """One delivery attempt failed (the row stays pending or goes dead; the event stays)."""


class Channel(Protocol):
    def send(self, message: OutboxMessage, now: datetime) -> None: ...


def _key(secret: bytes | str) -> bytes:
    # the secret as RONGCUO_WEBHOOK_SECRET holds it (text) or as bytes: UTF-8 either way
    return secret.encode() if isinstance(secret, str) else secret


def sign(secret: bytes | str, body: bytes) -> str:
    """The signature header value: ``sha256=<hex HMAC-SHA256 of the body>``."""
    return "sha256=" + hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes | str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), header)


def delivery_header(dedupe_key: str) -> str:
    """The ``X-Rongcuo-Delivery`` value: the dedupe key percent-encoded as UTF-8 (ASCII, as
    HTTP headers must be; ``urllib.parse.unquote`` gives the key back)."""
    return urllib.parse.quote(dedupe_key, safe=":/@._-")


def webhook_body(message: OutboxMessage, now: datetime) -> bytes:
    """The JSON body: sorted keys, UTF-8; ``sent_at`` is inside so the signature covers it."""
    doc: dict[str, Any] = {
        "id": message.dedupe_key,
        "case_id": message.case_id,
        "event_seq": message.event_seq,
        "kind": message.kind,
        "subject": message.subject,
        "payload": message.payload,
        "attempt": message.attempts,
        "sent_at": now.isoformat(),
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class WebhookChannel:
    """POST the message as JSON to ``message.target``; any non-2xx answer is a failure."""

    secret: bytes | str
    timeout: float = 10.0

    def send(self, message: OutboxMessage, now: datetime) -> None:
        body = webhook_body(message, now)
        req = urllib.request.Request(
            message.target,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE_HEADER: sign(self.secret, body),
                TIMESTAMP_HEADER: str(int(now.timestamp())),
                DELIVERY_HEADER: delivery_header(message.dedupe_key),
                "User-Agent": "rongcuo-notify/1",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                status = resp.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"webhook answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"webhook unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook answered HTTP {status}")


@dataclass(frozen=True)
class SmtpChannel:
    """Send the message as a plain-text e-mail to ``message.target`` (stdlib smtplib)."""

    host: str
    port: int = 25
    sender: str = "rongcuo@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def build(self, message: OutboxMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = self.sender
        mail["To"] = message.target
        # a stable Message-ID from the dedupe key lets mail systems drop a repeated send
        digest = hashlib.sha256(message.dedupe_key.encode()).hexdigest()[:32]
        mail["Message-ID"] = make_msgid(idstring=digest, domain="rongcuo")
        mail[DELIVERY_HEADER] = delivery_header(message.dedupe_key)
        text = str(message.payload.get("text") or message.subject)
        mail.set_content(text + "\n\n" + json.dumps(message.payload, ensure_ascii=False, indent=2))
        return mail

    def send(self, message: OutboxMessage, now: datetime) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(self.build(message))
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP delivery failed: {exc}") from exc
