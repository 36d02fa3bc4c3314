"""Corrections and a reporter's identity behind authorization (issues 14, 15 §1, 17, 18),
through the API and the CLI's ``--as``, on SQLite and PostgreSQL.

* An amendment or a voiding by a user is approved by a ``head`` of the case's unit, who
  records it, and who is not the corrected entry's author (four eyes) — refused otherwise,
  citing the rule in Chinese and English, with nothing written.
* A reporter's identity is read only with the ``reports`` role in the case's unit; the read
  is an event (who, when, why); anyone else gets the answer of a report without one (404);
  the identity is in no log line of the API path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from rongcuo.bootstrap import App
from rongcuo.entrypoints.cli.main import cli
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.identity import principal_for_login
from tests.support.api import Api
from tests.support.identity import seed
from tests.support.logs import logs_as_json

TODAY = "2025-09-26"
NAME, PHONE = "周晓梅", "13900001111"
IDENTITY = f"{NAME}，电话{PHONE}"


@pytest.fixture
def info_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Log lines at DEBUG, as JSON, to the captured stderr (restored afterwards)."""
    yield from logs_as_json(monkeypatch, "DEBUG", configure=True)


@pytest.fixture
def api(app: App) -> Api:
    seed(app)
    return Api(app)


def _filed(app: App, filer: str = "handler", reporter: str | None = None) -> str:
    """A case of lc-jd opened on 09-25 by ``handler`` and filed on 09-26 by ``filer``."""
    who = principal_for_login(app, "handler")
    case = handlers.open_case(app, OpenCase("licheng", "张某", "城管局", date(2025, 9, 25),
                                            who.actor, {"matter": "m"}, principal=who)).case_id
    by = principal_for_login(app, filer)
    handlers.fire(app, FireStep(case, "file", date.fromisoformat(TODAY), by.actor,
                                principal=by))
    if reporter is not None:
        handlers.fire(app, FireStep(case, "record_report", date.fromisoformat(TODAY),
                                    who.actor, {"report_id": "XF-1", "kind": "实名",
                                                "allegation": "拖延办案"},
                                    reporter=reporter, principal=who))
    return case


def _events(api: Api, case: str) -> list[dict[str, Any]]:
    r = api.as_("head", "GET", f"/api/v1/cases/{case}/history")
    assert r.status_code == 200, r.text
    return list(r.json())


