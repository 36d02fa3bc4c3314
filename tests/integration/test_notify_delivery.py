"""Outbox delivery: webhook (signed JSON, retries with backoff, dead letter) and SMTP.

Issue 5: "a failed delivery never undoes or repeats the recorded escalation".  The escalation
ladder itself is policy written in the definition (basis: policy); Licheng art. 19 names the
district government as the reporting line of the supervision body.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine
from sqlmodel import Session, SQLModel, select

from rongcuo.adapters.notify import (
    DeliveryPolicy,
    OutboxDraft,
    OutboxMessage,
    Recipient,
    SmtpChannel,
    WebhookChannel,
    deliver_due,
    enqueue,
    verify_signature,
)
from rongcuo.adapters.notify.channels import SIGNATURE_HEADER, TIMESTAMP_HEADER
from rongcuo.clock import FixedClock

SECRET = b"test-secret"
T0 = datetime(2025, 10, 9, 16, 1, tzinfo=UTC)  # 00:01 CST on 10 October 2025


class Recorder:
    """A real HTTP server on 127.0.0.1 that fails the first ``fail_first`` requests."""

    def __init__(self, fail_first: int) -> None:
        self.fail_first = fail_first
        self.requests: list[dict[str, Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                recorder.requests.append({"headers": dict(self.headers), "body": body})
                failing = len(recorder.requests) <= recorder.fail_first
                self.send_response(503 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    SQLModel.metadata.create_all(eng, tables=[OutboxMessage.__table__])  # type: ignore[list-item]
    yield eng
    eng.dispose()


def _enqueue_one(engine: Engine, recipients: dict[str, list[Recipient]]) -> None:
    draft = OutboxDraft(
        case_id="c-1",
        kind="escalation",
        key="notice:escalation:1",
        subject="历城容错〔2025〕1号：告知期限已逾期，升级至负责人",
        payload={"timer": "notice", "notice": "escalation:1", "role": "负责人"},
        event_seq=7,
        role="负责人",
    )
    with Session(engine) as s, s.begin():
        enqueue(s, [draft], recipients, T0)


def _rows(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)))  # type: ignore[arg-type]


def test_webhook_retries_with_backoff_until_the_server_accepts(engine: Engine) -> None:
    """A webhook that fails twice is retried at base·2^(n-1) and then delivered once
    (escalation per the definition's ladder; Licheng art. 19 reporting line)."""
    server = Recorder(fail_first=2)
    try:
        _enqueue_one(engine, {"负责人": [Recipient("webhook", server.url)]})
        clock = FixedClock(T0)
        policy = DeliveryPolicy(max_attempts=5, base_delay=timedelta(seconds=30))
        channels = {"webhook": WebhookChannel(SECRET)}

        assert deliver_due(engine, channels, clock, policy).retrying == [1]
        row = _rows(engine)[0]
        assert (row.status, row.attempts) == ("pending", 1)
        assert "503" in (row.last_error or "")
        # not due again before its backoff (30 s after the first failure)
        clock.advance(seconds=29)
        assert deliver_due(engine, channels, clock, policy).to_dict() == {
            "delivered": [], "retrying": [], "dead": []
        }
        clock.advance(seconds=1)
        assert deliver_due(engine, channels, clock, policy).retrying == [1]
        # second failure: the next try waits 60 s
        clock.advance(seconds=59)
        assert deliver_due(engine, channels, clock, policy).delivered == []
        clock.advance(seconds=1)
        assert deliver_due(engine, channels, clock, policy).delivered == [1]
        row = _rows(engine)[0]
        assert (row.status, row.attempts, row.last_error) == ("delivered", 3, None)
        assert len(server.requests) == 3
        # delivered rows are never sent again
        clock.advance(hours=5)
        deliver_due(engine, channels, clock, policy)
        assert len(server.requests) == 3
    finally:
        server.close()


def test_webhook_body_is_json_signed_with_hmac_sha256(engine: Engine) -> None:
    """The receiver can check `X-Rongcuo-Signature: sha256=<hex>` over the exact body, and the
    body names the case, notice and role (who was told what and when; Licheng art. 19)."""
    server = Recorder(fail_first=0)
    try:
        _enqueue_one(engine, {"default": [Recipient("webhook", server.url)]})
        deliver_due(engine, {"webhook": WebhookChannel(SECRET)}, FixedClock(T0))
        (req,) = server.requests
        body = req["body"]
        assert req["headers"][SIGNATURE_HEADER].startswith("sha256=")
        assert verify_signature(SECRET, body, req["headers"][SIGNATURE_HEADER])
        assert not verify_signature(b"other", body, req["headers"][SIGNATURE_HEADER])
        assert req["headers"][TIMESTAMP_HEADER] == str(int(T0.timestamp()))
        doc = json.loads(body)
        assert doc["case_id"] == "c-1"
        assert doc["payload"]["role"] == "负责人"
        assert doc["sent_at"] == T0.isoformat()
    finally:
        server.close()


def test_webhook_goes_dead_after_the_last_try_and_is_not_retried(engine: Engine) -> None:
    """After max_attempts failures the row is dead-lettered with its last error; later rounds
    leave it alone (a failed delivery never repeats the recorded escalation)."""
    server = Recorder(fail_first=100)
    try:
        _enqueue_one(engine, {"default": [Recipient("webhook", server.url)]})
        clock = FixedClock(T0)
        policy = DeliveryPolicy(max_attempts=3, base_delay=timedelta(seconds=10))
        channels = {"webhook": WebhookChannel(SECRET)}
        reports = []
        for _ in range(6):
            reports.append(deliver_due(engine, channels, clock, policy))
            clock.advance(minutes=10)
        assert [r.retrying for r in reports[:2]] == [[1], [1]]
        assert reports[2].dead == [1]
        assert len(server.requests) == 3
        row = _rows(engine)[0]
        assert (row.status, row.attempts) == ("dead", 3)
        assert "503" in (row.last_error or "")
    finally:
        server.close()


def test_unreachable_webhook_is_a_retry_not_a_crash(engine: Engine) -> None:
    """A refused connection counts as a failed try with the error recorded."""
    _enqueue_one(engine, {"default": [Recipient("webhook", "http://127.0.0.1:9/none")]})
    report = deliver_due(engine, {"webhook": WebhookChannel(SECRET, timeout=2)}, FixedClock(T0))
    assert report.retrying == [1]
    assert "unreachable" in (_rows(engine)[0].last_error or "")


def test_enqueue_writes_nothing_when_the_transaction_rolls_back(engine: Engine) -> None:
    """Outbox rows live and die with the event's transaction (transactional outbox)."""
    draft = OutboxDraft(case_id="c-2", kind="overdue", key="notice:overdue", subject="逾期")
    with pytest.raises(RuntimeError), Session(engine) as s, s.begin():
        enqueue(s, [draft], {"default": [Recipient("email", "a@example.org")]}, T0)
        s.flush()
        raise RuntimeError("the event append failed")
    assert _rows(engine) == []


def test_smtp_delivers_a_mail_to_a_real_local_server(engine: Engine) -> None:
    """E-mail channel over a real SMTP server on loopback (aiosmtpd)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list[Any] = []

    class Keep(Message):  # type: ignore[misc]
        def handle_message(self, message: Any) -> None:
            received.append(message)

    with socket.socket() as probe:  # a free loopback port (aiosmtpd cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _enqueue_one(engine, {"负责人": [Recipient("email", "head@example.gov.cn")]})
        channel = SmtpChannel("127.0.0.1", port, sender="rongcuo@example.gov.cn")
        report = deliver_due(engine, {"email": channel}, FixedClock(T0))
        assert report.delivered == [1]
        (mail,) = received
        assert mail["To"] == "head@example.gov.cn"
        assert "升级至负责人" in str(make_header(decode_header(mail["Subject"])))
        assert mail["X-Rongcuo-Delivery"] == "c-1:notice:escalation:1:email:head@example.gov.cn"
    finally:
        controller.stop()


def test_a_digest_key_in_chinese_travels_percent_encoded_in_the_delivery_header(
    engine: Engine,
) -> None:
    """A digest's dedupe key names the responsible body (历城区市场监督管理局); HTTP headers are
    ASCII, so the header carries it percent-encoded and the body's ``id`` verbatim — before,
    the send raised UnicodeEncodeError and the round crashed."""
    from urllib.parse import unquote

    from rongcuo.adapters.notify.channels import DELIVERY_HEADER

    server = Recorder(fail_first=0)
    try:
        body = "历城区市场监督管理局"
        draft = OutboxDraft(case_id="digest", kind="digest", key=f"2025-11-10:{body}",
                            subject=f"{body} 期限日报", role=f"digest:{body}")
        with Session(engine) as s, s.begin():
            enqueue(s, [draft], {f"digest:{body}": [Recipient("webhook", server.url)]}, T0)
        report = deliver_due(engine, {"webhook": WebhookChannel("text-secret")}, FixedClock(T0))
        assert report.delivered == [1]
        (req,) = server.requests
        header = req["headers"][DELIVERY_HEADER]
        assert header.isascii()
        key = _rows(engine)[0].dedupe_key
        assert "历城区" in key and unquote(header) == key == json.loads(req["body"])["id"]
        # the secret as the environment holds it (text) verifies like bytes
        assert verify_signature("text-secret", req["body"], req["headers"][SIGNATURE_HEADER])
        assert verify_signature(b"text-secret", req["body"], req["headers"][SIGNATURE_HEADER])
    finally:
        server.close()


class _Broken:
    """A channel with a defect: it raises something other than DeliveryError."""

    def __init__(self) -> None:
        self.calls = 0

    def send(self, message: OutboxMessage, now: datetime) -> None:
        self.calls += 1
        raise UnicodeEncodeError("latin-1", "历", 0, 1, "ordinal not in range(256)")


def test_an_unforeseen_channel_error_is_a_failed_try_and_ends_dead(engine: Engine) -> None:
    """Any exception from a channel fails that try like a DeliveryError: the round goes on to
    the next row, the error is named in last_error, attempts never pass max_attempts and the
    row is dead-lettered after the last try (issue 5: a dead-letter state after the last try)."""
    server = Recorder(fail_first=0)
    try:
        _enqueue_one(engine, {"default": [Recipient("email", "a@example.org"),
                                          Recipient("webhook", server.url)]})
        clock = FixedClock(T0)
        policy = DeliveryPolicy(max_attempts=3, base_delay=timedelta(seconds=10))
        broken = _Broken()
        channels = {"email": broken, "webhook": WebhookChannel(SECRET)}
        first = deliver_due(engine, channels, clock, policy)  # type: ignore[arg-type]
        assert (first.retrying, first.delivered) == ([1], [2])  # the next row still went out
        for _ in range(5):
            clock.advance(minutes=10)
            deliver_due(engine, channels, clock, policy)  # type: ignore[arg-type]
        row = _rows(engine)[0]
        assert (row.status, row.attempts, broken.calls) == ("dead", 3, 3)
        assert (row.last_error or "").startswith("UnicodeEncodeError")
    finally:
        server.close()
