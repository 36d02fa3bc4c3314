"""Checks on the free text a command records, made before anything is read or written.

The limits are the sizes of the columns the text is stored in (:mod:`rongcuo.adapters.db.tables`):
PostgreSQL refuses a longer value only at the insert (``StringDataRightTruncation``, after the
case number was drawn), SQLite stores any length — so without this check the two backends
would disagree on what may be recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from rongcuo.adapters.db import tables
from rongcuo.domain.errors import InvalidInput


@dataclass(frozen=True)
class TextField:
    """A free-text input: its name, how a person knows it, and the column that stores it."""

    name: str
    label_zh: str
    label_en: str
    column: sa.Column[str]

    @property
    def limit(self) -> int:
        length = getattr(self.column.type, "length", None)
        assert isinstance(length, int), f"{self.column} has no length"
        return length


SUBJECT = TextField("subject", "容错纠错对象（--subject）", "the subject (--subject)",
                    tables.cases.c.subject)
AGENCY = TextField("agency", "执法机关（--agency）", "the agency (--agency)", tables.cases.c.agency)
ACTOR = TextField("actor", "记录人（--by）", "who records the step (--by)", tables.events.c.actor)
IDEMPOTENCY_KEY = TextField(
    "idempotency_key",
    "幂等键（--idempotency-key）",
    "the idempotency key (--idempotency-key)",
    tables.commands.c.idempotency_key,
)


def check_length(field: TextField, value: str) -> None:
    """Refuse ``value`` when it is longer than ``field``'s column (in characters, as
    PostgreSQL's ``varchar(n)`` counts them)."""
    if len(value) > field.limit:
        raise InvalidInput(
            f"{field.label_zh}不能超过 {field.limit} 个字符（收到 {len(value)} 个）",
            f"{field.label_en} must be at most {field.limit} characters (got {len(value)})",
            code="input.too_long",
            details={"field": field.name, "limit": field.limit, "length": len(value)},
        )


def check_not_blank(field: TextField, value: str) -> None:
    """Refuse an empty or all-whitespace value: the record must say who or what it is."""
    if not value.strip():
        raise InvalidInput(
            f"{field.label_zh}不能为空",
            f"{field.label_en} must not be blank",
            code="input.blank",
            details={"field": field.name},
        )


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