def _refused(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = dict(r.json())
    assert body["code"] == code and body["message_zh"] and body["message_en"], body
    return body


def test_corrections_by_users_are_four_eyed(api: Api) -> None:
    case = _filed(api.app)  # seq 2 (file) recorded by handler
    url = f"/api/v1/cases/{case}"
    before = len(_events(api, case))
    amend = {"seq": 2, "on": "2025-09-25", "reason": "立案日期录错"}
    # the handler who made the entry cannot approve its correction: a head of the unit must
    body = _refused(api.as_("handler", "POST", f"{url}/amendments", json=amend), 409,
                    "correction.approver_head")
    assert "四眼原则" in body["message_zh"] and "four-eyes" in body["message_en"]
    assert "lc-jd" in body["message_zh"]
    # the parent unit's head sees the case but is no head of its unit
    _refused(api.as_("lc-head", "POST", f"{url}/amendments", json=amend), 409,
             "correction.approver_head")
    # the approver is the user recording: naming another is refused
    _refused(api.as_("head", "POST", f"{url}/amendments",
                     json={**amend, "approved_by": "lc-head"}), 409,
             "approval.approver_not_self")
    # an auditor changes nothing; another unit's head does not find the case
    body = _refused(api.as_("auditor", "POST", f"{url}/voidings",
                            json={"seq": 2, "reason": "r"}), 403, "authz.forbidden")
    assert body["message_en"].startswith("you hold no role that may record a voiding")
    _refused(api.as_("cg-head", "POST", f"{url}/voidings", json={"seq": 2, "reason": "r"}),
             404, "case.not_found")
    assert len(_events(api, case)) == before  # nothing written by any refusal
    # the head of lc-jd, not the entry's author, approves and records it
    r = api.as_("head", "POST", f"{url}/amendments", json=amend)
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{r.json()["version"]}"'
    last = _events(api, case)[-1]
    assert last["trigger"] == "correction.amend" and last["data"]["approved_by"] == "head"
    assert last["recorded_by"]["login"] == "head" and last["data"]["target"] == 2
    assert next(e for e in r.json()["events"] if e["seq"] == 2)["superseded_by"] == last["seq"]

    # a head who made the entry cannot approve its correction (four eyes)
    own = _filed(api.app, filer="head")
    body = _refused(api.as_("head", "POST", f"/api/v1/cases/{own}/voidings",
                            json={"seq": 2, "reason": "未曾立案"}), 409,
                    "correction.same_approver")
    assert "四眼原则" in body["message_zh"] and "four-eyes" in body["message_en"]
    # a voiding of the handler's entry by the head; a withdrawal by the handler
    other = _filed(api.app)
    r = api.as_("head", "POST", f"/api/v1/cases/{other}/voidings",
                json={"seq": 2, "reason": "未曾立案"})
    assert r.status_code == 200 and r.json()["state"] == "received", r.text
    r = api.as_("handler", "POST", f"/api/v1/cases/{own}/withdrawal",
                json={"on": TODAY, "reason": "误录"})
    assert r.status_code == 200 and r.json()["withdrawn"] is True, r.text
    assert _events(api, own)[-1]["recorded_by"]["login"] == "handler"
    # malformed: 422 problem+json
    _refused(api.as_("head", "POST", f"{url}/voidings", json={"seq": 0, "reason": ""}), 422,
             "input.malformed")
    verify = api.as_("auditor", "GET", "/api/v1/audit/verify")
    assert verify.status_code == 200 and verify.json()["ok"] is True, verify.text


def test_reporter_identity_only_for_reports_and_every_read_recorded(
        api: Api, capsys: pytest.CaptureFixture[str], info_logs: None) -> None:
    case = _filed(api.app, reporter=IDENTITY)
    url = f"/api/v1/cases/{case}/reports/XF-1/reporter"
    before = _events(api, case)
    # anyone without the role in the case's unit: the answer of a report without an identity
    hidden = {}
    for login in ("handler", "head", "auditor", "admin", "lc-head"):
        hidden[login] = _refused(api.as_(login, "POST", url, json={"reason": "看看"}), 404,
                                 "reporter.not_found")
    nothing = _refused(api.as_("reports", "POST", f"/api/v1/cases/{case}/reports/XF-9/reporter",
                               json={"reason": "核查"}), 404, "reporter.not_found")
    for body in hidden.values():  # the same answer, only the report id it echoes may differ
        assert {k: v for k, v in body.items() if k not in ("detail", "message_zh",
                                                           "message_en", "details")} == {
            k: v for k, v in nothing.items() if k not in ("detail", "message_zh",
                                                          "message_en", "details")}
    _refused(api.as_("cg-head", "POST", url, json={"reason": "r"}), 404, "case.not_found")
    _refused(api.as_("reports", "POST", url, json={}), 422, "input.malformed")
    assert _events(api, case) == before  # no read happened, none is recorded
    # the reader with the role: the identity, and the read is an event (who, when, why)
    r = api.as_("reports", "POST", url, json={"reason": "核查诬告线索"})
    assert r.status_code == 200, r.text
    assert r.json() == {"case": case, "report_id": "XF-1", "identity": IDENTITY}
    assert r.headers["Cache-Control"] == "no-store"
    events = _events(api, case)
    assert len(events) == len(before) + 1
    last = events[-1]
    assert (last["trigger"], last["type"]) == ("access", "ReporterRevealed")
    assert last["recorded_by"]["login"] == "reports" and last["recorded_at"]
    assert last["data"]["reason"] == "核查诬告线索" and last["data"]["report_id"] == "XF-1"
    # the identity is nowhere else: no other answer, no log line
    texts = [json.dumps(events, ensure_ascii=False),
             api.as_("auditor", "GET", f"/api/v1/cases/{case}").text,
             api.as_("auditor", "GET", f"/api/v1/cases/{case}/replay").text]
    logs = capsys.readouterr()
    texts.append(logs.out + logs.err)
    assert "reporter.revealed" in texts[-1] and "http.request" in texts[-1]
    for text in texts:
        assert NAME not in text and PHONE not in text
    verify = api.as_("auditor", "GET", "/api/v1/audit/verify")
    assert verify.json()["ok"] is True


def _cli(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.stdout + r.stderr


def test_cli_as_on_corrections_and_reveal(app: App, app_url: str) -> None:
    seed(app)
    case = _filed(app, reporter=IDENTITY)
    db = ("--db", app_url)
    code, out = _cli("case", "amend", case, "2", "--on", "2025-09-25", "--reason", "录错",
                     "--as", "handler", *db)
    assert code == 3 and "四眼原则" in out, out
    code, out = _cli("case", "void", case, "2", "--reason", "r", "--as", "cg-head", *db)
    assert code == 5, out
    code, out = _cli("case", "void", case, "2", "--reason", "r", "--as", "head", "--by", "x",
                     *db)
    assert code == 2, out
    code, out = _cli("case", "amend", case, "2", "--on", "2025-09-25", "--reason", "录错",
                     "--as", "head", *db)
    assert code == 0, out
    last = json.loads(_cli("case", "show", case, "--json", *db)[1])["events"][-1]
    assert last["actor"].startswith("user:") and "head@lc-jd" in last["actor"]
    assert last["data"]["approved_by"] == "head"
    # the operator's --by keeps working as before (names compared)
    code, out = _cli("case", "amend", case, "2", "--on", "2025-09-26", "--reason", "再更正",
                     "--by", "监督科", "--approved-by", "科长", *db)
    assert code == 0, out
    # the reporter: --as a user without the role is told there is none; --as reports reads
    code, out = _cli("case", "reporter", case, "XF-1", "--reveal", "--reason", "r",
                     "--as", "head", *db)
    assert code == 5 and NAME not in out, out
    code, out = _cli("case", "reporter", case, "XF-1", "--reveal", "--reason", "核查",
                     "--as", "reports", *db)
    assert code == 0 and IDENTITY in out, out
    last = json.loads(_cli("case", "show", case, "--json", *db)[1])["events"][-1]
    assert last["type"] == "ReporterRevealed" and "reports@lc-jd" in last["actor"]
    # a withdrawal --as an auditor changes nothing; --as the handler withdraws
    code, out = _cli("case", "withdraw", case, "--on", TODAY, "--reason", "误录",
                     "--as", "auditor", *db)
    assert code == 3 and "authz.forbidden" not in out and "handler" in out, out
    code, out = _cli("case", "withdraw", case, "--on", TODAY, "--reason", "误录",
                     "--as", "handler", *db)
    assert code == 0, out
    last = json.loads(_cli("case", "show", case, "--json", *db)[1])["events"][-1]
    assert last["type"] == "CaseWithdrawn" and "handler@lc-jd" in last["actor"]
