"""Bar charts as PNG or SVG (matplotlib, headless), in a CJK font so 县司法局 reads as text.

The font is Noto Sans CJK SC (the system's ``fonts-noto-cjk``); without it Chinese labels would
come out as empty boxes, so a missing font is an error naming the package, never a silent
fallback.  Rendering is deterministic for the same data (no timestamps in the SVG metadata).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

FONT = "Noto Sans CJK SC"
_lock = threading.Lock()  # pyplot keeps global state: one chart at a time


class ChartFontMissing(RuntimeError):
    """The CJK font is not installed."""


@dataclass(frozen=True)
class BarChart:
    title: str
    labels: Sequence[str]
    values: Sequence[float]
    horizontal: bool = False
    unit: str = "件"


def _font() -> None:
    from matplotlib import font_manager

    try:
        font_manager.findfont(FONT, fallback_to_default=False)
    except ValueError as exc:
        raise ChartFontMissing(
            f"缺少中文字体 {FONT}（请安装 fonts-noto-cjk） / the CJK font {FONT} is missing "
            "(install fonts-noto-cjk)") from exc


def render(chart: BarChart, fmt: str = "png", dpi: int = 120) -> bytes:
    """The chart as ``png`` or ``svg`` bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _font()
    with _lock, matplotlib.rc_context({"font.family": "sans-serif",
                                       "font.sans-serif": [FONT], "axes.unicode_minus": False,
                                       "svg.hashsalt": "rongcuo", "svg.fonttype": "none"}):
        n = max(len(chart.labels), 1)
        size = (8, max(3.0, 0.45 * n + 1.5)) if chart.horizontal else (max(6.0, 0.9 * n + 2), 4.5)
        fig, ax = plt.subplots(figsize=size)
        try:
            labels, values = list(chart.labels) or ["（无）"], list(chart.values) or [0]
            from matplotlib.ticker import MaxNLocator

            counts = MaxNLocator(integer=True)  # counts of cases: no 0.25 of a case
            top = max(1.0, max(values)) * 1.12  # room for the labels; an all-zero chart too
            if chart.horizontal:
                bars = ax.barh(labels[::-1], values[::-1], color="#3b6ea5")
                ax.set_xlabel(chart.unit)
                ax.xaxis.set_major_locator(counts)
                ax.set_xlim(0, top)
            else:
                bars = ax.bar(labels, values, color="#3b6ea5")
                ax.set_ylabel(chart.unit, rotation=0, labelpad=12)
                ax.yaxis.set_major_locator(counts)
                ax.set_ylim(0, top)
                if n > 4:
                    ax.tick_params(axis="x", labelrotation=30)
            ax.bar_label(bars, fmt="%g", padding=3)
            ax.set_title(chart.title)
            ax.spines[["top", "right"]].set_visible(False)
            fig.tight_layout()
            buf = io.BytesIO()
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
            return buf.getvalue()
        finally:
            plt.close(fig)
