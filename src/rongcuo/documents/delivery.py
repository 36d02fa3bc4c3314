"""Delivery (送达) of an issued document: the facts a 送达回证 records — pure.

The date the party received a decision is what starts the clocks that run from receipt
(历城办法第十九条: 15 days to request a review "自收到认定决定之日起").  So it is checked
here, before anything is recorded: not before the document was issued, not after today (the
legal date the entry point read once, in CST).  In the wiring phase ``doc deliver`` builds a
:class:`Delivery`, calls :func:`check_delivery`, and fires the step that starts the timer
with the received date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rongcuo.documents.errors import DocumentError
from rongcuo.documents.text import cn_date

# The usual ways of serving an administrative document (送达方式).
METHODS: tuple[str, ...] = ("直接送达", "邮寄送达", "电子送达", "留置送达", "委托送达", "公告送达")
ALIASES = {"邮寄": "邮寄送达", "直接": "直接送达", "电子": "电子送达", "留置": "留置送达",
           "委托": "委托送达", "公告": "公告送达"}
RECEIPT_ARTICLE = "历城办法第十九条"


@dataclass(frozen=True)
class Delivery:
    method: str
    received_by: str
    received_on: date
    place: str = ""
    served_by: str = ""
    note: str = ""


def method_name(value: str) -> str:
    """The method's full name (``邮寄`` → ``邮寄送达``); refuse one we do not know."""
    v = value.strip()
    v = ALIASES.get(v, v)
    if v not in METHODS:
        raise DocumentError(
            f"送达方式“{value}”无效，可选：{'、'.join(METHODS)}",
            f"unknown delivery method {value!r}; one of: {', '.join(METHODS)}",
            code="document.delivery_method",
            allowed=METHODS,
        )
    return v


def check_delivery(d: Delivery, *, issued_on: date, today: date,
                   article: str = RECEIPT_ARTICLE) -> Delivery:
    """``d`` with its method's full name, or a refusal naming what is wrong."""
    method = method_name(d.method)
    if not d.received_by.strip():
        raise DocumentError("请填写签收人（受送达人或代收人）", "the receiving person is missing",
                            code="document.delivery_receiver")
    if d.received_on < issued_on:
        raise DocumentError(
            f"收到日期 {cn_date(d.received_on)} 早于文书签发日期 {cn_date(issued_on)}",
            f"received on {d.received_on} — before the document was issued ({issued_on})",
            code="document.delivery_before_issue", article=article,
        )
    if d.received_on > today:
        raise DocumentError(
            f"收到日期 {cn_date(d.received_on)} 在今天（{cn_date(today)}）之后；"
            "收到日期起算复核申请期限，不能预填",
            f"received on {d.received_on} — after today ({today}); the review period runs "
            "from it, so it cannot be entered in advance",
            code="document.delivery_in_future", article=article,
        )
    return Delivery(method, d.received_by.strip(), d.received_on, d.place, d.served_by, d.note)
