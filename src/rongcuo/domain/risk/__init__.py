"""易错风险点 — the cross-case analysis every procedure asks for (C12), pure.

历城办法第二十一条, 巴南办法第十八条第二款, 白音他拉制度第十七条, 蒲县容错制度第十八条: where the
same kind of problem recurs (同一类问题频繁出现) or problems concentrate in one field (同一领域集中
出现), find the risk point and its root cause and warn.  :mod:`.vocabulary` is the controlled
vocabulary a case is classified by; :mod:`.clusters` decides what counts as "frequent" or
"concentrated" — no source quantifies either, so the threshold is a declared policy
(:class:`ClusterPolicy`); :mod:`.record` is the body-level risk-point record.
"""

from rongcuo.domain.risk.clusters import (
    Cluster,
    ClusterPolicy,
    RecurringItem,
    find_clusters,
    recurring_items,
)
from rongcuo.domain.risk.record import RiskPoint, check_risk_point
from rongcuo.domain.risk.vocabulary import Term, Vocabulary

__all__ = [
    "Cluster",
    "ClusterPolicy",
    "RecurringItem",
    "RiskPoint",
    "Term",
    "Vocabulary",
    "check_risk_point",
    "find_clusters",
    "recurring_items",
]
