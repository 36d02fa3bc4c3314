"""What a rule looks at (:class:`GuardCall`) and how it refuses.

A rule never returns a silent ``False``: it either passes or raises
:class:`~rongcuo.domain.errors.Refused` with a stable code, a message in Chinese and English
in a case worker's words, the article the definition cites for it, and the steps open
instead.  What a rule looked at is written to ``GuardCall.seen`` and recorded in the event
data, so replay never needs the rule's context again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

from rongcuo.domain.errors import Refused

if TYPE_CHECKING:
    from rongcuo.domain.case import CaseState, Command
    from rongcuo.domain.workflow.model import GuardSpec, WorkflowDefinition


@dataclass
class GuardCall:
    """Everything one guard may look at, and where it writes what it saw."""

    spec: GuardSpec
    definition: WorkflowDefinition
    case: CaseState | None
    command: Command
    data: Mapping[str, Any]
    context: Mapping[str, Any]
    due: Callable[[str], date | None]  # the current due date of a running timer, else None
    allowed: tuple[str, ...]
    seen: dict[str, Any] = field(default_factory=dict)

    @property
    def facts(self) -> Mapping[str, Any]:
        return self.case.facts if self.case is not None else {}

    def param(self, key: str) -> Any:
        """A parameter of the guard (the definition's value, else the rule's default)."""
        return self.spec.params[key]

    def refuse(self, code: str, zh: str, en: str, **details: Any) -> NoReturn:
        raise Refused(
            f"不允许“{self.command.trigger}”：{zh}",
            f"'{self.command.trigger}' refused: {en}",
            code=code,
            article=self.spec.article,
            allowed=self.allowed,
            details={"rule": self.spec.rule, **details},
        )


def as_list(value: Any) -> list[Any]:
    """A parameter that may be written as one value or as a list, as a list (values kept)."""
    return list(value) if isinstance(value, list | tuple) else [value]


def as_texts(value: Any) -> list[str]:
    """Names and article numbers (``12`` and ``"12"`` are the same article), as text."""
    return [str(v) for v in as_list(value)]


def same_value(a: Any, b: Any) -> bool:
    """Typed equality: ``True`` equals ``True`` but neither ``1`` nor ``"True"``; ``2``
    equals ``2.0``; text equals only text."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


def one_of(value: Any, candidates: Iterable[Any]) -> bool:
    """``value`` is one of ``candidates``, compared by :func:`same_value`."""
    return any(same_value(value, c) for c in candidates)


def shown(value: Any, nothing: str = "—") -> str:
    """A value as a case worker reads it (``true``/``false``; ``nothing`` for no value)."""
    if value is None:
        return nothing
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(shown(v) for v in value)
    return str(value)


def iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def step_labels(call: GuardCall, names: Iterable[str]) -> tuple[str, str]:
    """The steps ``names`` as a case worker knows them: their labels, zh and en."""
    specs = [call.definition.triggers[n] for n in names if n in call.definition.triggers]
    zh = "或".join(f"“{s.label_zh}”" for s in specs)
    en = " or ".join(f"'{s.label_en or s.label_zh}'" for s in specs)
    return zh, en


def steps_setting(definition: WorkflowDefinition, fact: str) -> list[str]:
    """The triggers whose fact effects write ``fact`` (set, add or remove)."""
    return [t.name for t in definition.triggers.values() if any(op.fact == fact for op in t.facts)]
