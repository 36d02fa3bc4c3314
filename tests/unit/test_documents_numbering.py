"""发文字号 patterns (GB/T 9704-2012 7.2.4): 机关代字〔年份〕序号号."""

from __future__ import annotations

import pytest

from rongcuo.documents.errors import DocumentError
from rongcuo.documents.numbering import check_pattern, format_document_number


def test_a_number_is_formatted_from_the_configured_pattern() -> None:
    """济历城监容〔{year}〕{n}号 with 2025 and 3 → 济历城监容〔2025〕3号 (no leading zero)."""
    assert format_document_number("济历城监容〔{year}〕{n}号", 2025, 3) == "济历城监容〔2025〕3号"
    assert format_document_number("济历城监容〔{year}〕{n}号", 2026, 12) == "济历城监容〔2026〕12号"


@pytest.mark.parametrize(("pattern", "why"), [
    ("济历城监容[{year}]{n}号", "六角括号"),
    ("济历城监容（{year}）{n}号", "六角括号"),
    ("济历城监容〔{year}〕{n:03d}号", "虚位"),
    ("济历城监容〔{year}〕第{n}号", "第"),
    ("济历城监容〔{year}〕{n}", "号"),
    ("〔{year}〕{n}号", "机关代字"),
    ("济历城监容〔{year}〕{n}号{unit}", "{unit}"),
    ("济历城监容〔{year}〕号", "{n}"),
    ("济历城监容〔{year〕{n}号", "花括号"),
])
def test_a_pattern_that_cannot_print_a_gbt9704_number_is_refused(pattern: str, why: str) -> None:
    """A wrong pattern fails when the configuration is read, naming what is wrong and the
    standard (GB/T 9704-2012 7.2.4), not on the day a decision is issued."""
    with pytest.raises(DocumentError) as info:
        check_pattern(pattern)
    assert info.value.code == "document.number_pattern"
    assert why in info.value.message_zh and info.value.article == "GB/T 9704-2012 7.2.4"


def test_numbers_start_at_one() -> None:
    """发文顺序号 from 1; a zero or negative sequence number is refused."""
    with pytest.raises(DocumentError):
        format_document_number("济历城监容〔{year}〕{n}号", 2025, 0)
