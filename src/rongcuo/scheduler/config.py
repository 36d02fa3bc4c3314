"""Scheduler settings: how often to sweep, when to send the digest, who gets what.

Read from a TOML file (``--config FILE`` or ``RONGCUO_SCHEDULER_CONFIG``); the webhook secret
and SMTP password come from the environment only (never a file that ends up in backups)::

    [scheduler]
    sweep_seconds = 60          # the sweep interval
    delivery_seconds = 15       # the outbox delivery interval
    digest_at = "08:30"         # daily digest, China Standard Time
    batch_size = 100            # deadline rows claimed per transaction
    node = "scheduler-a"        # this node's name in `scheduler status` (default: host name)
    max_lag_seconds = 600       # `scheduler status` exits 7 when the oldest due notice is older
    db_retry_max_seconds = 60   # while the database is out: retry after 1, 2, 4 … s, at most this

    [delivery]
    max_attempts = 6            # then the row is dead-lettered
    base_delay_seconds = 30     # backoff: 30 s, 60 s, 120 s, … (capped at max_delay_seconds)
    max_delay_seconds = 7200

    [smtp]
    host = "127.0.0.1"
    port = 25
    sender = "rongcuo@example.gov.cn"
    starttls = false
    username = ""               # password: RONGCUO_SMTP_PASSWORD

    # recipients by role: the rung's `to` in the definition's escalation ladder (负责人, 区政府),
    # "default" for reminders and overdue marks, "digest:<agency>" for a body's daily digest.
    [recipients]
    default = ["email:supervision@example.gov.cn", "webhook:https://oa.example.gov.cn/hook"]
    "负责人" = ["email:head@example.gov.cn"]
    "区政府" = ["email:office@example.gov.cn"]

``RONGCUO_WEBHOOK_SECRET`` signs webhook bodies (required when a webhook recipient exists).
"""

from __future__ import annotations

import os
import socket
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any

from rongcuo.adapters.notify import (
    Channel,
    DeliveryPolicy,
    Recipient,
    SmtpChannel,
    WebhookChannel,
)
from rongcuo.domain.errors import InvalidInput


def _bad(zh: str, en: str) -> InvalidInput:
    return InvalidInput(zh, en, code="scheduler.config")


@dataclass(frozen=True)
class SchedulerConfig:
    sweep_seconds: int = 60
    delivery_seconds: int = 15
    digest_at: time = time(8, 30)
    batch_size: int = 100
    node: str = field(default_factory=socket.gethostname)
    max_lag_seconds: int = 600
    db_retry_max_seconds: int = 60
    recipients: Mapping[str, tuple[Recipient, ...]] = field(default_factory=dict)
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    smtp: SmtpChannel | None = None
    webhook_secret: bytes | None = None

    def channels(self) -> dict[str, Channel]:
        out: dict[str, Channel] = {}
        if self.webhook_secret is not None:
            out["webhook"] = WebhookChannel(self.webhook_secret)
        if self.smtp is not None:
            out["email"] = self.smtp
        return out


def parse_recipient(text: str) -> Recipient:
    channel, sep, target = text.partition(":")
    if not sep or channel not in ("email", "webhook") or not target:
        raise _bad(
            f"收件人格式错误：{text!r}（应为 email:地址 或 webhook:URL）",
            f"bad recipient {text!r} (expected email:ADDRESS or webhook:URL)",
        )
    return Recipient(channel, target)


def _int(section: Mapping[str, Any], key: str, default: int, minimum: int = 1) -> int:
    v = section.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or v < minimum:
        raise _bad(
            f"配置项 {key} 必须是不小于 {minimum} 的整数，实际为 {v!r}",
            f"setting {key} must be an integer >= {minimum}, got {v!r}",
        )
    return v


# Every setting the file may hold, by section (``recipients`` takes any role name): a key
# not listed is refused by name — a typo such as ``sweep_secs`` must not silently fall back
# to the default.
KNOWN: dict[str, tuple[str, ...] | None] = {
    "scheduler": ("sweep_seconds", "delivery_seconds", "digest_at", "batch_size", "node",
                  "max_lag_seconds", "db_retry_max_seconds"),
    "delivery": ("max_attempts", "base_delay_seconds", "max_delay_seconds"),
    "smtp": ("host", "port", "sender", "starttls", "username"),
    "recipients": None,
}


