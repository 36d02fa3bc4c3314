"""The workplace's session cookie and CSRF token (no browser: the ASGI app in-process):
HttpOnly + SameSite=Strict (+ Secure behind TLS), an idle session's own expiry page, a form
without its token refused with nothing written, a wrong password answered without saying
which part was wrong."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rongcuo.entrypoints.web.app import create_app
from tests.support.identity import password_of, seed


class Now:
    def __init__(self) -> None:
        self.t = 1_760_000_000.0

    def __call__(self) -> float:
        return self.t


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m
    return m.group(1)


@pytest.fixture
def web(app: Any) -> Any:
    seed(app)
    now = Now()
    client = TestClient(create_app(app, secret="s", idle_seconds=600, now=now, secure=True),
                        base_url="https://testserver")
    return client, now


def _login(client: TestClient, login: str = "handler") -> Any:
    page = client.get("/login")
    return client.post("/login", data={"csrf": _csrf(page.text), "username": login,
                                       "password": password_of(login), "next": "/cases"},
                       follow_redirects=False)


def test_the_session_cookie_is_httponly_strict_and_secure(web: Any) -> None:
    client, _ = web
    r = _login(client)
    assert r.status_code == 303 and r.headers["location"] == "/cases"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("rc_session="))
    flags = {f.strip().lower() for f in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict"} <= flags
    assert password_of("handler") not in cookie


def test_an_idle_session_ends_on_its_own_page(web: Any) -> None:
    client, now = web
    _login(client)
    assert client.get("/").status_code == 200
    now.t += 601
    r = client.get("/")
    assert r.status_code == 401 and "登录已过期" in r.text and "重新登录" in r.text
    r = client.get("/", follow_redirects=False)  # the expired cookie was dropped
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_a_form_without_its_csrf_token_writes_nothing(web: Any, app: Any) -> None:
    client, _ = web
    _login(client)
    form = client.get("/open?workflow=licheng")
    data = {"workflow": "licheng", "on": "2025-09-26", "subject": "张三", "agency": "区执法局",
            "d.matter": "占道"}
    r = client.post("/open", data={**data, "csrf": "forged"})
    assert r.status_code == 403 and "安全校验未通过" in r.text
    assert app.store.list_cases() == []
    r = client.post("/open", data={**data, "csrf": _csrf(form.text)}, follow_redirects=False)
    assert r.status_code == 303 and len(app.store.list_cases()) == 1


def test_a_wrong_password_is_refused_without_saying_which_part(web: Any) -> None:
    client, _ = web
    page = client.get("/login")
    r = client.post("/login", data={"csrf": _csrf(page.text), "username": "handler",
                                    "password": "wrong-password-1"})
    assert r.status_code == 401 and "rc_session" not in r.headers.get("set-cookie", "")
    assert "登录名或密码不正确" in r.text and "wrong-password-1" not in r.text


CALENDAR_2027 = """\
year: 2027
source: {title: 国务院办公厅关于2027年部分节假日安排的通知, number: null, published: 2026-11-01}
rest_days:
  - {date: 2027-01-01, holiday: 元旦}
  - {from: 2027-02-05, to: 2027-02-11, holiday: 春节}
workdays:
  - {date: 2027-02-13, note: 春节调休}
