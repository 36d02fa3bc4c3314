"""The official working-day calendar (法定工作日历) — pure.

A day is a **working day** when it is listed as an adjusted working day (调休上班日) of its year,
or when it is Monday–Friday and not listed as a rest day (放假日).  Each year comes from the
State Council's annual holiday notice (国务院办公厅关于××年部分节假日安排的通知), one YAML file
per year (see ``workflows/calendars/`` and :func:`parse_calendar_text`).

A year with no file is **provisional (暂定)**: its working days are the weekdays minus the
statutory holidays that 《全国年节及纪念日放假办法》 (2024 revision, in force 2025-01-01) art. 2
fixes by date — 元旦 1 Jan; 春节 除夕 and 正月初一至初三; 清明 (the solar term); 劳动节 1–2 May;
端午 (五月初五); 中秋 (八月十五); 国庆 1–3 Oct.  No adjusted working day and no substitute rest
day is guessed.  The lunar dates and Qingming come from the table :data:`LUNAR_TABLE`
(2025–2099, computed once from the ``holidays`` package's lunisolar calendar and checked in
tests against it and, for Qingming, against ``chinese_calendar``'s solar terms).  Before 2025
the 2024 revision does not apply, so an unloaded year before 2025 is refused (CalendarError).

Speed: :class:`WorkCalendar` keeps, for a contiguous window of years, a cumulative count of
working days indexed by ordinal and the ordinals of the working days themselves, so "the k-th
working day after d" and "working days in [a, b]" are two list look-ups — never a day-by-day walk.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import yaml

from rongcuo.domain.errors import CalendarError

__all__ = [
    "LUNAR_TABLE",
    "PROVISIONAL_FIRST_YEAR",
    "CalendarSource",
    "CalendarYear",
    "WorkCalendar",
    "parse_calendar_text",
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

_Window = tuple[int, int, list[int], list[int], int, int]


@dataclass(frozen=True)
class CalendarSource:
    """The State Council notice a calendar year comes from."""

    title: str
    number: str | None
    published: date

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "number": self.number, "published": self.published.isoformat()}


@dataclass(frozen=True)
class CalendarYear:
    """One year of the official calendar: its rest days, adjusted working days and source.

    ``holiday_names`` (date -> holiday, e.g. ``"春节"``) and ``workday_notes`` are for display
    and explanations only; equality ignores nothing else.  ``filename`` says where it was read.
    """

    year: int
    rest_days: frozenset[date]
    workdays: frozenset[date]
    source: CalendarSource
    holiday_names: Mapping[date, str] = field(default_factory=dict, compare=False)
    workday_notes: Mapping[date, str] = field(default_factory=dict, compare=False)
    filename: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "source": self.source.to_dict(),
            "rest_days": [
                {"date": d.isoformat(), "holiday": self.holiday_names.get(d)}
                for d in sorted(self.rest_days)
            ],
            "workdays": [
                {"date": d.isoformat(), "note": self.workday_notes.get(d)}
                for d in sorted(self.workdays)
            ],
        }


def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holiday dates of ``year`` under the 2024 revision, art. 2 (no swaps).

    Used for provisional years; raises CalendarError outside 2025–2099.
    """
    if year < PROVISIONAL_FIRST_YEAR or year not in LUNAR_TABLE:
        raise CalendarError(
            f"{year}年没有日历文件，暂定规则（{STATUTE_ZH}）只适用于"
            f"{PROVISIONAL_FIRST_YEAR}–{PROVISIONAL_LAST_YEAR}年；请导入该年的日历文件",
            f"no calendar file for {year}, and the provisional rule ({STATUTE_EN}) covers only "
            f"{PROVISIONAL_FIRST_YEAR}–{PROVISIONAL_LAST_YEAR}; import the year's calendar file",
            code="calendar.year_unavailable",
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


class WorkCalendar:
    """Working days and rest days, from loaded years and the provisional rule.

    Immutable from the outside; internally it grows a cache window of years on demand.
    """

    def __init__(self, years: Iterable[CalendarYear] = ()) -> None:
        self._years: dict[int, CalendarYear] = {}
        for cy in years:
            old = self._years.get(cy.year)
            if old is not None and old != cy:
                raise CalendarError(
                    f"{cy.year}年有两份不同的日历（{old.filename} 与 {cy.filename}）",
                    f"two different calendars for {cy.year} ({old.filename} and {cy.filename})",
                    code="calendar.duplicate_year",
                    details={"year": cy.year},
                )
            _check_year(cy)
            self._years[cy.year] = cy
        self._loaded: frozenset[int] = frozenset(self._years)
        self._flags: dict[int, bytes] = {}
        self._names: dict[int, dict[date, str]] = {}
        # The cache window, replaced as a whole (never mutated) so readers on other threads
        # always see a consistent one: (base, end, cum, wd, first year, last year) where
        # base = ordinal of 1 Jan of the first year, end = ordinal after 31 Dec of the last,
        # cum[i] = working days among ordinals [base, base + i), wd = working-day ordinals.
        self._win: _Window = (0, 0, [0], [], 0, -1)
        self._lock = threading.Lock()

    # -- public API -------------------------------------------------------------------------
    @property
    def loaded_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._years))

    def year(self, y: int) -> CalendarYear | None:
        return self._years.get(y)

    def is_provisional(self, d: date) -> bool:
        """True when ``d``'s year has no loaded calendar file (暂定)."""
        return d.year not in self._loaded

    def is_workday(self, d: date) -> bool:
        """Loaded year: its file decides; otherwise weekdays minus the statutory holidays."""
        return self._year_flags(d.year)[d.timetuple().tm_yday - 1] == 1

    def holiday_name(self, d: date) -> str | None:
        """The holiday a rest day belongs to (from the file, or the statute when provisional)."""
        cy = self._years.get(d.year)
        if cy is not None:
            return cy.holiday_names.get(d, "放假") if d in cy.rest_days else None
        self._year_flags(d.year)
        return self._names[d.year].get(d)

    def day_kind(self, d: date) -> str:
        """One of ``holiday``, ``weekend``, ``adjusted_workday``, ``workday``."""
        cy = self._years.get(d.year)
        if cy is not None and d in cy.workdays:
            return "adjusted_workday"
        if self.holiday_name(d) is not None:
            return "holiday"
        return "weekend" if d.weekday() >= 5 else "workday"

    def provisional_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years between two dates (inclusive) that have no loaded file."""
        return tuple(y for y in range(first.year, last.year + 1) if y not in self._loaded)

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (before it when n < 0); ``d`` itself for n = 0.

        ``d`` itself is never counted (Civil Code art. 201).  No day-by-day walk.
        """
        if n == 0:
            return d
        o = d.toordinal()
        if n > 0:
            return date.fromordinal(self._ord_add_workdays(o, n))
        w = self._window(o, o)
        idx = w[2][o - w[0]] + n  # working days strictly before d, minus |n|
        while idx < 0:
            w = self._grow(w, down=True)
            idx = w[2][o - w[0]] + n
        return date.fromordinal(w[3][idx])

    def workdays_between(self, first: date, last: date) -> int:
        """How many working days lie in [first, last] (inclusive; 0 when last < first)."""
        if last < first:
            return 0
        return self._ord_workdays_between(first.toordinal(), last.toordinal())

    # -- fast ordinal API used by rongcuo.domain.periods -------------------------------------
    def _window(self, lo: int, hi: int) -> _Window:
        """A window covering ordinals [lo, hi] (built, under the lock, when needed)."""
        w = self._win
        if lo >= w[0] and hi < w[1]:
            return w
        with self._lock:
            w = self._win
            if lo >= w[0] and hi < w[1]:
                return w
            y_lo = date.fromordinal(lo).year
            y_hi = date.fromordinal(hi).year
            if w[5] >= w[4]:
                y_lo, y_hi = min(y_lo, w[4]), max(y_hi, w[5])
            w = self._build(y_lo, y_hi)
            self._win = w
            return w

    def _grow(self, seen: _Window, *, down: bool = False) -> _Window:
        """A window a few years larger than ``seen`` (raises past the supported range)."""
        with self._lock:
            w = self._win
            if w is not seen and (w[4] < seen[4] if down else w[5] > seen[5]):
                return w  # another thread grew it already
            if down:
                w = self._build(w[4] - 1, w[5])
            else:
                nxt = w[5] + 1
                target = nxt + 3
                while (
                    target > nxt and target not in self._loaded and target > PROVISIONAL_LAST_YEAR
                ):
                    target -= 1
                w = self._build(w[4], target)
            self._win = w
            return w

    def _build(self, y_lo: int, y_hi: int) -> _Window:
        # Build (or validate) each required year first: an unsupported year raises here.
        flags = [self._year_flags(y) for y in range(y_lo, y_hi + 1)]
        base = date(y_lo, 1, 1).toordinal()
        cum = [0]
        wd: list[int] = []
        total = 0
        o = base
        for fl in flags:
            for f in fl:
                if f:
                    total += 1
                    wd.append(o)
                cum.append(total)
                o += 1
        return (base, o, cum, wd, y_lo, y_hi)

    def _ord_workdays_between(self, a: int, b: int) -> int:
        """Working days in the inclusive ordinal interval [a, b] (a <= b)."""
        w = self._win
        if not (a >= w[0] and b < w[1]):
            w = self._window(a, b)
        cum = w[2]
        return cum[b + 1 - w[0]] - cum[a - w[0]]

    def _ord_add_workdays(self, o: int, k: int) -> int:
        """The k-th working day strictly after ordinal ``o`` (k >= 1)."""
        w = self._win
        if not (o + 1 >= w[0] and o + 1 < w[1]):
            w = self._window(o + 1, o + 1)
        idx = w[2][o + 1 - w[0]] + k - 1
        while idx >= len(w[3]):
            w = self._grow(w)
            idx = w[2][o + 1 - w[0]] + k - 1
        return w[3][idx]

    def _ord_next_workday(self, o: int) -> int:
        """The first working day on or after ordinal ``o``."""
        w = self._win
        if not (o >= w[0] and o < w[1]):
            w = self._window(o, o)
        idx = w[2][o - w[0]]
        while idx >= len(w[3]):
            w = self._grow(w)
            idx = w[2][o - w[0]]
        return w[3][idx]

    # -- building one year ---------------------------------------------------------------------
    def _year_flags(self, y: int) -> bytes:
        fl = self._flags.get(y)
        if fl is not None:
            return fl
        cy = self._years.get(y)
        if cy is not None:
            rest, work, names = cy.rest_days, cy.workdays, dict(cy.holiday_names)
        else:
            names = statutory_holidays(y)
            rest, work = frozenset(names), frozenset()
        first = date(y, 1, 1)
        n = (date(y + 1, 1, 1) - first).days
        wd0 = first.weekday()
        out = bytearray(n)
        for i in range(n):
            out[i] = 1 if (wd0 + i) % 7 < 5 else 0
        base = first.toordinal()
        for d in rest:
            out[d.toordinal() - base] = 0
        for d in work:
            out[d.toordinal() - base] = 1
        fl = bytes(out)
        self._flags[y] = fl
        self._names[y] = names
        return fl


