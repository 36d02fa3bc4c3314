"""The authorization matrix (issue 14): every endpoint × every role × own unit / other unit /
parent unit, with the exact status, and no other unit's data in any response body — on
SQLite and PostgreSQL.

Units (the demo tree): ``lc`` above ``lc-jd`` (the case's unit: one user per role) and
``lc-cg`` (another unit: a handler and a head).  ``lc-head`` (head, auditor) in the parent
unit sees the units below (both of them); ``lc-clerk`` (handler) in the parent unit sees only
its own unit's cases.
"""

from __future__ import annotations

from datetime import date

import pytest

from rongcuo.bootstrap import App
from rongcuo.service import handlers, identity
from rongcuo.service.commands import FireStep, OpenCase
from tests.support.api import Api
from tests.support.identity import password_of, seed

TODAY = "2025-09-26"
OWN = ("handler", "inv1", "head", "committee", "auditor", "reports", "admin")
OTHER = ("cg-handler", "cg-head")
PARENT = ("lc-head", "lc-clerk")
EVERYONE = OWN + OTHER + PARENT
SECRET_SUBJECT = "外单位当事人甲"  # the other unit's case: never in an lc-jd body

# endpoint → expected status per login (a login not listed: the default)
READ_OWN_CASE = {**dict.fromkeys((*OWN, "lc-head"), 200),
                 **dict.fromkeys((*OTHER, "lc-clerk"), 404)}
EXPECTED: dict[str, dict[str, int]] = {
    "me": dict.fromkeys(EVERYONE, 200),
    "workflows": dict.fromkeys(EVERYONE, 200),
    "workflow": dict.fromkeys(EVERYONE, 200),
    "list": dict.fromkeys(EVERYONE, 200),
    "show": READ_OWN_CASE,
    "history": READ_OWN_CASE,
    "replay": READ_OWN_CASE,
    "open": {**dict.fromkeys(EVERYONE, 403), "handler": 201, "cg-handler": 201,
             "lc-clerk": 201},
    # file on a received case of lc-jd: handler and head; others of lc-jd lack the role;
    # another unit's users and the parent clerk do not see it
    "fire": {**dict.fromkeys(OWN, 403), "handler": 200, "head": 200, "lc-head": 200,
             **dict.fromkeys((*OTHER, "lc-clerk"), 404)},
    # corrections (issue 15 §1): only a head of the case's unit approves an amendment or a
    # voiding, recording it (409 citing four eyes for a handler, and for the parent unit's
    # head, who sees the case but is no head of its unit); a withdrawal needs handler or head
    "amend": {**dict.fromkeys(OWN, 403), "handler": 409, "head": 200, "lc-head": 409,
              **dict.fromkeys((*OTHER, "lc-clerk"), 404)},
    "void": {**dict.fromkeys(OWN, 403), "handler": 409, "head": 200, "lc-head": 409,
             **dict.fromkeys((*OTHER, "lc-clerk"), 404)},
    "withdraw": {**dict.fromkeys(OWN, 403), "handler": 200, "head": 200, "lc-head": 200,
                 **dict.fromkeys((*OTHER, "lc-clerk"), 404)},
    # a reporter's identity: the reports role in the case's unit; to anyone else the case's
    # report has none (404), as to another unit's user the case does not exist
    "reveal": {**dict.fromkeys(EVERYONE, 404), "reports": 200},
    "verify": {**dict.fromkeys(EVERYONE, 403), "auditor": 200, "admin": 200, "lc-head": 200},
    "due": dict.fromkeys(EVERYONE, 200),
}


@pytest.fixture
def world(app: App) -> tuple[Api, dict[str, str]]:
    seed(app)
    identity.add_user(app, "lc-clerk", "局办事员", "lc", ["handler"], password_of("lc-clerk"))
    own = handlers.open_case(app, OpenCase("licheng", "本单位当事人乙", "城管局",
                                           date.fromisoformat(TODAY), "seed",
                                           {"matter": "m"}, unit_id="lc-jd"))
    other = handlers.open_case(app, OpenCase("licheng", SECRET_SUBJECT, "城管局",
                                             date.fromisoformat(TODAY), "seed",
                                             {"matter": "m"}, unit_id="lc-cg"))
    return Api(app), {"own": own.case_id, "other": other.case_id,
                      "other_number": other.number}


REPORTER = "周晓梅，电话13900001111"  # the identity given with the report (never in a 404)


