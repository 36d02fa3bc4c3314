"""One error base for the domain layer, on the shape every layer's errors share.

Every refusal a case worker can meet carries a stable ``code``, a Chinese and an English
message, and — where the refusal comes from law — the article it enforces.  That shape is
:class:`RongcuoError`; each layer has its own base on it (the domain's :class:`DomainError`,
the service layer's ``rongcuo.service.errors.ServiceError``, the store's
``rongcuo.adapters.db.errors.StoreError``) and no layer raises another layer's errors.  Entry
points choose exit codes and HTTP statuses; the domain never does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.domain.messages import Message


class RongcuoError(Exception):
    """The bilingual, coded shape of every error rongcuo reports to a person or a program.

    ``code`` is stable and machine readable (``"period.negative_days"``); ``message_zh`` and
    ``message_en`` are what a case worker reads; ``article`` cites the rule (for example
    ``"历城办法第十七条"``) when the refusal comes from law; ``allowed`` lists what may be done
    instead (the triggers open in the current state, for instance).
    """

    code: str = "rongcuo.error"

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        code: str | None = None,
        article: str | None = None,
        allowed: Sequence[str] = (),
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en
        if code is not None:
            self.code = code
        self.article = article
        self.allowed = tuple(allowed)
        self.details = dict(details or {})

    @classmethod
    def of(
        cls,
        msg: Message,
        /,
        *,
        article: str | None = None,
        allowed: Sequence[str] = (),
        details: dict[str, Any] | None = None,
        **params: Any,
    ) -> Self:
        """The error of catalogue message ``msg`` (:mod:`rongcuo.domain.messages`) with its
        fields filled from ``params``; its code is the message's."""
        zh, en = msg.render(params)
        return cls(zh, en, code=msg.code, article=article, allowed=allowed, details=details)

    def message(self, lang: str = "zh") -> str:
        """The message in one language, with the article and the allowed alternatives."""
        base = self.message_zh if lang == "zh" else self.message_en
        parts = [base]
        if self.article:
            parts.append(("依据：" if lang == "zh" else "Basis: ") + self.article)
        if self.allowed:
            label = "当前可以进行的操作：" if lang == "zh" else "Allowed now: "
            parts.append(label + ", ".join(self.allowed))
        return "；".join(parts) if lang == "zh" else "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "article": self.article,
            "allowed": list(self.allowed),
            **({"details": self.details} if self.details else {}),
        }


class DomainError(RongcuoError):
    """A refusal or invalid input detected by the pure domain."""

    code = "domain.error"


class InvalidInput(DomainError):
    """Input that cannot be right (an impossible date, a negative period, …)."""

    code = "input.invalid"


class CalendarError(DomainError):
    """A calendar file or calendar query that cannot be trusted."""

    code = "calendar.invalid"


class DefinitionError(DomainError):
    """A workflow definition that is malformed or would invent law."""

    code = "definition.invalid"


class Refused(DomainError):
    """A step the law (as the workflow definition states it) does not allow."""

    code = "case.refused"
