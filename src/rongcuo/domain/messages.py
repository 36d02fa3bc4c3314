"""One message catalogue: every text a refusal shows, keyed, in Chinese and in English.

A module declares each of its messages once, at module level, next to the rule or check that
raises it::

    MIN_INVESTIGATORS = message(
        "guard.min_investigators",
        "调查人员不得少于{need}人（现有未回避的调查人员 {have} 人）",
        "at least {need} investigators who are not recused are required (now {have})",
    )
    ...
    raise Refused.of(MIN_INVESTIGATORS, need=2, have=1, article=spec.article)

The key is the stable error ``code`` a program reads (the CLI's ``--json``, the HTTP API's
``code``); where one code is worded in several ways the key carries a variant after a slash
(``guard.conditions_not_met/situation``) and the code stays the same.  Texts name no CLI flag
and no internal field name a case worker would not know: the same message reaches a person in
a terminal, an integration over HTTP and a case worker in the web workplace.  The whole
catalogue is :data:`CATALOGUE` (``rongcuo messages`` prints it; ``docs/messages.md`` is
generated from it, and a test keeps the two equal).
"""

from __future__ import annotations

import string
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CATALOGUE", "Message", "message"]


@dataclass(frozen=True)
class Message:
    """One message: its key, the public error code, the Chinese and the English template
    (``str.format`` fields), and the parameters both templates use."""

    key: str
    code: str
    zh: str
    en: str
    module: str = field(default="", compare=False)
    """The module that declared it (an entry point's messages may name its options)."""

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(_fields(self.zh)) | frozenset(_fields(self.en))

    def render(self, params: Mapping[str, Any]) -> tuple[str, str]:
        """Both texts with ``params`` filled in (a missing parameter is a programming error)."""
        return self.zh.format_map(params), self.en.format_map(params)


CATALOGUE: dict[str, Message] = {}
"""Every declared message, by key."""


def message(key: str, zh: str, en: str) -> Message:
    """Declare one message (once per key; the code is the key up to a ``/`` variant)."""
    code = key.split("/", 1)[0]
    msg = Message(key, code, zh, en, sys._getframe(1).f_globals.get("__name__", ""))
    old = CATALOGUE.get(key)
    if old is not None and old != msg:
        raise ValueError(f"message {key} declared twice with different texts")
    CATALOGUE[key] = msg
    return msg


def _fields(template: str) -> list[str]:
    return [name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name]
