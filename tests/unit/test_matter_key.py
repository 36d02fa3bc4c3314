"""C16: the normalised matter key of 贵安办法第十二条 ("同一工作、同一问题")."""

from __future__ import annotations

import pytest

from rongcuo.domain.matter_key import normalise_key


@pytest.mark.parametrize("a,b", [
    ("招商引资 （A区）项目", "招商引资(a区)项目"),
    ("ＡＢＣ１２３审批", "abc123审批"),          # full-width letters and digits (NFKC)
    ("容缺受理·窗口、材料", "容缺受理窗口材料"),  # punctuation of every script
    ("  项目\t审批\n", "项目审批"),
])
def test_spellings_of_one_matter_give_one_key(a: str, b: str) -> None:
    assert normalise_key(a) == normalise_key(b)


def test_different_matters_stay_different() -> None:
    assert normalise_key("A区项目") != normalise_key("B区项目")
    assert normalise_key("项目审批") != normalise_key("项目验收")


def test_nothing_but_punctuation_is_an_empty_key() -> None:
    assert normalise_key(" ·、（）—— ") == ""
