"""The calendar file format (one YAML file per year): text → :class:`CalendarYear`.

The parser reads YAML *nodes* (``yaml.compose``) rather than plain data so that every
refusal names the file and the line — a case worker fixing a calendar file needs to know
where.  This is the only place that knows the format; the domain receives built years.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import yaml

from rongcuo.domain.calendar import CalendarSource, CalendarYear
from rongcuo.domain.errors import CalendarError

__all__ = ["parse_calendar_text"]

_TOP_KEYS = frozenset({"year", "source", "rest_days", "workdays"})
_SOURCE_KEYS = frozenset({"title", "number", "published"})
# (section, label key, what a day of it is called in Chinese and English)
_SECTIONS = (
    ("rest_days", "holiday", "放假日", "rest day"),
    ("workdays", "note", "调休上班日", "adjusted working day"),
)

_Pairs = dict[str, tuple[yaml.Node, yaml.Node]]


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
    root = _compose(text, err)
    top = _top(root, err)
    year = _year(top["year"][1], err, filename)
    source = _source(top, root, err)
    days = _Days(year, err)
    for section, label_key, kind_zh, kind_en in _SECTIONS:
        if section in top:
            days.read_section(top[section][1], section, label_key, kind_zh, kind_en)
    return CalendarYear(
        year=year,
        rest_days=frozenset(days.rest),
        workdays=frozenset(days.work),
        source=source,
        holiday_names=days.names,
        workday_notes=days.notes,
        filename=filename,
    )


# libyaml's C parser where it is installed (issue 16: every command read the calendar in Python)
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# -- the parts of a file ---------------------------------------------------------------------
def _compose(text: str, err: _Err) -> yaml.Node:
    try:
        try:
            root = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:  # the pure-Python parser's wording (or a value after all)
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
    return root


def _top(root: yaml.Node, err: _Err) -> _Pairs:
    top = _mapping(root, err, "文件顶层 / top level")
    for key, (knode, _) in top.items():
        if key not in _TOP_KEYS:
            raise err(
                knode,
                f"未知的键“{key}”（允许：{', '.join(sorted(_TOP_KEYS))}）",
                f"unknown key '{key}' (allowed: {', '.join(sorted(_TOP_KEYS))})",
                "calendar.unknown_key",
            )
    if "year" not in top:
        raise err(root, "缺少 year", "missing 'year'", "calendar.missing_year")
    return top


def _year(ynode: yaml.Node, err: _Err, filename: str) -> int:
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
    return year


def _source(top: _Pairs, root: yaml.Node, err: _Err) -> CalendarSource:
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
        if key not in _SOURCE_KEYS:
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
    return CalendarSource(
        title=_scalar(src["title"][1], err, "source.title"),
        number=number,
        published=_date(src["published"][1], err, "source.published"),
    )


@dataclass
class _Days:
    """The rest days and adjusted working days read so far, and the line each was listed on."""

    year: int
    err: _Err
    seen: dict[date, int] = field(default_factory=dict)
    rest: set[date] = field(default_factory=set)
    work: set[date] = field(default_factory=set)
    names: dict[date, str] = field(default_factory=dict)
    notes: dict[date, str] = field(default_factory=dict)

    def read_section(
        self, seq: yaml.Node, section: str, label_key: str, kind_zh: str, kind_en: str
    ) -> None:
        err = self.err
        if isinstance(seq, yaml.ScalarNode) and seq.tag.endswith(":null"):
            return
        if not isinstance(seq, yaml.SequenceNode):
            raise err(seq, f"{section} 应为列表", f"{section} must be a list", "calendar.syntax")
        for item in seq.value:
            m = _mapping(item, err, f"{section} 的条目 / {section} entry")
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
            for d in _entry_days(item, m, err):
                if section == "rest_days":
                    self._add(d, item, kind_zh, kind_en)
                    self.rest.add(d)
                    self.names[d] = label
                else:
                    self._add_workday(d, item, label, kind_zh, kind_en)

    def _add_workday(
        self, d: date, item: yaml.Node, label: str, kind_zh: str, kind_en: str
    ) -> None:
        err = self.err
        if d in self.rest:
            raise err(
                item,
                f"{d.isoformat()} 既是放假日（第{self.seen[d]}行）又是调休上班日",
                f"{d.isoformat()} is both a rest day (line {self.seen[d]}) "
                "and an adjusted working day",
                "calendar.rest_and_workday",
            )
        self._add(d, item, kind_zh, kind_en)
        if d.weekday() < 5:
            raise err(
                item,
                f"调休上班日 {d.isoformat()} 本来就是周一至周五的工作日",
                f"adjusted working day {d.isoformat()} is already "
                "a Monday–Friday working day",
                "calendar.workday_not_weekend",
            )
        self.work.add(d)
        if label:
            self.notes[d] = label

    def _add(self, d: date, node: yaml.Node, kind_zh: str, kind_en: str) -> None:
        """Record that ``d`` is listed on ``node``'s line: in the year, and only once."""
        if d.year != self.year:
            raise self.err(
                node,
                f"{kind_zh} {d.isoformat()} 不在 {self.year} 年内",
                f"{kind_en} {d.isoformat()} is outside {self.year}",
                "calendar.date_outside_year",
            )
        if d in self.seen:
            raise self.err(
                node,
                f"{d.isoformat()} 重复列出（第{self.seen[d]}行已列出）",
                f"{d.isoformat()} is listed twice (already on line {self.seen[d]})",
                "calendar.duplicate_date",
            )
        self.seen[d] = node.start_mark.line + 1


def _entry_days(item: yaml.Node, m: _Pairs, err: _Err) -> list[date]:
    """The days one entry lists: ``date``, or every day of ``from``–``to``."""
    if "date" in m and ("from" in m or "to" in m):
        raise err(
            item, "date 与 from/to 只能用一种", "use either date or from/to", "calendar.syntax"
        )
    if "date" in m:
        return [_date(m["date"][1], err, "date")]
    if "from" in m and "to" in m:
        a = _date(m["from"][1], err, "from")
        b = _date(m["to"][1], err, "to")
        if b < a:
            raise err(
                item,
                f"区间结束日 {b.isoformat()} 早于开始日 {a.isoformat()}",
                f"range ends ({b.isoformat()}) before it starts ({a.isoformat()})",
                "calendar.bad_range",
            )
        return [a + timedelta(days=i) for i in range((b - a).days + 1)]
    raise err(item, "条目须有 date 或 from/to", "an entry needs date or from/to", "calendar.syntax")


# -- node helpers ----------------------------------------------------------------------------
class _Err:
    """Makes a CalendarError that names the file and the line of a node."""

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


def _mapping(node: yaml.Node, err: _Err, what: str) -> _Pairs:
    if not isinstance(node, yaml.MappingNode):
        raise err(node, f"{what}应为映射（键: 值）", f"{what} must be a mapping", "calendar.syntax")
    out: _Pairs = {}
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