def _check_year(cy: CalendarYear) -> None:
    """Structural checks for a CalendarYear built in code (files get line-precise checks)."""
    for d in cy.rest_days | cy.workdays:
        if d.year != cy.year:
            raise CalendarError(
                f"{cy.year}年日历含有其他年份的日期 {d.isoformat()}",
                f"the {cy.year} calendar contains a date of another year: {d.isoformat()}",
                code="calendar.date_outside_year",
            )
    both = cy.rest_days & cy.workdays
    if both:
        d = min(both)
        raise CalendarError(
            f"{d.isoformat()} 既是放假日又是调休上班日",
            f"{d.isoformat()} is both a rest day and an adjusted working day",
            code="calendar.rest_and_workday",
        )


# -- parsing calendar files ----------------------------------------------------------------------
class _Err:
    def __init__(self, filename: str) -> None:
        self.filename = filename

    def __call__(self, node: yaml.Node | int | None, zh: str, en: str, code: str) -> CalendarError:
        line = node if isinstance(node, int) or node is None else node.start_mark.line + 1
        where_zh = f"{self.filename} 第{line}行：" if line else f"{self.filename}："
        where_en = f"{self.filename} line {line}: " if line else f"{self.filename}: "
        return CalendarError(
            where_zh + zh,
            where_en + en,
            code=code,
            details={"file": self.filename, "line": line},
        )


