"""Legal time (法定时间): the one China Standard Time day boundary.

Legal dates are dates in China Standard Time (Asia/Shanghai).  A period whose due date is D
ends at 24:00 CST of D (民法典第二百零三条: "期间的最后一日的截止时间为二十四时"), which is
00:00 CST of the next day.  Every layer that turns a legal date into an instant, or an instant
into a legal date, uses these functions — never its own copy.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["CST", "cst_date", "end_of_day", "start_of_day"]

CST = ZoneInfo("Asia/Shanghai")


def start_of_day(d: date) -> datetime:
    """00:00 CST of ``d`` (aware)."""
    return datetime(d.year, d.month, d.day, tzinfo=CST)


def end_of_day(d: date) -> datetime:
    """24:00 CST of ``d`` — the instant a period whose due date is ``d`` expires."""
    return start_of_day(d) + timedelta(days=1)


def cst_date(at: datetime) -> date:
    """The legal date (CST) of an aware instant."""
    return at.astimezone(CST).date()
