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
from rongcuo.service.commands import OpenCase
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


def _call(api: Api, login: str | None, endpoint: str, own: str) -> object:
    c = f"/api/v1/cases/{own}"
    if endpoint == "fire":  # a fresh received case of lc-jd for each attempt
        own = handlers.open_case(api.app, OpenCase(
            "licheng", "本单位当事人丙", "城管局", date.fromisoformat(TODAY), "seed",
            {"matter": "m"}, unit_id="lc-jd")).case_id
        return api.as_(login, "POST", f"/api/v1/cases/{own}/steps",
                       json={"trigger": "file", "on": TODAY})
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
