"""评查轮次 — the round-level counts of 蒲县评查制度: evaluators (art. 7) and the sample (art. 8).

Art. 7: "行政执法案卷评查应当由二名以上评查人实施" (以上 includes two: 民法典第一千二百五十九条).
Art. 8: "抽取的案卷数量，能够反映其综合行政执法阶段、年度执法活动。通常普通程序行政处罚、
行政强制案卷不少于五件" — read as at least five ordinary-procedure files (penalty and
coercion together) per evaluated unit per round; "通常" allows fewer with a recorded reason
(the unit closed fewer such cases).  The alternative reading (five of each type) is named
in docs/supervision.md.

A sampled file is a record (a mapping) with at least ``unit`` and ``procedure``; only files
whose procedure is 普通程序 count (a summary-procedure file may be sampled, but does not count
towards the five).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

ORDINARY = "普通程序"
SAMPLE_MINIMUM = 5
SAMPLE_ARTICLE = "蒲县评查制度第八条"
EVALUATORS_ARTICLE = "蒲县评查制度第七条"


def distinct(names: Iterable[Any]) -> list[str]:
    """The names once each, in order (an evaluator added twice is one evaluator)."""
    return list(dict.fromkeys(str(n) for n in names if str(n).strip()))


def ordinary_counts(units: Iterable[Any], files: Iterable[Any]) -> dict[str, int]:
    """Ordinary-procedure files sampled per unit (every unit of the round, 0 if none)."""
    counts = {u: 0 for u in distinct(units)}
    for f in files:
        if not isinstance(f, Mapping):
            continue
        unit = str(f.get("unit", ""))
        if unit in counts and str(f.get("procedure", "")) == ORDINARY:
            counts[unit] += 1
    return counts


def shortfalls(units: Iterable[Any], files: Iterable[Any],
               minimum: int = SAMPLE_MINIMUM) -> dict[str, int]:
    """The units with fewer than ``minimum`` ordinary-procedure files, and their count."""
    return {u: n for u, n in ordinary_counts(units, files).items() if n < minimum}
