"""流程图: a procedure's states and transitions drawn as SVG on the server, from the
definition itself (no script, nothing fetched), the case's current state highlighted.

Layout: the states of the procedure's main sequence (:func:`views.sequence`) run down the
left column in order; every other state sits in the column to the right, next to the first
state that leads to it.  Each transition is an arrow (its step named in a tooltip; the page
lists them all in a table beside the drawing)."""

from __future__ import annotations

from html import escape
from typing import Any

from rongcuo.entrypoints.web.views import main_sequence

W, H, GAP_X, GAP_Y, PAD = 180, 40, 70, 26, 16


def svg(d: Any, current: str, lang: str) -> str:
    if d is None:
        return ""
    main = main_sequence(d)
    main = [s for s in main if s in d.states]
    pos: dict[str, tuple[int, int]] = {s: (0, i) for i, s in enumerate(main)}
    edges = _edges(d)
    side_rows: dict[int, int] = {}
    for s in d.states:
        if s in pos:
            continue
        anchor = next((pos[a][1] for a, b in edges if b == s and a in pos), len(main))
        col = 1 + side_rows.get(anchor, 0)
        side_rows[anchor] = col
        pos[s] = (col, anchor)
    cols = max(c for c, _ in pos.values()) + 1
    rows = max(r for _, r in pos.values()) + 1
    width, height = PAD * 2 + cols * W + (cols - 1) * GAP_X, PAD * 2 + rows * (H + GAP_Y)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="diagram" '
             f'aria-label="{escape(d.title)}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
             'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
             '<path d="M0,0 L10,5 L0,10 z" fill="#5b6b7b"/></marker></defs>']
    for a, b in sorted(edges):
        if a in pos and b in pos:
            parts.append(_arrow(pos[a], pos[b], _names(d, a, b, lang)))
    for name, (c, r) in pos.items():
        spec = d.states[name]
        x, y = _xy(c, r)
        cls = "state current" if name == current else (
            "state final" if spec.final else "state")
        text = spec.label_zh if lang == "zh" else spec.label_en
        parts.append(f'<g class="{cls}" data-state="{escape(name)}"><title>{escape(text)} '
                     f'({escape(name)}) {escape(spec.article)}</title>'
                     f'<rect x="{x}" y="{y}" width="{W}" height="{H}" rx="8"/>'
                     f'<text x="{x + W // 2}" y="{y + H // 2 + 5}" text-anchor="middle">'
                     f'{escape(text)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _xy(col: int, row: int) -> tuple[int, int]:
    return PAD + col * (W + GAP_X), PAD + row * (H + GAP_Y)


def _edges(d: Any) -> set[tuple[str, str]]:
    out = set()
    for trig in d.triggers.values():
        if trig.opens:
            continue
        for tr in trig.transitions:
            for src in tr.sources:
                if tr.dest and tr.dest != src:
                    out.add((src, tr.dest))
    return out


def _names(d: Any, a: str, b: str, lang: str) -> str:
    return "、".join((t.label_zh if lang == "zh" else t.label_en)
                    for t in d.triggers.values() for tr in t.transitions
                    if a in tr.sources and tr.dest == b)


def _arrow(p: tuple[int, int], q: tuple[int, int], title: str) -> str:
    (ax, ay), (bx, by) = _xy(*p), _xy(*q)
    if p[0] == q[0]:  # same column: down (or back up, around the right side)
        if q[1] == p[1] + 1:
            x1, y1, x2, y2 = ax + W // 2, ay + H, bx + W // 2, by
            path = f"M{x1},{y1} L{x2},{y2}"
        else:
            x1, y1, x2, y2 = ax + W, ay + H // 2, bx + W, by + H // 2
            bend = x1 + 24 + 6 * abs(q[1] - p[1])
            path = f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2},{y2}"
    elif q[0] > p[0]:
        x1, y1, x2, y2 = ax + W, ay + H // 2, bx, by + H // 2
        path = f"M{x1},{y1} C{x1 + 30},{y1} {x2 - 30},{y2} {x2},{y2}"
    else:
        x1, y1, x2, y2 = ax, ay + H // 2, bx + W, by + H // 2
        path = f"M{x1},{y1} C{x1 - 30},{y1} {x2 + 30},{y2} {x2},{y2}"
    return (f'<path class="edge" d="{path}" marker-end="url(#arrow)">'
            f"<title>{escape(title)}</title></path>")
