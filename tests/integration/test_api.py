"""The HTTP API (issue 14) in process, on SQLite and PostgreSQL: logins and tokens, problem
documents, If-Match and Idempotency-Key, the case document equal to ``case show --json``,
the docs page served from the package, and the full Licheng walk by four users ending
archived with the audit sound and every event naming its user — with no password or token
in any log line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.bootstrap import App
from rongcuo.clock import FixedClock
from rongcuo.entrypoints.cli.main import cli
from rongcuo.service.identity import accounts
from tests.support.api import Api
from tests.support.identity import password_of, seed
from tests.support.logs import logs_as_json
from tests.support.walks import cst_morning

TODAY = "2025-09-26"


@pytest.fixture
def info_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Log lines at INFO, as JSON, to the captured stderr (restored afterwards)."""
    yield from logs_as_json(monkeypatch, "INFO", configure=True)


@pytest.fixture
def api(app: App) -> Api:
    seed(app)
    return Api(app)


def _open(api: Api, login: str = "handler", **over: object) -> dict[str, object]:
    body = {"workflow": "licheng", "subject": "张某", "agency": "城管局", "on": TODAY,
            "data": {"matter": "占道经营"}, **over}
    r = api.as_(login, "POST", "/api/v1/cases", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_password_login_and_its_failures(api: Api) -> None:
    bad = api.client.post("/api/v1/auth/token", data={"username": "handler", "password": "x1"})
    assert bad.status_code == 401
    assert bad.headers["content-type"] == "application/problem+json"
    doc = bad.json()
    assert doc["code"] == "auth.failed" and doc["status"] == 401
    assert {"title", "detail", "message_zh", "message_en", "article", "allowed"} <= set(doc)
    assert api.as_("handler", "GET", "/api/v1/me").json()["unit"] == "lc-jd"
    assert api.client.get("/api/v1/cases").status_code == 401
    assert api.client.get("/api/v1/cases",
                          headers={"Authorization": "Bearer rc_nope"}).status_code == 401


def test_api_token_expiry_and_revocation(api: Api, clock: FixedClock) -> None:
    token, row = accounts.create_token(api.app, "oa", "lc-jd", ["handler"], days=1)
    h = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/cases", headers=h).status_code == 200
    clock.set(clock.now() + timedelta(days=1))
    assert api.client.get("/api/v1/cases", headers=h).status_code == 401
    clock.set(clock.now() - timedelta(days=1))
    accounts.revoke_token(api.app, row["id"])
    assert api.client.get("/api/v1/cases", headers=h).status_code == 401


def test_case_document_is_the_cli_document(api: Api, app_url: str, clock: FixedClock) -> None:
    case = _open(api)
    r = api.as_("head", "GET", f"/api/v1/cases/{case['id']}")
    assert r.status_code == 200 and r.headers["etag"] == '"1"'
    # the CLI reads the wall clock: the same instant as the server's ("allowed now" depends on it)
    with freeze_time(clock.now()):
        cli_doc = CliRunner().invoke(cli, ["case", "show", str(case["id"]), "--json",
                                           "--db", app_url])
    assert cli_doc.exit_code == 0, cli_doc.output
    assert r.json() == json.loads(cli_doc.output.strip().splitlines()[-1])
    by_number = api.as_("head", "GET", f"/api/v1/cases/{case['number']}")
    assert by_number.status_code == 200 and by_number.json()["id"] == case["id"]


def test_if_match_idempotency_and_problem_statuses(api: Api) -> None:
    case = _open(api)
    url = f"/api/v1/cases/{case['id']}/steps"
    step = {"trigger": "file", "on": TODAY}
    stale = api.as_("handler", "POST", url, json=step, headers={"If-Match": '"7"'})
    assert stale.status_code == 412 and stale.json()["code"] == "case.version_stale"
    assert api.as_("handler", "GET", f"/api/v1/cases/{case['id']}").json()["version"] == 1
    key = {"Idempotency-Key": "k-1", "If-Match": '"1"'}
    first = api.as_("handler", "POST", url, json=step, headers=key)
    again = api.as_("handler", "POST", url, json=step, headers=key)
    assert first.status_code == again.status_code == 200
    assert first.json()["version"] == again.json()["version"] == 2
    assert again.headers.get("idempotent-replayed") == "true"
    refused = api.as_("handler", "POST", url, json=step)  # filed already: not allowed now
    assert refused.status_code == 409 and refused.json()["allowed"]
    malformed = api.as_("handler", "POST", url, json={"trigger": "file"})
    assert malformed.status_code == 422 and malformed.json()["code"] == "input.malformed"
    future = api.as_("handler", "POST", url, json={"trigger": "transfer", "on": "2030-01-01"})
    assert future.status_code == 422 and future.json()["code"] == "date.future"
    assert api.as_("handler", "GET", "/api/v1/cases/nope").status_code == 404


def test_four_eyes_through_the_api(api: Api) -> None:
    case = _open(api)
    url = f"/api/v1/cases/{case['id']}/steps"
    for trigger, data in (("file", {}), ("assign_investigator", {"investigator": "inv1"}),
                          ("assign_investigator", {"investigator": "inv2"}),
                          ("start_verification", {})):
        assert api.as_("handler", "POST", url, json={"trigger": trigger, "on": TODAY,
                                                     "data": data}).status_code == 200
    ext = {"trigger": "extend_investigation", "on": TODAY,
           "data": {"days": 10, "proposed_by": "handler"}}
    by_handler = api.as_("handler", "POST", url, json=ext)
    assert by_handler.status_code == 409
    assert by_handler.json()["code"] == "approval.role_required"
    assert by_handler.json()["article"] == "历城办法第十七条"
    own = {**ext, "data": {"days": 10, "proposed_by": "head"}}
    by_proposer = api.as_("head", "POST", url, json=own)
    assert by_proposer.status_code == 409 and by_proposer.json()["code"] == "approval.four_eyes"
    ok = api.as_("head", "POST", url, json=ext)
    assert ok.status_code == 200
    assert ok.json()["events"][-1]["data"]["approved_by"] == "head"


def test_docs_are_served_from_the_package(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "/docs/static/swagger-ui-bundle.js" in page.text
    js = api.client.get("/docs/static/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000
    spec = api.client.get("/openapi.json").json()
    assert {"/api/v1/auth/token", "/api/v1/cases/{case_ref}/steps",
            "/api/v1/audit/verify", "/api/v1/calendar/due"} <= set(spec["paths"])


WALK = (
    # (who, trigger, date, data) — 历城办法第十三条至第二十条, around National Day 2025
    ("handler", "file", "2025-09-28", {}),
    ("handler", "assign_investigator", "2025-09-29", {"investigator": "inv1"}),
    ("handler", "assign_investigator", "2025-09-29", {"investigator": "inv2"}),
    ("handler", "start_verification", "2025-09-30", {}),
    ("inv1", "hear_statement", "2025-10-09", {}),
    ("inv2", "hold_hearing", "2025-10-10", {"host": "inv2"}),
    ("head", "extend_investigation", "2025-10-20",
     {"days": 15, "proposed_by": "handler", "reason": "情况复杂"}),
    ("head", "determine", "2025-11-05",
     {"outcome": "exempted", "items": ["10.2"], "correction_required": True}),
    ("handler", "notify", "2025-11-07", {"received_on": "2025-11-07"}),
    ("handler", "order_correction", "2025-11-25", {"days": 30, "items": "完善执法公示"}),
    ("handler", "complete_correction", "2025-12-10", {}),
    ("handler", "archive", "2025-12-12", {}),
)


def test_full_licheng_walk_by_four_users(api: Api, clock: FixedClock,
                                         capsys: pytest.CaptureFixture[str],
                                         info_logs: None) -> None:
    clock.set(cst_morning("2025-09-26"))
    case = _open(api, data={"matter": "占道经营处罚", "source": "application"})
    url = f"/api/v1/cases/{case['id']}/steps"
    for login, trigger, on, data in WALK:
        clock.set(cst_morning(on))
        api.token.cache_clear()  # a session lasts hours: log in again on each day
        r = api.as_(login, "POST", url, json={"trigger": trigger, "on": on, "data": data})
        assert r.status_code == 200, (trigger, r.text)
    doc = api.as_("auditor", "GET", f"/api/v1/cases/{case['id']}").json()
    assert doc["state"] == "archived" and doc["closed"] is True
    verify = api.as_("auditor", "GET", "/api/v1/audit/verify")
    assert verify.status_code == 200 and verify.json()["ok"] is True
    history = api.as_("auditor", "GET", f"/api/v1/cases/{case['id']}/history").json()
    logins = [e["recorded_by"]["login"] for e in history if e["trigger"] != "timer.met"]
    users = {e["recorded_by"]["kind"] for e in history}
    assert users == {"user"}, users
    assert {"handler", "inv1", "inv2", "head"} == set(logins)
    assert all(e["recorded_by"]["unit"] == "lc-jd" and e["recorded_by"]["name"]
               for e in history)
    replay = api.as_("auditor", "GET", f"/api/v1/cases/{case['id']}/replay")
    assert replay.status_code == 200 and replay.json()["state"] == "archived"
    logs = capsys.readouterr()
    text = logs.out + logs.err
    assert "http.request" in text and case["id"] in text
    for login in ("handler", "inv1", "inv2", "head", "auditor"):
        assert password_of(login) not in text
    assert len(api.issued) > 10 and not any(t in text for t in api.issued)
    assert "rc_" not in text and "$argon2" not in text


def test_a_nul_anywhere_is_refused_alike_on_both_backends(api: Api) -> None:
    """PostgreSQL cannot store U+0000 in text and SQLite would: the API refuses it first."""
    for method, url, kw in (("GET", "/api/v1/cases", {"params": {"state": "\x00"}}),
                            ("GET", "/api/v1/cases/a%00b", {}),
                            ("POST", "/api/v1/cases", {"json": {
                                "workflow": "licheng", "subject": "张\x00某", "agency": "局",
                                "on": TODAY, "data": {"matter": "m"}}})):
        r = api.as_("handler", method, url, **kw)
        assert r.status_code == 422 and r.json()["code"] == "input.nul", (url, r.text)
