"""The case page's record actions (issues 14, 15 §1, 17, 18), in process on SQLite and
PostgreSQL: 查看 a reporter's identity is offered to ``reports`` users only, asks for a
reason and records the read; heads get a correction form per step (更正日期, 撤销), and the
four-eyes refusal is shown with nothing written."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rongcuo.entrypoints.web.app import create_app
from rongcuo.service import handlers, queries
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.identity import principal_for_login
from tests.support.identity import password_of, seed

IDENTITY = "周晓梅，电话13900001111"


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m
    return m.group(1)


@pytest.fixture
def world(app: Any) -> tuple[Any, str]:
    seed(app)
    who = principal_for_login(app, "handler")
    case = handlers.open_case(app, OpenCase("licheng", "张某", "城管局", date(2025, 9, 25),
                                            who.actor, {"matter": "m"}, principal=who)).case_id
    on = date(2025, 9, 26)
    handlers.fire(app, FireStep(case, "file", on, who.actor, principal=who))
    handlers.fire(app, FireStep(case, "record_report", on, who.actor, {
        "report_id": "XF-1", "kind": "实名", "allegation": "拖延办案"}, reporter=IDENTITY,
        principal=who))
    return app, case


def _client(app: Any, login: str) -> TestClient:
    client = TestClient(create_app(app, secret="s"))
    page = client.get("/login")
    r = client.post("/login", data={"csrf": _csrf(page.text), "username": login,
                                    "password": password_of(login), "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def _count(app: Any, case: str) -> int:
    return len(queries.history(app, case))


def test_reveal_is_offered_to_reports_users_only_and_records_the_read(
        world: tuple[Any, str]) -> None:
    app, case = world
    for login in ("handler", "head", "auditor"):
        page = _client(app, login).get(f"/cases/{case}")
        assert page.status_code == 200 and 'data-report="XF-1"' not in page.text, login
        assert IDENTITY not in page.text
    reader = _client(app, "reports")
    page = reader.get(f"/cases/{case}")
    assert 'data-report="XF-1"' in page.text and "查看" in page.text
    assert IDENTITY not in page.text
    before = _count(app, case)
    # a user without the role who posts the form anyway: not found, nothing recorded
    head = _client(app, "head")
    csrf = _csrf(head.get(f"/cases/{case}").text)
    r = head.post(f"/cases/{case}/reporter", data={"csrf": csrf, "report_id": "XF-1",
                                                   "reason": "看看"})
    assert r.status_code == 404 and IDENTITY not in r.text
    # without a reason: refused, nothing recorded
    csrf = _csrf(page.text)
    r = reader.post(f"/cases/{case}/reporter", data={"csrf": csrf, "report_id": "XF-1",
                                                     "reason": " "})
    assert r.status_code == 422 and IDENTITY not in r.text
    assert _count(app, case) == before
    r = reader.post(f"/cases/{case}/reporter", data={"csrf": csrf, "report_id": "XF-1",
                                                     "reason": "核查诬告线索"})
    assert r.status_code == 200 and IDENTITY in r.text, r.text
    assert r.headers["Cache-Control"] == "no-store"
    events = queries.history(app, case)
    assert len(events) == before + 1
    last = events[-1]
    assert last.type == "ReporterRevealed" and "reports@lc-jd" in last.actor
    assert last.data["reason"] == "核查诬告线索"


def test_heads_correct_a_step_from_the_case_page_four_eyed(world: tuple[Any, str]) -> None:
    app, case = world
    handler = _client(app, "handler")
    page = handler.get(f"/cases/{case}")
    assert 'class="correct"' not in page.text and 'class="withdraw"' in page.text
    before = _count(app, case)
    r = handler.post(f"/cases/{case}/corrections", data={
        "csrf": _csrf(page.text), "action": "void", "seq": "3", "reason": "误录"})
    assert r.status_code == 409 and "四眼原则" in r.text and "本次未写入任何内容" in r.text
    r = handler.post(f"/cases/{case}/corrections", data={
        "csrf": _csrf(page.text), "action": "edit", "seq": "3", "reason": "r"})
    assert r.status_code == 404
    assert _count(app, case) == before
    head = _client(app, "head")
    page = head.get(f"/cases/{case}")
    assert 'data-seq="2"' in page.text and 'data-seq="3"' in page.text
    assert 'data-seq="1"' not in page.text  # the opening is withdrawn, not amended
    r = head.post(f"/cases/{case}/corrections", data={
        "csrf": _csrf(page.text), "action": "amend", "seq": "2", "on": "2025-09-25",
        "reason": "立案日期录错"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    last = queries.history(app, case)[-1]
    assert last.trigger == "correction.amend" and last.data["approved_by"] == "head"
    assert "head@lc-jd" in last.actor
