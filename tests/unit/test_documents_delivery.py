"""Delivery (送达): the received date starts the review window (历城办法第十九条), so it is
checked — not before the document was issued, not after today."""

from __future__ import annotations

from datetime import date

import pytest

from rongcuo.documents.delivery import Delivery, check_delivery
from rongcuo.documents.errors import DocumentError

ISSUED, TODAY = date(2025, 11, 5), date(2025, 11, 10)


def test_a_delivery_is_accepted_with_the_methods_full_name() -> None:
    """邮寄 is 邮寄送达; the receiving person is kept as typed, trimmed."""
    d = check_delivery(Delivery("邮寄", " 张三 ", date(2025, 11, 7)), issued_on=ISSUED,
                       today=TODAY)
    assert (d.method, d.received_by) == ("邮寄送达", "张三")


@pytest.mark.parametrize(("delivery", "code"), [
    (Delivery("直接送达", "张三", date(2025, 11, 4)), "document.delivery_before_issue"),
    (Delivery("直接送达", "张三", date(2025, 11, 11)), "document.delivery_in_future"),
    (Delivery("飞鸽传书", "张三", date(2025, 11, 7)), "document.delivery_method"),
    (Delivery("直接送达", "  ", date(2025, 11, 7)), "document.delivery_receiver"),
])
def test_an_impossible_delivery_is_refused(delivery: Delivery, code: str) -> None:
    """Received before issue or after today (the date starts 第十九条's 15 days), an unknown
    method, no receiving person: each refused by name."""
    with pytest.raises(DocumentError) as info:
        check_delivery(delivery, issued_on=ISSUED, today=TODAY)
    assert info.value.code == code
    if "issue" in code or "future" in code:
        assert info.value.article == "历城办法第十九条"