def _check_keys(data: Mapping[str, Any]) -> None:
    for section, value in data.items():
        if section not in KNOWN:
            raise _bad(
                f"调度配置中没有 [{section}] 这一节（可用：{', '.join(KNOWN)}）",
                f"the scheduler config has no section [{section}] (known: {', '.join(KNOWN)})",
            )
        if not isinstance(value, Mapping):
            raise _bad(f"[{section}] 必须是一节（表）", f"[{section}] must be a table")
        allowed = KNOWN[section]
        if allowed is None:
            continue
        for key in value:
            if key not in allowed:
                raise _bad(
                    f"[{section}] 中没有配置项 {key}（可用：{', '.join(allowed)}）",
                    f"[{section}] has no setting {key!r} (known: {', '.join(allowed)})",
                )


def parse_config(data: Mapping[str, Any], env: Mapping[str, str] | None = None) -> SchedulerConfig:
    env = os.environ if env is None else env
    _check_keys(data)
    sched = data.get("scheduler", {})
    deliv = data.get("delivery", {})
    digest_text = str(sched.get("digest_at", "08:30"))
    try:
        digest_at = time.fromisoformat(digest_text)
    except ValueError as exc:
        raise _bad(
            f"digest_at 时间格式错误：{digest_text!r}（应为 HH:MM，北京时间）",
            f"digest_at is not a time: {digest_text!r} (expected HH:MM, China Standard Time)",
        ) from exc
    recipients = {
        str(role): tuple(parse_recipient(str(r)) for r in (rs if isinstance(rs, list) else [rs]))
        for role, rs in (data.get("recipients") or {}).items()
    }
    smtp = None
    if "smtp" in data:
        s = data["smtp"]
        if not s.get("host"):
            raise _bad("[smtp] 缺少 host", "[smtp] needs a host")
        smtp = SmtpChannel(
            host=str(s["host"]),
            port=_int(s, "port", 25),
            sender=str(s.get("sender", "rongcuo@localhost")),
            starttls=bool(s.get("starttls", False)),
            username=str(s["username"]) if s.get("username") else None,
            password=env.get("RONGCUO_SMTP_PASSWORD"),
        )
    if smtp is None and any(r.channel == "email" for rs in recipients.values() for r in rs):
        raise _bad(
            "配置了 email 收件人，但没有 [smtp] 一节（邮件服务器 host 等）",
            "an email recipient is configured but there is no [smtp] section (the mail "
            "server's host, port, sender)",
        )
    secret = env.get("RONGCUO_WEBHOOK_SECRET")
    uses_webhook = any(r.channel == "webhook" for rs in recipients.values() for r in rs)
    if uses_webhook and not secret:
        raise _bad(
            "配置了 webhook 收件人，但未设置环境变量 RONGCUO_WEBHOOK_SECRET（用于 HMAC 签名）",
            "a webhook recipient is configured but RONGCUO_WEBHOOK_SECRET (the HMAC key) is unset",
        )
    node = sched.get("node", socket.gethostname())
    if not isinstance(node, str) or not node.strip() or len(node) > 200:
        raise _bad(
            f"配置项 node 必须是非空文本（不超过 200 字符），实际为 {node!r}",
            f"setting node must be a non-empty text (at most 200 characters), got {node!r}",
        )
    return SchedulerConfig(
        sweep_seconds=_int(sched, "sweep_seconds", 60),
        delivery_seconds=_int(sched, "delivery_seconds", 15),
        digest_at=digest_at,
        batch_size=_int(sched, "batch_size", 100),
        node=node.strip(),
        max_lag_seconds=_int(sched, "max_lag_seconds", 600),
        db_retry_max_seconds=_int(sched, "db_retry_max_seconds", 60),
        recipients=recipients,
        delivery=DeliveryPolicy(
            max_attempts=_int(deliv, "max_attempts", 6),
            base_delay=timedelta(seconds=_int(deliv, "base_delay_seconds", 30)),
            max_delay=timedelta(seconds=_int(deliv, "max_delay_seconds", 7200)),
        ),
        smtp=smtp,
        webhook_secret=secret.encode() if secret else None,
    )


def load_config(path: Path | None = None) -> SchedulerConfig:
    """The configuration file (or defaults when there is none)."""
    if path is None:
        env = os.environ.get("RONGCUO_SCHEDULER_CONFIG")
        path = Path(env) if env else None
    if path is None:
        return parse_config({})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise _bad(f"找不到调度配置文件 {path}", f"scheduler config {path} not found") from exc
    except UnicodeDecodeError as exc:
        raise _bad(
            f"调度配置文件 {path} 不是 UTF-8 文本（偏移 {exc.start} 处的字节无效）",
            f"scheduler config {path} is not UTF-8 text (invalid byte at offset {exc.start})",
        ) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise _bad(
            f"无法读取调度配置文件 {path}：{reason}",
            f"cannot read scheduler config {path}: {reason}",
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise _bad(
            f"调度配置文件 {path} 不是有效的 TOML：{exc}", f"{path} is not valid TOML: {exc}"
        ) from exc
    return parse_config(data)