def _mapping(node: yaml.Node, err: _Err, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise err(node, f"{what}应为映射（键: 值）", f"{what} must be a mapping", "calendar.syntax")
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for k, v in node.value:
        key = str(k.value)
        if key in out:
            raise err(k, f"键“{key}”重复", f"key '{key}' appears twice", "calendar.duplicate_key")
        out[key] = (k, v)
    return out


def _scalar(node: yaml.Node, err: _Err, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise err(node, f"{what}应为单个值", f"{what} must be a single value", "calendar.syntax")
    return str(node.value).strip()


def _date(node: yaml.Node, err: _Err, what: str) -> date:
    text = _scalar(node, err, what)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise err(
            node,
            f"{what}“{text}”不是有效日期（应为 YYYY-MM-DD）",
            f"{what} '{text}' is not a valid date (expected YYYY-MM-DD)",
            "calendar.bad_date",
        ) from None


def parse_calendar_text(text: str, filename: str) -> CalendarYear:
    """Parse and validate one calendar file; raise CalendarError naming the file and line.

    Format (one year per file)::

        year: 2025
        source:
          title: 国务院办公厅关于2025年部分节假日安排的通知
          number: 国办发明电〔2024〕12号      # or null when not known
          published: 2024-11-12
        rest_days:                           # 放假日 (including weekend days inside a block)
          - {date: 2025-01-01, holiday: 元旦}
          - {from: 2025-01-28, to: 2025-02-04, holiday: 春节}
        workdays:                            # 调休上班日 (always a Saturday or Sunday)
          - {date: 2025-01-26, note: 春节调休}

    Refused: a date listed twice, a rest day that is also a workday, a date outside the year,
    a missing or incomplete source, an adjusted workday that is already Monday–Friday, a file
    named ``YYYY.yaml`` whose ``year`` differs, unknown keys.
    """
    err = _Err(filename)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise err(
            line,
            f"YAML 语法错误：{exc.problem}",
            f"YAML syntax error: {exc.problem}",
            "calendar.syntax",
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other reader errors (bad characters)
        raise err(None, f"无法读取：{exc}", f"cannot read: {exc}", "calendar.syntax") from None
    if root is None:
        raise err(None, "文件为空", "the file is empty", "calendar.empty")
    top = _mapping(root, err, "文件顶层 / top level")
    allowed = {"year", "source", "rest_days", "workdays"}
    for key, (knode, _) in top.items():
        if key not in allowed:
            raise err(
                knode,
                f"未知的键“{key}”（允许：{', '.join(sorted(allowed))}）",
                f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})",
                "calendar.unknown_key",
            )
    if "year" not in top:
        raise err(root, "缺少 year", "missing 'year'", "calendar.missing_year")
    ynode = top["year"][1]
    ytext = _scalar(ynode, err, "year")
    if not (ytext.isdigit() and len(ytext) == 4):
        raise err(
            ynode,
            f"year“{ytext}”应为四位年份",
            f"year '{ytext}' must be a 4-digit year",
            "calendar.bad_year",
        )
    year = int(ytext)
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0]
    if stem.isdigit() and len(stem) == 4 and int(stem) != year:
        raise err(
            ynode,
            f"文件名表示{stem}年，但 year 为 {year}",
            f"the file name says {stem} but year is {year}",
            "calendar.year_mismatch",
        )

    if "source" not in top:
        raise err(
            root,
            "缺少 source（国务院通知的标题、文号、发布日期）",
            "missing 'source' (title, number and date of the State Council notice)",
            "calendar.missing_source",
        )
    snode = top["source"][1]
    src = _mapping(snode, err, "source")
    for need in ("title", "published"):
        if (
            need not in src
            or not _scalar(src[need][1], err, f"source.{need}")
            or src[need][1].tag.endswith(":null")
        ):
            raise err(
                snode,
                f"source 缺少 {need}",
                f"source is missing '{need}'",
                "calendar.missing_source",
            )
    for key, (knode, _) in src.items():
        if key not in {"title", "number", "published"}:
            raise err(
                knode,
                f"source 中未知的键“{key}”",
                f"unknown key '{key}' in source",
                "calendar.unknown_key",
            )
    number: str | None = None
    if "number" in src:
        nnode = src["number"][1]
        ntext = _scalar(nnode, err, "source.number")
        number = None if nnode.tag.endswith(":null") or ntext in ("", "~", "null") else ntext
    source = CalendarSource(
        title=_scalar(src["title"][1], err, "source.title"),
        number=number,
        published=_date(src["published"][1], err, "source.published"),
    )

    seen: dict[date, int] = {}
    names: dict[date, str] = {}
    notes: dict[date, str] = {}

    def add(d: date, node: yaml.Node, kind_zh: str, kind_en: str) -> None:
        line = node.start_mark.line + 1
        if d.year != year:
            raise err(
                node,
                f"{kind_zh} {d.isoformat()} 不在 {year} 年内",
                f"{kind_en} {d.isoformat()} is outside {year}",
                "calendar.date_outside_year",
            )
        if d in seen:
            raise err(
                node,
                f"{d.isoformat()} 重复列出（第{seen[d]}行已列出）",
                f"{d.isoformat()} is listed twice (already on line {seen[d]})",
                "calendar.duplicate_date",
            )
        seen[d] = line

    rest: set[date] = set()
    work: set[date] = set()
    for section, kind_zh, kind_en in (
        ("rest_days", "放假日", "rest day"),
        ("workdays", "调休上班日", "adjusted working day"),
    ):
        if section not in top:
            continue
        seq = top[section][1]
        if isinstance(seq, yaml.ScalarNode) and seq.tag.endswith(":null"):
            continue
        if not isinstance(seq, yaml.SequenceNode):
            raise err(seq, f"{section} 应为列表", f"{section} must be a list", "calendar.syntax")
        for item in seq.value:
            m = _mapping(item, err, f"{section} 的条目 / {section} entry")
            label_key = "holiday" if section == "rest_days" else "note"
            for key, (knode, _) in m.items():
                if key not in {"date", "from", "to", label_key}:
                    raise err(
                        knode,
                        f"{section} 条目中未知的键“{key}”",
                        f"unknown key '{key}' in a {section} entry",
                        "calendar.unknown_key",
                    )
            label = _scalar(m[label_key][1], err, label_key) if label_key in m else ""
            if section == "rest_days" and not label:
                raise err(
                    item,
                    "放假日须注明节日名称（holiday）",
                    "a rest day needs its holiday name ('holiday')",
                    "calendar.missing_holiday",
                )
            if "date" in m and ("from" in m or "to" in m):
                raise err(
                    item,
                    "date 与 from/to 只能用一种",
                    "use either date or from/to",
                    "calendar.syntax",
                )
            if "date" in m:
                days = [_date(m["date"][1], err, "date")]
            elif "from" in m and "to" in m:
                a = _date(m["from"][1], err, "from")
                b = _date(m["to"][1], err, "to")
                if b < a:
                    raise err(
                        item,
                        f"区间结束日 {b.isoformat()} 早于开始日 {a.isoformat()}",
                        f"range ends ({b.isoformat()}) before it starts ({a.isoformat()})",
                        "calendar.bad_range",
                    )
                days = [a + timedelta(days=i) for i in range((b - a).days + 1)]
            else:
                raise err(
                    item,
                    "条目须有 date 或 from/to",
                    "an entry needs date or from/to",
                    "calendar.syntax",
                )
            for d in days:
                if section == "workdays" and d in rest:
                    raise err(
                        item,
                        f"{d.isoformat()} 既是放假日（第{seen[d]}行）又是调休上班日",
                        f"{d.isoformat()} is both a rest day (line {seen[d]}) "
                        "and an adjusted working day",
                        "calendar.rest_and_workday",
                    )
                add(d, item, kind_zh, kind_en)
                if section == "rest_days":
                    rest.add(d)
                    names[d] = label
                else:
                    if d.weekday() < 5:
                        raise err(
                            item,
                            f"调休上班日 {d.isoformat()} 本来就是周一至周五的工作日",
                            f"adjusted working day {d.isoformat()} is already "
                            "a Monday–Friday working day",
                            "calendar.workday_not_weekend",
                        )
                    work.add(d)
                    if label:
                        notes[d] = label
    return CalendarYear(
        year=year,
        rest_days=frozenset(rest),
        workdays=frozenset(work),
        source=source,
        holiday_names=names,
        workday_notes=notes,
        filename=filename,
    )
