"""The document layer's refusals (a :class:`~rongcuo.domain.errors.DomainError` like every
other, so the CLI maps them to exit code 3 with both messages)."""

from __future__ import annotations

from rongcuo.domain.errors import DomainError


class DocumentError(DomainError):
    """A document that cannot be built, numbered, found or rendered as asked."""

    code = "document.invalid"
