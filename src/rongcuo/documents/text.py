"""Chinese wording shared by every document: dates, numerals, article citations.

GB/T 9704-2012 7.3.5.3 writes the 成文日期 in Arabic numerals with the year in full, and the
month and day without a leading zero ("2025年11月20日").  Articles and items of a procedure
are cited the way the source text numbers them: 第十条第（二）项.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

_DIGITS = "零一二三四五六七八九"


def cn_date(d: date) -> str:
    """``2025年11月20日``: Arabic numerals, no leading zeros (GB/T 9704-2012 7.3.5.3)."""
    return f"{d.year}年{d.month}月{d.day}日"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (for 1 ≤ n ≤ 999)."""
    if not 1 <= n <= 999:
        raise ValueError(f"cn_numeral: {n} is outside 1..999")
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            return out + "零" + _DIGITS[units]
    if tens:
        # 十二, not 一十二, at the head of the number; 一百一十二 inside it
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if units:
        out += _DIGITS[units]
    return out


def article_no(number: str) -> str:
    """``"10"`` → ``第十条``; ``"10-2"`` → ``第十条第二款`` (a paragraph of the article, the
    catalogue key of C1); a non-numeric label is returned as given."""
    art, sep, para = number.partition("-")
    if sep and art.isdigit() and para.isdigit():
        return f"第{cn_numeral(int(art))}条第{cn_numeral(int(para))}款"
    return f"第{cn_numeral(int(number))}条" if number.isdigit() else number


def item_ref(item: str) -> str:
    """``"10.2"`` → ``第十条第（二）项`` (the procedure's article.item key)."""
    art, _, num = item.partition(".")
    head = article_no(art)
    if not num:
        return head
    return f"{head}第（{cn_numeral(int(num))}）项" if num.isdigit() else f"{head}{num}"


def join_cn(parts: Iterable[str]) -> str:
    """Join with the enumeration comma (顿号): 甲、乙、丙; empty parts are left out."""
    return "、".join(p for p in parts if p)



def cn_to_int(text: str) -> int | None:
    """``十八`` → 18, ``一百零五`` → 105 (the inverse of :func:`cn_numeral`); None if not one."""
    if not text or any(ch not in _DIGITS + "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS.index(ch)
    return total + current


def _split_article(piece: str) -> tuple[str, str, int]:
    """``历城办法第十八条第三款`` → (``历城办法``, ``第十八条第三款``, 18)."""
    i = piece.find("第")
    if i < 0:
        return piece, "", 0
    rest = piece[i:]
    j = rest.find("条")
    n = cn_to_int(rest[1:j]) if j > 0 else None
    return piece[:i], rest, n or 0


def compact_articles(articles: Iterable[str]) -> str:
    """``历城办法第十七条``, ``历城办法第十条、第十八条`` → ``历城办法第十条、第十七条、第十八条``:
    every cited article once, in order within its instrument, the instrument named once."""
    order: list[str] = []
    by_prefix: dict[str, list[tuple[int, str]]] = {}
    for art in articles:
        prefix = ""
        for piece in (p for p in art.split("、") if p):
            p, rest, n = _split_article(piece)
            prefix = p or prefix
            if prefix not in by_prefix:
                order.append(prefix)
                by_prefix[prefix] = []
            if (n, rest) not in by_prefix[prefix]:
                by_prefix[prefix].append((n, rest))
    out = []
    for prefix in order:
        rests = [r for _, r in sorted(by_prefix[prefix])]
        out.append(prefix + "、".join(rests))
    return "；".join(out)
