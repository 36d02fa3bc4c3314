"""The Guian documents issued by their steps, on SQLite and PostgreSQL (贵安办法第八条): the
请示 by ``conclude`` (第（二）项、第（三）项), the 认定决定书 by the committee's ``approve``
(第（三）项), the 反馈书 by ``feed_back`` and the 通报 by ``notify_departments`` (第（四）项),
each numbered from its own counter in the step's transaction (the patterns are a local choice:
the source gives none), its hashes in the step's event; and the case file issued on closing —
also for a case closed because no application was made (第八条第（一）项)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from rongcuo.entrypoints.cli.case_files import on_step_committed
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.context import App
from tests.support.document_walks import GUIAN, walk_guian
from tests.support.walks import cst_morning


def _rows(app: App, cid: str) -> list[Any]:
    with app.store.engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT event_seq, kind, format, number FROM issued_documents "
            "WHERE case_id = :c ORDER BY id"), {"c": cid}))


def test_each_article_8_step_issues_its_numbered_document(app: App, clock: Any) -> None:
    """Four kinds, four counters, each 1 in 2025; both formats; the case file on close."""
    app.step_hooks.append(on_step_committed)
    cid = walk_guian(app, clock)
    by_trigger = {e.trigger: e for e in app.store.case_events(cid)}
    expected = {"conclude": ("approval_request", "贵安容错请〔2025〕1号"),
                "approve": ("determination", "贵安容错决〔2025〕1号"),
                "feed_back": ("feedback", "贵安容错反〔2025〕1号"),
                "notify_departments": ("department_notice", "贵安容错通〔2025〕1号")}
    for trigger, (kind, number) in expected.items():
        listed = by_trigger[trigger].data["documents"]
        assert [(d["kind"], d["format"], d["number"]) for d in listed] == [
            (kind, "pdf", number), (kind, "docx", number)], trigger
    steps_with_documents = {t for t, e in by_trigger.items() if "documents" in e.data}
    assert steps_with_documents == set(expected)  # publish, apply … issue nothing
    rows = _rows(app, cid)
    assert [r[1] for r in rows if r[1] == "case_file"] == ["case_file"]
    assert next(r for r in rows if r[1] == "case_file")[0] == by_trigger["close"].seq
    assert len(GUIAN) + 1 == len(app.store.case_events(cid))


def test_a_case_closed_without_an_application_gets_its_case_file(app: App, clock: Any) -> None:
    """第八条第（一）项: no application during the investigation — the case closes with its case
    file (cover, contents, timeline, 备考表) and no other document."""
    app.step_hooks.append(on_step_committed)
    clock.set(cst_morning("2025-10-20"))
    res = handlers.open_case(app, OpenCase(
        workflow_id="guian", subject="赵某", agency="贵安新区纪工委", on=date(2025, 10, 20),
        actor="案管室", data={"subject_kind": "个人", "matter": "项目审批超时",
                              "matter_key": "项目审批超时"}))
    clock.set(cst_morning("2025-11-20"))
    handlers.fire(app, FireStep(res.case_id, "end_without_application", on=date(2025, 11, 20),
                                actor="案管室", data={"reason": "调查期间未提出容错申请"}))
    rows = _rows(app, str(res.case_id))
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [(2, "case_file", "pdf", None)]
