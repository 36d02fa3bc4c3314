"""Drawings of a definition: a Mermaid state diagram drawn from the definition itself (the
CLI prints it; a web page can render the same text)."""

from __future__ import annotations

from rongcuo.domain.workflow.model import WorkflowDefinition


def mermaid(d: WorkflowDefinition) -> str:
    """A Mermaid state diagram: one node per state, one arrow per transition source."""
    lines = ["stateDiagram-v2", f"    %% {d.id} {d.version} — {d.title}"]
    for n, s in d.states.items():
        lines.append(f'    state "{s.label_zh} ({n})" as {n}')
    for t in d.triggers.values():
        label = f"{t.name} / {t.label_zh}"
        for tr in t.transitions:
            if t.opens:
                lines.append(f"    [*] --> {tr.dest} : {label}")
                continue
            for src in tr.sources:
                lines.append(f"    {src} --> {tr.dest or src} : {label}")
    for n in d.final_states:
        lines.append(f"    {n} --> [*]")
    return "\n".join(lines) + "\n"