def _filed(api: Api, reporter: str | None = None) -> str:
    """A fresh case of lc-jd opened 09-25 and filed 09-26 by the operator ``seed`` (and a
    real-name report with ``reporter``'s identity)."""
    on = date.fromisoformat(TODAY)
    case = handlers.open_case(api.app, OpenCase(
        "licheng", "本单位当事人丁", "城管局", date(2025, 9, 25), "seed", {"matter": "m"},
        unit_id="lc-jd")).case_id
    handlers.fire(api.app, FireStep(case, "file", on, "seed"))
    if reporter is not None:
        handlers.fire(api.app, FireStep(case, "record_report", on, "seed", {
            "report_id": "XF-1", "kind": "实名", "allegation": "a"}, reporter=reporter))
    return case


def _call(api: Api, login: str | None, endpoint: str, own: str) -> object:
    c = f"/api/v1/cases/{own}"
    if endpoint == "fire":  # a fresh received case of lc-jd for each attempt
        own = handlers.open_case(api.app, OpenCase(
            "licheng", "本单位当事人丙", "城管局", date.fromisoformat(TODAY), "seed",
            {"matter": "m"}, unit_id="lc-jd")).case_id
        return api.as_(login, "POST", f"/api/v1/cases/{own}/steps",
                       json={"trigger": "file", "on": TODAY})
    writes = {  # a fresh filed case for each attempt
        "amend": ("amendments", {"seq": 2, "on": "2025-09-25", "reason": "立案日期录错"}),
        "void": ("voidings", {"seq": 2, "reason": "未曾立案"}),
        "withdraw": ("withdrawal", {"on": TODAY, "reason": "误录"}),
        "reveal": ("reports/XF-1/reporter", {"reason": "核查诬告线索"}),
    }
    if endpoint in writes:
        path, body = writes[endpoint]
        case = _filed(api, REPORTER if endpoint == "reveal" else None)
        return api.as_(login, "POST", f"/api/v1/cases/{case}/{path}", json=body)
    calls = {
        "me": ("GET", "/api/v1/me", {}),
        "workflows": ("GET", "/api/v1/workflows", {}),
        "workflow": ("GET", "/api/v1/workflows/licheng", {}),
        "list": ("GET", "/api/v1/cases", {}),
        "show": ("GET", c, {}),
        "history": ("GET", f"{c}/history", {}),
        "replay": ("GET", f"{c}/replay", {}),
        "open": ("POST", "/api/v1/cases",
                 {"json": {"workflow": "licheng", "subject": "新案当事人", "agency": "城管局",
                           "on": TODAY, "data": {"matter": "m"}}}),
        "verify": ("GET", "/api/v1/audit/verify", {}),
        "due": ("GET", "/api/v1/calendar/due", {"params": {"start": TODAY, "n": 5}}),
    }
    method, url, kw = calls[endpoint]
    return api.as_(login, method, url, **kw)


@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_matrix(world: tuple[Api, dict[str, str]], endpoint: str) -> None:
    api, ids = world
    for login in EVERYONE:
        r = _call(api, login, endpoint, ids["own"])
        want = EXPECTED[endpoint][login]
        assert r.status_code == want, (endpoint, login, r.status_code, r.text[:300])
        body = r.text
        if login in (*OWN, "lc-clerk"):  # lc-jd's users and lc's clerk never see lc-cg's case
            assert ids["other"] not in body and SECRET_SUBJECT not in body, (endpoint, login)
        if login in OTHER:  # lc-cg's users never see lc-jd's cases (a 404 only echoes the
            # reference they sent)
            assert "本单位当事人" not in body, (endpoint, login)
            assert r.status_code == 404 or ids["own"] not in body, (endpoint, login)
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json"
            assert "周晓梅" not in body, (endpoint, login)
    assert _call(api, None, endpoint, ids["own"]).status_code == 401


def test_other_units_case_by_number_is_not_found(world: tuple[Api, dict[str, str]]) -> None:
    api, ids = world
    for path in ("", "/history", "/replay"):
        r = api.as_("head", "GET", f"/api/v1/cases/{ids['other_number']}{path}")
        assert r.status_code == 404 and SECRET_SUBJECT not in r.text
    nope = api.as_("head", "GET", "/api/v1/cases/no-such-case")
    hidden = api.as_("head", "GET", f"/api/v1/cases/{ids['other']}")
    # the same answer as a case that does not exist (only the reference differs)
    assert nope.json()["code"] == hidden.json()["code"] == "case.not_found"
    assert set(nope.json()) == set(hidden.json())