"""


def test_an_admin_imports_a_years_calendar_on_the_calendar_page(web: Any, app: Any) -> None:
    client, _ = web
    _login(client, "handler")
    page = client.get("/calendar")
    assert "导入年度日历" not in page.text  # admins only
    files = {"file": ("2027.yaml", CALENDAR_2027.encode(), "application/yaml")}
    r = client.post("/calendar/import", data={"csrf": _csrf(page.text)}, files=files)
    assert r.status_code == 404 and 2027 not in app.calendar.loaded_years
    client.cookies.clear()
    _login(client, "admin")
    page = client.get("/calendar")
    r = client.post("/calendar/import", data={"csrf": _csrf(page.text)}, files=files,
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/calendar?year=2027")
    assert 2027 in app.calendar.loaded_years
    shown = client.get(r.headers["location"])
    assert "已导入 2027 年日历" in shown.text and "2027年2月13日" in shown.text


def test_a_step_on_a_date_that_is_not_one_is_refused_in_the_form(web: Any, app: Any) -> None:
    client, _ = web
    _login(client)
    form = client.get("/open?workflow=licheng")
    r = client.post("/open", data={"csrf": _csrf(form.text), "workflow": "licheng",
                                   "on": "2025-13-45", "subject": "张三", "agency": "区执法局",
                                   "d.matter": "占道"})
    assert r.status_code == 422 and 'data-code="web.bad_date"' in r.text
    assert "发生日期无效：“2025-13-45”" in r.text and app.store.list_cases() == []


def test_the_server_rongcuo_serve_runs_answers_the_workplace_and_the_api(app: Any) -> None:
    from rongcuo.entrypoints.cli.serve_cmd import server

    seed(app)
    client = TestClient(server(app))
    page = client.get("/login")
    assert page.status_code == 200 and "容错纠错工作台" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/static/htmx-2.0.4.min.js").status_code == 200
    api = client.get("/api/v1/cases/nope")  # the API keeps its problem+json answers
    assert api.status_code == 401 and api.headers["content-type"].startswith(
        "application/problem+json")
    docs = client.get("/docs")
    assert docs.status_code == 200 and "content-security-policy" not in docs.headers
    # a case of another unit: the API's 404 stays problem+json although the workplace
    # answers its own CaseNotFound with a page
    from datetime import date

    from rongcuo.service import handlers
    from rongcuo.service.commands import OpenCase
    from rongcuo.service.identity import principal_for_login

    who = principal_for_login(app, "handler")
    case = handlers.open_case(app, OpenCase("licheng", "张三", "区执法局", date(2025, 9, 26),
                                            who.actor, {"matter": "占道"}, principal=who))
    token = client.post("/api/v1/auth/token", data={
        "username": "cg-handler", "password": password_of("cg-handler")}).json()
    r = client.get(f"/api/v1/cases/{case.case_id}",
                   headers={"Authorization": f"Bearer {token['access_token']}"})
    assert r.status_code == 404 and r.json()["code"] == "case.not_found"


def test_a_committee_approval_waits_on_the_committee_members_dashboard(
        db_url: str, clock: Any) -> None:
    """贵安细则第八条第（三）项: a proposed determination waits for the committee's approval;
    the committee user sees it under 待我审批, the handler does not."""
    from datetime import date
    from pathlib import Path

    from rongcuo.bootstrap import bootstrap
    from rongcuo.definitions import load_definitions
    from rongcuo.service import handlers
    from rongcuo.service.commands import FireStep, OpenCase
    from rongcuo.service.identity import principal_for_login
    from tests.support.web_server import cst

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "workflows" / "identity"
    clock.set(cst("2025-09-26"))
    app = bootstrap(db_url, clock=clock, definitions=load_definitions(fixtures), migrate=True)
    try:
        seed(app)
        p = principal_for_login(app, "handler")
        case = handlers.open_case(app, OpenCase("guian_committee", "某甲", "某局",
                                                date(2025, 9, 26), p.actor, principal=p))
        handlers.fire(app, FireStep(case.case_id, "propose", date(2025, 9, 26), p.actor,
                                    principal=p))
        client = TestClient(create_app(app, secret="s"))
        _login(client, "committee")
        board = client.get("/").text
        approvals = board[board.index('id="approvals"'):]
        assert str(case.number) in approvals and "/steps/approve" in approvals
        client.cookies.clear()
        _login(client, "handler")
        assert 'id="approvals"' not in client.get("/").text
    finally:
        app.close()


def test_every_page_answers_in_english_behind_the_switch(web: Any, app: Any) -> None:
    from datetime import date

    from rongcuo.service import handlers
    from rongcuo.service.commands import OpenCase
    from rongcuo.service.identity import principal_for_login

    client, _ = web
    who = principal_for_login(app, "handler")
    case = handlers.open_case(app, OpenCase("licheng", "张三", "区执法局", date(2025, 9, 26),
                                            who.actor, {"matter": "占道"}, principal=who))
    _login(client, "handler")
    r = client.get("/lang/en?back=/cases", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cases"
    heads = {"/": "My work", "/cases": "Cases", f"/cases/{case.case_id}": str(case.number),
             f"/cases/{case.case_id}/steps/file": "file", f"/cases/{case.case_id}/diagram":
             "Diagram", "/open?workflow=licheng": "Open a case", "/calendar": "Calendar",
             "/audit": "Audit"}
    for path, head in heads.items():
        page = client.get(path)
        assert page.status_code == 200 and head in page.text, path
        assert '<html lang="en">' in page.text and "中文" in page.text  # the way back
