"""Checks on the free text a command records, made before anything is read or written.

The limits are :mod:`rongcuo.domain.limits` (the store's columns are sized from them).  The
messages name the field as a case worker knows it, never a CLI option: an entry point adds
its own hint (the CLI names ``--subject``; an HTTP client gets the JSON key in ``details``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rongcuo.domain import limits
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message

TOO_LONG = message(
    "input.too_long",
    "{label_zh}不能超过 {limit} 个字符（收到 {length} 个）",
    "{label_en} must be at most {limit} characters (got {length})",
)
BLANK = message("input.blank", "{label_zh}不能为空", "{label_en} must not be blank")


@dataclass(frozen=True)
class TextField:
    """A free-text input: its name (the key a program sends), how a person knows it, and
    its limit."""

    name: str
    label_zh: str
    label_en: str
    limit: int


SUBJECT = TextField("subject", "容错纠错对象", "the subject", limits.SUBJECT)
AGENCY = TextField("agency", "执法机关", "the agency", limits.AGENCY)
ACTOR = TextField("actor", "记录人", "who records the step", limits.ACTOR)
IDEMPOTENCY_KEY = TextField("idempotency_key", "幂等键", "the idempotency key",
                            limits.IDEMPOTENCY_KEY)


def check_length(field: TextField, value: str) -> None:
    """Refuse ``value`` when it is longer than ``field``'s limit (in characters, as
    PostgreSQL's ``varchar(n)`` counts them)."""
    if len(value) > field.limit:
        raise InvalidInput.of(
            TOO_LONG, label_zh=field.label_zh, label_en=field.label_en, limit=field.limit,
            length=len(value),
            details={"field": field.name, "limit": field.limit, "length": len(value)},
        )


def check_not_blank(field: TextField, value: str) -> None:
    """Refuse an empty or all-whitespace value: the record must say who or what it is."""
    if not value.strip():
        raise InvalidInput.of(BLANK, label_zh=field.label_zh, label_en=field.label_en,
                              details={"field": field.name})


def check_command_text(
    *, actor: str, idempotency_key: str | None, subject: str | None = None,
    agency: str | None = None,
) -> None:
    """The checks every recorded step shares (``case open`` adds the subject and agency;
    a blank subject or agency is the engine's missing required field)."""
    check_not_blank(ACTOR, actor)
    check_length(ACTOR, actor)
    if subject is not None:
        check_length(SUBJECT, subject)
    if agency is not None:
        check_length(AGENCY, agency)
    if idempotency_key is not None:
        # an empty key (an unset shell variable) would silently mean "no key": a retry would
        # then be recorded twice
        check_not_blank(IDEMPOTENCY_KEY, idempotency_key)
        check_length(IDEMPOTENCY_KEY, idempotency_key)
