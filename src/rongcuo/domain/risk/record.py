"""The body-level risk-point record: not part of any one case.

历城办法第二十一条 "找出易错风险点和问题症结并警示提醒": what was found (the risk point), why (the
root cause), the warning and whom it went to, and the cases it drew on.  Recorded in its own
insert-only table (``risk_points``): a correction is a new record that supersedes the old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message

MISSING = message("risk_point.missing", "易错风险点记录须写明{what}",
                  "a risk-point record needs {what_en}")
BAD_WINDOW = message("risk_point.window", "分析期间的开始日期 {start} 晚于结束日期 {end}",
                     "the analysis window starts on {start}, after its end {end}")


@dataclass(frozen=True)
class RiskPoint:
    body: str
    recorded_on: date
    window_from: date
    window_to: date
    risk_point: str
    root_cause: str
    warning: str
    recipients: tuple[str, ...]
    case_ids: tuple[str, ...]
    article: str
    category: str | None = None
    field: str | None = None
    supersedes: int | None = None


def check_risk_point(rp: RiskPoint) -> None:
    """Refuse a record that leaves out what the article asks for."""
    for value, what, what_en in ((rp.risk_point, "易错风险点", "the risk point"),
                                 (rp.root_cause, "问题症结", "the root cause"),
                                 (rp.warning, "警示提醒内容", "the warning"),
                                 (rp.article, "依据条款", "the article")):
        if not value.strip():
            raise InvalidInput.of(MISSING, what=what, what_en=what_en, article=rp.article)
    if not rp.recipients:
        raise InvalidInput.of(MISSING, what="警示提醒的对象", what_en="whom the warning went to",
                              article=rp.article)
    if not rp.case_ids:
        raise InvalidInput.of(MISSING, what="所依据的案件", what_en="the cases it drew on",
                              article=rp.article)
    if rp.window_from > rp.window_to:
        raise InvalidInput.of(BAD_WINDOW, start=rp.window_from.isoformat(),
                              end=rp.window_to.isoformat(), article=rp.article)
