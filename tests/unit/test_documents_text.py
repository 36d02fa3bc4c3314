"""Chinese wording of documents: 成文日期 (GB/T 9704-2012 7.3.5.3), numerals and citations."""

from __future__ import annotations

from datetime import date

import pytest

from rongcuo.documents.text import cn_date, cn_numeral, cn_to_int, compact_articles, item_ref


def test_dates_are_arabic_numerals_without_leading_zeros() -> None:
    """成文日期用阿拉伯数字将年、月、日标全，月、日不编虚位 (GB/T 9704-2012 7.3.5.3)."""
    assert cn_date(date(2025, 11, 20)) == "2025年11月20日"
    assert cn_date(date(2025, 9, 5)) == "2025年9月5日"


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"),
                                         (21, "二十一"), (100, "一百"), (105, "一百零五"),
                                         (110, "一百一十"), (999, "九百九十九")])
def test_numerals_read_as_the_source_numbers_its_articles(n: int, text: str) -> None:
    """第十二条, not 第一十二条; 第一百零五条 (how the sources number articles)."""
    assert cn_numeral(n) == text
    assert cn_to_int(text) == n


def test_item_references_follow_the_source() -> None:
    """``10.2`` is 第十条第（二）项 (历城办法第十条 lists its items as （一）（二）…)."""
    assert item_ref("10.2") == "第十条第（二）项"
    assert item_ref("12") == "第十二条"


def test_cited_articles_are_listed_once_in_order_naming_the_instrument_once() -> None:
    """The 依据 line: every article once, in article order, 历城办法 named once."""
    assert compact_articles(["历城办法第十七条", "历城办法第十八条", "历城办法第十条、第十八条",
                             "历城办法第二十一条"]) == \
        "历城办法第十条、第十七条、第十八条、第二十一条"
    assert compact_articles(["巴南办法第十七条", "GB/T 9704"]) == "巴南办法第十七条；GB/T 9704"


def test_items_of_one_article_are_cited_in_their_own_order() -> None:
    """贵安办法第八条第（二）项 before 第（三）项 (the characters alone would not: 三 < 二 in
    Unicode), paragraphs likewise (第一款 before 第三款), the article itself first."""
    guian = ["贵安办法第八条第（三）项", "贵安办法第六条", "贵安办法第八条第（二）项",
             "贵安办法第八条第（十）项"]
    assert compact_articles(guian) == (
        "贵安办法第六条、第八条第（二）项、第八条第（三）项、第八条第（十）项")
    licheng = ["历城办法第十八条第三款", "历城办法第十八条第一款", "历城办法第十八条"]
    assert compact_articles(licheng) == "历城办法第十八条、第十八条第一款、第十八条第三款"
