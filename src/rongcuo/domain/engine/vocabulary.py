"""One vocabulary per definition: a step (trigger) named by its code or its Chinese label.

A case worker types ``立案`` or ``file``; the record keeps the code.  A label that names two
steps is not taken (the definition's words must name one step each); a word that names none
is refused with the nearest steps (difflib, over codes and labels).
"""

from __future__ import annotations

import difflib

from rongcuo.domain.errors import Refused
from rongcuo.domain.messages import message
from rongcuo.domain.workflow.model import WorkflowDefinition

__all__ = ["UNKNOWN_STEP", "nearest_triggers", "trigger_named"]

UNKNOWN_STEP = message(
    "case.unknown_trigger/suggest",
    "本流程没有操作“{given}”{zh_hint}",
    "'{given}' is not a step of {workflow}{en_hint}",
)


def nearest_triggers(definition: WorkflowDefinition, given: str, n: int = 3) -> list[str]:
    """The steps (codes) nearest ``given``, by code or by Chinese label."""
    words: dict[str, str] = {}
    for name, t in definition.triggers.items():
        if t.opens:
            continue
        words.setdefault(name, name)
        if t.label_zh:
            words.setdefault(t.label_zh, name)
    out: list[str] = []
    cutoff = 0.5 if len(given) <= 3 else 0.6  # a two-character label with one typo: 0.5
    for w in difflib.get_close_matches(given, list(words), n=n * 2, cutoff=cutoff):
        if words[w] not in out:
            out.append(words[w])
    return out[:n]


def trigger_named(
    definition: WorkflowDefinition, given: str, allowed: tuple[str, ...] = ()
) -> str:
    """The trigger code ``given`` names (its code, or its Chinese or English label)."""
    word = given.strip()
    if word in definition.triggers:
        return word
    hits = sorted({n for n, t in definition.triggers.items()
                   if word and word in (t.label_zh, t.label_en)})
    if len(hits) == 1:
        return hits[0]
    near = hits or nearest_triggers(definition, word)
    shown = "、".join(f"{n}（{definition.triggers[n].label_zh}）" for n in near)
    raise Refused.of(
        UNKNOWN_STEP, given=given, workflow=definition.id,
        zh_hint=f"；是否想输入：{shown}" if near else "",
        en_hint=f"; did you mean: {', '.join(near)}" if near else "",
        allowed=allowed, details={"suggestions": near, "trigger": given},
    )
