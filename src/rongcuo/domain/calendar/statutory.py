"""Statutory holidays (法定节假日) for years with no calendar file — pure data and one rule.

A year with no file is **provisional (暂定)**: its working days are the weekdays minus the
statutory holidays that 《全国年节及纪念日放假办法》 (2024 revision, in force 2025-01-01) art. 2
fixes by date.  The lunar dates and Qingming come from :data:`LUNAR_TABLE` (2025–2099).
"""

from __future__ import annotations

from datetime import date, timedelta

from rongcuo.domain.errors import CalendarError
from rongcuo.domain.messages import message

MSG_CALENDAR_YEAR_UNAVAILABLE = message(
    "calendar.year_unavailable",
    "{year}年没有日历文件，暂定规则（{STATUTE_ZH}）只适用于{PROVISIONAL_FIRST_YEAR}–{PROVISIO"
    "NAL_LAST_YEAR}年；请导入该年的日历文件",
    "no calendar file for {year}, and the provisional rule ({STATUTE_EN}) covers only "
    "{PROVISIONAL_FIRST_YEAR}–{PROVISIONAL_LAST_YEAR}; import the year's calendar file",
)

__all__ = [
    "LUNAR_TABLE",
    "PROVISIONAL_FIRST_YEAR",
    "PROVISIONAL_LAST_YEAR",
    "STATUTE_EN",
    "STATUTE_ZH",
    "statutory_holidays",
]

PROVISIONAL_FIRST_YEAR = 2025
"""The first year the provisional rule (放假办法 2024 revision, in force 2025-01-01) covers."""

STATUTE_ZH = "《全国年节及纪念日放假办法》（2024年修订）第二条"
STATUTE_EN = "National Holidays Measures (2024 revision), art. 2"

# year: 正月初一, 清明, 五月初五, 八月十五 (MMDD).  Generated once from holidays'
# _ChineseLunisolar; tests/unit/test_calendar_provisional.py re-checks every entry.
_LUNAR_TEXT = """
2025:0129,0404,0531,1006 2026:0217,0405,0619,0925 2027:0206,0405,0609,0915
2028:0126,0404,0528,1003 2029:0213,0404,0616,0922 2030:0203,0405,0605,0912
2031:0123,0405,0624,1001 2032:0211,0404,0612,0919 2033:0131,0404,0601,0908
2034:0219,0405,0620,0927 2035:0208,0405,0610,0916 2036:0128,0404,0530,1004
2037:0215,0404,0618,0924 2038:0204,0405,0607,0913 2039:0124,0405,0527,1002
2040:0212,0404,0614,0920 2041:0201,0404,0603,0910 2042:0122,0404,0622,0928
2043:0210,0405,0611,0917 2044:0130,0404,0531,1005 2045:0217,0404,0619,0925
2046:0206,0404,0608,0915 2047:0126,0405,0529,1004 2048:0214,0404,0615,0922
2049:0202,0404,0604,0911 2050:0123,0404,0623,0930 2051:0211,0405,0613,0919
2052:0201,0404,0601,0907 2053:0219,0404,0620,0926 2054:0208,0404,0610,0916
2055:0128,0405,0530,1005 2056:0215,0404,0617,0924 2057:0204,0404,0606,0913
2058:0124,0404,0625,1002 2059:0212,0405,0614,0921 2060:0202,0404,0603,0909
2061:0121,0404,0622,0928 2062:0209,0404,0611,0917 2063:0129,0405,0601,1006
2064:0217,0404,0619,0925 2065:0205,0404,0608,0915 2066:0126,0404,0528,1003
2067:0214,0405,0616,0923 2068:0203,0404,0604,0911 2069:0123,0404,0623,0929
2070:0211,0404,0613,0919 2071:0131,0405,0602,0908 2072:0219,0404,0620,0926
2073:0207,0404,0610,0916 2074:0127,0404,0530,1005 2075:0215,0404,0617,0924
2076:0205,0404,0606,0912 2077:0124,0404,0624,1001 2078:0212,0404,0614,0920
2079:0202,0404,0604,0910 2080:0122,0404,0622,0928 2081:0209,0404,0611,0917
2082:0129,0404,0601,1006 2083:0217,0404,0619,0926 2084:0206,0404,0607,0914
2085:0126,0404,0527,1003 2086:0214,0404,0615,0922 2087:0203,0404,0605,0911
2088:0124,0404,0623,0929 2089:0210,0404,0613,0918 2090:0130,0404,0602,0908
2091:0218,0404,0621,0927 2092:0207,0404,0609,0916 2093:0127,0404,0529,1005
2094:0215,0404,0617,0924 2095:0205,0404,0606,0913 2096:0125,0404,0624,0930
2097:0212,0404,0614,0920 2098:0201,0404,0604,0909 2099:0121,0404,0623,0929
"""


def _parse_lunar_table(text: str) -> dict[int, tuple[date, date, date, date]]:
    out: dict[int, tuple[date, date, date, date]] = {}
    for item in text.split():
        y_s, rest = item.split(":")
        y = int(y_s)
        a, b, c, d = (date(y, int(x[:2]), int(x[2:])) for x in rest.split(","))
        out[y] = (a, b, c, d)
    return out


LUNAR_TABLE: dict[int, tuple[date, date, date, date]] = _parse_lunar_table(_LUNAR_TEXT)
"""Year -> (春节 正月初一, 清明, 端午 五月初五, 中秋 八月十五), 2025–2099."""

PROVISIONAL_LAST_YEAR = max(LUNAR_TABLE)


def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holiday dates of ``year`` under the 2024 revision, art. 2 (no swaps).

    Used for provisional years; raises CalendarError outside 2025–2099.
    """
    if year < PROVISIONAL_FIRST_YEAR or year not in LUNAR_TABLE:
        raise CalendarError.of(
            MSG_CALENDAR_YEAR_UNAVAILABLE,
            year=year,
            STATUTE_ZH=STATUTE_ZH,
            PROVISIONAL_FIRST_YEAR=PROVISIONAL_FIRST_YEAR,
            PROVISIONAL_LAST_YEAR=PROVISIONAL_LAST_YEAR,
            STATUTE_EN=STATUTE_EN,
            details={"year": year},
        )
    cny, qingming, duanwu, zhongqiu = LUNAR_TABLE[year]
    out: dict[date, str] = {date(year, 1, 1): "元旦"}
    for i in range(-1, 3):  # 除夕 + 正月初一至初三
        d = cny + timedelta(days=i)
        if d.year == year:  # 除夕 may fall in the previous year (never happens 2025–2099)
            out[d] = "春节"
    out[qingming] = "清明节"
    out[date(year, 5, 1)] = "劳动节"
    out[date(year, 5, 2)] = "劳动节"
    out[duanwu] = "端午节"
    out[zhongqiu] = "中秋节"
    for day in (1, 2, 3):
        out[date(year, 10, day)] = "国庆节"
    # 除夕 of next year's Spring Festival can fall on 31 Dec of this year.
    nxt = LUNAR_TABLE.get(year + 1)
    if nxt is not None and (nxt[0] - timedelta(days=1)).year == year:
        out[nxt[0] - timedelta(days=1)] = "春节"
    return out
