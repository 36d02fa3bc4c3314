"""How the CLI's views show corrections (更正、撤销、误录撤回): the original step stays in the
history, struck through and linked to the event that corrected it; the correction says what
changed, why, who asked and who approved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rongcuo.domain.corrections import AMEND, CORRECTION_TRIGGERS, LABELS, VOID, WITHDRAW, Links

_STRIKE = "\u0336"  # combining long stroke overlay: the text shows struck through


def struck(text: str) -> str:
    return "".join(ch + _STRIKE for ch in text)


def is_correction(trigger: str) -> bool:
    return trigger in CORRECTION_TRIGGERS


def correction_name(trigger: str, zh: bool) -> str:
    zh_name, en_name = LABELS[trigger]
    return f"{zh_name}（{trigger}）" if zh else f"{en_name} ({trigger})"


def correction_text(trigger: str, data: Mapping[str, Any], zh: bool) -> str:
    """What the correction did, in words: the step it names, what changed, why, who approved."""
    parts: list[str] = []
    if trigger in (AMEND, VOID):
        parts.append(f"序号 {data.get('target')}（{data.get('trigger')}）" if zh
                     else f"seq {data.get('target')} ({data.get('trigger')})")
    if trigger == AMEND:
        was = data.get("was") or {}
        if was.get("on") != data.get("on"):
            parts.append(f"日期 {was.get('on')} → {data.get('on')}" if zh
                         else f"date {was.get('on')} → {data.get('on')}")
        old = was.get("data") or {}
        for k, v in (data.get("set") or {}).items():
            if k in old:
                parts.append(f"{k}：{old[k]} → {v}" if zh else f"{k}: {old[k]} → {v}")
    if trigger == WITHDRAW:
        parts.append("案件编号保留，不再重用" if zh else "the number is kept, never reused")
    parts.append(("理由：" if zh else "reason: ") + str(data.get("reason", "")))
    if data.get("approved_by"):
        parts.append(("批准：" if zh else "approved by ") + str(data["approved_by"]))
    return ("；" if zh else "; ").join(parts)


def link_note(seq: int, linked: Links, zh: bool) -> str:
    """The mark after a corrected step (empty when untouched)."""
    if seq in linked.voided_by:
        return (f"〔已撤销，见序号 {linked.voided_by[seq]}〕" if zh
                else f" [voided: see seq {linked.voided_by[seq]}]")
    if seq in linked.superseded_by:
        return (f"〔已更正，见序号 {linked.superseded_by[seq]}〕" if zh
                else f" [amended: see seq {linked.superseded_by[seq]}]")
    return ""
