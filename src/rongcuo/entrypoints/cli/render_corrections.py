"""How the CLI's views show corrections (更正、撤销、误录撤回): the original step stays in the
history, struck through and linked to the event that corrected it; the correction says what
changed, why, who asked and who approved."""

from __future__ import annotations

from rongcuo.domain.corrections import CORRECTION_TRIGGERS, LABELS, Links, describe

_STRIKE = "\u0336"  # combining long stroke overlay: the text shows struck through


def struck(text: str) -> str:
    return "".join(ch + _STRIKE for ch in text)


correction_text = describe


def is_correction(trigger: str) -> bool:
    return trigger in CORRECTION_TRIGGERS


def correction_name(trigger: str, zh: bool) -> str:
    zh_name, en_name = LABELS[trigger]
    return f"{zh_name}（{trigger}）" if zh else f"{en_name} ({trigger})"


def link_note(seq: int, linked: Links, zh: bool) -> str:
    """The mark after a corrected step (empty when untouched)."""
    if seq in linked.voided_by:
        return (f"〔已撤销，见序号 {linked.voided_by[seq]}〕" if zh
                else f" [voided: see seq {linked.voided_by[seq]}]")
    if seq in linked.superseded_by:
        return (f"〔已更正，见序号 {linked.superseded_by[seq]}〕" if zh
                else f" [amended: see seq {linked.superseded_by[seq]}]")
    return ""
