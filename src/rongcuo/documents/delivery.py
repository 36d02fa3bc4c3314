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
from rongcuo.domain.messages import message

MSG_DOCUMENT_DELIVERY_METHOD = message(
    "document.delivery_method",
    "送达方式“{value}”无效，可选：{value2}",
    "unknown delivery method {value!r}; one of: {value3}",
)

MSG_DOCUMENT_DELIVERY_RECEIVER = message(
    "document.delivery_receiver",
    "请填写签收人（受送达人或代收人）",
    "the receiving person is missing",
)

MSG_DOCUMENT_DELIVERY_BEFORE_ISSUE = message(
    "document.delivery_before_issue",
    "收到日期 {cn_date} 早于文书签发日期 {cn_date2}",
    "received on {received_on} — before the document was issued ({issued_on})",
)

MSG_DOCUMENT_DELIVERY_IN_FUTURE = message(
    "document.delivery_in_future",
    "收到日期 {cn_date} 在今天（{cn_date2}）之后；收到日期起算复核申请期限，不能预填",
    "received on {received_on} — after today ({today}); the review period runs from it, so "
    "it cannot be entered in advance",
)

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
        raise DocumentError.of(
            MSG_DOCUMENT_DELIVERY_METHOD,
            value=value,
            value2='、'.join(METHODS),
            value3=', '.join(METHODS),
            allowed=METHODS,
        )
    return v


def check_delivery(d: Delivery, *, issued_on: date, today: date,
                   article: str = RECEIPT_ARTICLE) -> Delivery:
    """``d`` with its method's full name, or a refusal naming what is wrong."""
    method = method_name(d.method)
    if not d.received_by.strip():
        raise DocumentError.of(
            MSG_DOCUMENT_DELIVERY_RECEIVER,
        )
    if d.received_on < issued_on:
        raise DocumentError.of(
            MSG_DOCUMENT_DELIVERY_BEFORE_ISSUE,
            cn_date=cn_date(d.received_on),
            cn_date2=cn_date(issued_on),
            received_on=d.received_on,
            issued_on=issued_on,
            article=article,
        )
    if d.received_on > today:
        raise DocumentError.of(
            MSG_DOCUMENT_DELIVERY_IN_FUTURE,
            cn_date=cn_date(d.received_on),
            cn_date2=cn_date(today),
            received_on=d.received_on,
            today=today,
            article=article,
        )
    return Delivery(method, d.received_by.strip(), d.received_on, d.place, d.served_by, d.note)
