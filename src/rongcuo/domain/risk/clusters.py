"""What counts as frequent or concentrated: the cluster threshold, a declared policy.

No source quantifies 频繁 or 集中.  The policy here: a (category, field) pair is a cluster in a
window when it holds at least ``min_cases`` cases **and** at least ``factor`` times the count
an even spread of the window's cases over every pair of the vocabulary would give it.  The
absolute floor keeps a quiet period from flagging two cases; the relative test keeps a busy
period from flagging every pair.  Both numbers are the adopting body's to change
(``rongcuo report risk-points --min-cases N --factor F``); the report prints the ones used.

For Pu County the evaluation deductions give the same signal per team (spec §9.4: P2.2.6
missed in 4 of 5 files): an item is *recurring* for a team when it was deducted in at least
``share`` of the team's evaluated files, and in at least ``min_files`` of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ClusterPolicy:
    min_cases: int = 5
    factor: float = 3.0
    basis: str = "policy"
    note: str = ("原文未量化“频繁”“集中”：同一类别与领域的案件数不少于 min_cases 件，且不少于"
                 "案件平均分布于各类别领域时的 factor 倍")

    def to_dict(self) -> dict[str, object]:
        return {"min_cases": self.min_cases, "factor": self.factor, "basis": self.basis,
                "note": self.note}


@dataclass(frozen=True)
class Cluster:
    category: str
    field: str
    count: int
    expected: float

    @property
    def ratio(self) -> float:
        return self.count / self.expected if self.expected else float("inf")


def find_clusters(counts: Mapping[tuple[str, str], int], cells: int,
                  policy: ClusterPolicy = ClusterPolicy()) -> list[Cluster]:
    """The pairs of ``counts`` that are clusters under ``policy`` (largest first); ``cells``
    is the number of pairs the vocabulary has (an even spread's denominator)."""
    total = sum(counts.values())
    expected = total / cells if cells else 0.0
    out = [Cluster(c, f, n, expected) for (c, f), n in counts.items()
           if n >= policy.min_cases and n >= policy.factor * expected]
    return sorted(out, key=lambda x: (-x.count, x.category, x.field))


@dataclass(frozen=True)
class RecurringItem:
    unit: str
    item: str
    files: int
    deducted: int


def recurring_items(deductions: Mapping[str, Sequence[Sequence[str]]], *, share: float = 0.6,
                    min_files: int = 3) -> list[RecurringItem]:
    """Items deducted in at least ``share`` of a unit's files (and in ``min_files`` at least);
    ``deductions`` maps each unit to the items deducted in each of its evaluated files."""
    out = []
    for unit, files in deductions.items():
        counts: dict[str, int] = {}
        for items in files:
            for item in set(items):
                counts[item] = counts.get(item, 0) + 1
        for item, n in counts.items():
            if n >= min_files and n >= share * len(files):
                out.append(RecurringItem(unit, item, len(files), n))
    return sorted(out, key=lambda r: (r.unit, -r.deducted, r.item))
