"""The same refusals from the HTML forms and from the JSON API: one table of steps, each run
through the workplace's step form (signed in, with its CSRF token) and through
``POST /api/v1/cases/{id}/steps`` on the one server ``rongcuo serve`` composes; the status
and the code agree, the page shows the message, and neither writes anything."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rongcuo.entrypoints.http import create_app
from rongcuo.entrypoints.web.app import install
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.identity import principal_for_login
from tests.support.identity import password_of, seed
from tests.support.web_server import cst

TODAY = "2025-09-30"
TABLE = (
    # who, trigger, business date, step data, the code both must answer
    ("handler", "start_verification", TODAY, {}, "guard.min_investigators"),  # art. 16
    ("handler", "file", TODAY, {}, "case.wrong_state"),
    ("handler", "assign_investigator", TODAY, {"investigator": "inv1"},
     "guard.investigator_already_assigned"),
    # another unit's user, not an investigator of this unit
    ("handler", "assign_investigator", TODAY, {"investigator": "cg-handler"},
     "authz.unknown_user"),
    ("handler", "assign_investigator", TODAY, {}, "input.missing_field"),  # required, empty
    ("handler", "start_verification", "2025-10-01", {}, "date.future"),
    ("inv2", "hear_statement", TODAY, {}, "authz.not_assigned"),  # art. 16: not assigned
    ("auditor", "start_verification", TODAY, {}, "authz.forbidden"),  # reads only
)


@pytest.fixture
def server(app: Any, clock: Any) -> Any:
    seed(app)
    who = principal_for_login(app, "handler")
    clock.set(cst("2025-09-26"))
    case = handlers.open_case(app, OpenCase("licheng", "张三", "区综合行政执法局",
                                            date(2025, 9, 26), who.actor, {"matter": "占道"},
                                            principal=who)).case_id
    clock.set(cst("2025-09-28"))
    handlers.fire(app, FireStep(case, "file", date(2025, 9, 28), who.actor, principal=who))
    handlers.fire(app, FireStep(case, "assign_investigator", date(2025, 9, 28), who.actor,
                                {"investigator": "inv1"}, principal=who))
    clock.set(cst(TODAY))
    return TestClient(install(create_app(app), app, secret="s"),
                      raise_server_exceptions=False), case


def _web_session(client: TestClient, login: str) -> str:
    client.cookies.clear()
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    r = client.post("/login", data={"csrf": token.group(1), "username": login,
                                    "password": password_of(login)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    form = client.get("/")
    found = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert found
    return found.group(1)


def _api_token(client: TestClient, login: str) -> str:
    r = client.post("/api/v1/auth/token", data={"username": login,
                                                "password": password_of(login)})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


@pytest.mark.parametrize(("who", "trigger", "on", "data", "code"), TABLE)
def test_the_form_and_the_api_refuse_alike(server: Any, app: Any, who: str, trigger: str,
                                           on: str, data: dict[str, Any], code: str) -> None:
    client, case = server
    before = app.store.load_case(case).version
    api = client.post(f"/api/v1/cases/{case}/steps",
                      json={"trigger": trigger, "on": on, "data": data},
                      headers={"Authorization": f"Bearer {_api_token(client, who)}"})
    csrf = _web_session(client, who)
    web = client.post(f"/cases/{case}/steps/{trigger}",
                      data={"csrf": csrf, "on": on, **{f"d.{k}": v for k, v in data.items()}})
    problem = api.json()
    assert api.headers["content-type"].startswith("application/problem+json")
    assert 400 <= api.status_code < 500 and web.status_code == api.status_code, web.text
    assert problem["code"] == code
    shown = re.search(r'id="refusal" data-code="([^"]+)"', web.text)
    assert shown and shown.group(1) == problem["code"]
    # the same message, a step named by its label where the API names its trigger
    expected = problem["message_zh"]
    for name, spec in app.definition("licheng").triggers.items():
        expected = expected.replace(f"“{name}”", f"“{spec.label_zh}”")
    assert expected in web.text.replace("&#34;", '"').replace("&#39;", "'")
    assert app.store.load_case(case).version == before  # nothing written by either
