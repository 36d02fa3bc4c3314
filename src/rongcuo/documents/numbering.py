"""Document numbers (发文字号) from a configured pattern — pure.

GB/T 9704-2012 7.2.4: a 发文字号 is the issuer's code (机关代字), the year in full in 六角括号
〔〕 and the sequence number in Arabic numerals, with no 第 before it, no leading zeros (1, never
01), followed by 号: ``济历城监容〔2025〕3号``.  A pattern names the two variable parts as
``{year}`` and ``{n}``; :func:`check_pattern` refuses one that could not print a number of
that form, so a wrong configuration fails when it is loaded, not on the day a decision is
issued.  Allocation (the counter row, in the issuing step's transaction) is the store's job:
:func:`rongcuo.adapters.documents.numbers.allocate_document_number`.
"""

from __future__ import annotations

import string

from rongcuo.documents.errors import DocumentError
from rongcuo.domain.messages import message

MSG_DOCUMENT_NUMBER_PATTERN = message(
    "document.number_pattern",
    "发文字号格式“{pattern}”不符合要求：{zh}",
    "document number pattern {pattern!r} is not usable: {en}",
)

MSG_DOCUMENT_NUMBER_VALUE = message(
    "document.number_value",
    "发文顺序号须从1起、年份须为四位数（收到 {year} 年第 {n} 号）",
    "the sequence number starts at 1 and the year has four digits (got {year}, {n})",
)

GBT_ARTICLE = "GB/T 9704-2012 7.2.4"


def _bad(pattern: str, zh: str, en: str) -> DocumentError:
    return DocumentError.of(
        MSG_DOCUMENT_NUMBER_PATTERN,
        pattern=pattern,
        zh=zh,
        en=en,
        article=GBT_ARTICLE,
        details={"pattern": pattern},
    )


def check_pattern(pattern: str) -> str:
    """Return ``pattern`` if it prints a GB/T 9704 发文字号; raise :class:`DocumentError` naming
    what is wrong otherwise."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise _bad(pattern, f"花括号不成对（{exc}）", f"unbalanced braces ({exc})") from exc
    fields = [(name, spec, conv) for _, name, spec, conv in parts if name is not None]
    names = [f[0] for f in fields]
    for name, spec, conv in fields:
        if name not in ("year", "n"):
            raise _bad(pattern, f"只能使用 {{year}} 和 {{n}}，不能使用 {{{name}}}",
                       f"only {{year}} and {{n}} may be used, not {{{name}}}")
        if spec or conv:
            raise _bad(pattern, "顺序号不编虚位（1不编为01），年份写全称，不能加格式说明",
                       "no format spec: the number has no leading zeros, the year is in full")
    if names.count("n") != 1 or names.count("year") != 1:
        raise _bad(pattern, "须各含一次 {year}（年份）和 {n}（顺序号）",
                   "needs {year} and {n} exactly once each")
    if "〔{year}〕" not in pattern:
        raise _bad(pattern, "年份须用六角括号“〔〕”括入，如 〔{year}〕",
                   "the year goes in hexagonal brackets 〔{year}〕")
    if not pattern.endswith("{n}号"):
        raise _bad(pattern, "顺序号后加“号”字且位于末尾，如 {n}号",
                   "the pattern must end with {n}号")
    if "第{n}" in pattern:
        raise _bad(pattern, "顺序号不加“第”字", "no 第 before the sequence number")
    if pattern.startswith("〔"):
        raise _bad(pattern, "缺少发文机关代字", "the issuer's code is missing before 〔{year}〕")
    return pattern


def format_document_number(pattern: str, year: int, n: int) -> str:
    """``济历城监容〔{year}〕{n}号`` with 2025 and 3 → ``济历城监容〔2025〕3号``."""
    check_pattern(pattern)
    if n < 1 or not 1000 <= year <= 9999:
        raise DocumentError.of(
            MSG_DOCUMENT_NUMBER_VALUE,
            year=year,
            n=n,
            article=GBT_ARTICLE,
        )
    return pattern.format(year=year, n=n)
