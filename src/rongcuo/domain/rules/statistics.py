"""行政执法数据 — the annual report's data, counted by the system (蒲县统计制度第二条、第三条).

第三条 "如实填报数据，不得瞒报、漏报、多报": the figures are not typed in.  The service counts them
from the event log (need :class:`~rongcuo.domain.rules.needs.AnnualFigures`, the same count as
``rongcuo report statistics``) and the rule writes them into the ``compile_data`` event, so the
report's data as compiled stays in the record, insert-only, whatever is recorded later.
"""

from __future__ import annotations

from rongcuo.domain.messages import message
from rongcuo.domain.rules.base import GuardCall
from rongcuo.domain.rules.needs import AnnualFigures
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

UNCOUNTED = message(
    "guard.figures_unavailable",
    "无法统计本年度行政执法数据（未提供统计结果）",
    "the year's enforcement figures could not be counted (none were given)",
)


@rule(
    "annual_figures",
    params={"year_fact": Param("fact", default="reporting_year", doc="the reporting year"),
            "agency_fact": Param("fact", default="agency", doc="the body reporting")},
    needs=AnnualFigures.from_params,
    reads_data=False,
    refuses=("guard.figures_unavailable",),
    writes=("figures",),
)
def annual_figures(call: GuardCall) -> None:
    """行政执法数据 — the year's figures counted from the record, never typed in (蒲县统计制度
    第二条第四款 "行政执法统计年报包括行政执法数据"; 第三条 "如实填报数据，不得瞒报、漏报、
    多报")."""
    figures = call.context.get("annual_figures")
    if not isinstance(figures, dict):
        zh, en = UNCOUNTED.render({})
        call.refuse(UNCOUNTED.code, zh, en)
    call.seen["figures"] = figures
