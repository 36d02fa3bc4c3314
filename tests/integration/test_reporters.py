"""Reports (信访举报) and the reporter's identity, on SQLite and PostgreSQL.

历城办法第二十二条: reports found 不属实、查无实据 or 容错免责 get feedback — to a real-name
reporter "按规定向举报人反馈结果", for an anonymous one "在一定范围内说明情况".  The
reporter's identity is
personal data (policy): it appears in no row of ``events``, no ``audit replay --json``, no
exported case file and no log line; ``audit verify`` still proves the chain; it is read back
only with ``case reporter … --reveal``, which is itself an event of the case.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from rongcuo import paths
from tests.support.logs import logs_as_json
from tests.support.procedure_cli import Worker

NAME = "周晓梅"
CONTACT = "13900001111"
IDENTITY = f"{NAME}，电话{CONTACT}"
SECOND = "钱国栋"


@pytest.fixture
def debug_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every log line, as JSON, to the commands' stderr (which the worker keeps)."""
    yield from logs_as_json(monkeypatch, "DEBUG")


@pytest.fixture
def w(db_url: str, debug_logs: None) -> Worker:
    worker = Worker(db_url, "licheng", by="监督科")
    worker.run("db", "upgrade")
    return worker


def _determined(w: Worker) -> str:
    """A Licheng case with two reports (one real-name, one anonymous), exempted on 2025-11-20."""
    case: str = w.open("2025-09-26", "张某", "历城区市场监督管理局", "matter=超期作出行政处罚决定",
                       "source=report")
    w.fire(case, "file", "2025-09-29")
    w.fire(case, "record_report", "2025-09-30", "report_id=XF-2025-017", "kind=实名",
           "channel=12345热线", "allegation=执法人员拖延办案", extra=("--reporter", IDENTITY))
    w.fire(case, "record_report", "2025-09-30", "report_id=XF-2025-018", "kind=匿名",
           "allegation=同一问题")
    w.fire(case, "assign_investigator", "2025-09-30", "investigator=李明")
    w.fire(case, "assign_investigator", "2025-09-30", "investigator=赵芳")
    w.fire(case, "start_verification", "2025-10-09")
    # a second real-name report, its identity read from stdin (not on the command line)
    w.fire(case, "record_report", "2025-10-10", "report_id=XF-2025-020", "kind=实名",
           "allegation=补充反映", extra=("--reporter", "-"), stdin=SECOND + "\n")
    w.fire(case, "hear_statement", "2025-11-03")
    w.fire(case, "determine", "2025-11-20", "outcome=exempted", "items=10.2",
           "correction_required=false")
    return case


def test_reports_their_feedback_and_the_refusals_with_their_article(w: Worker) -> None:
    case = _determined(w)
    art = "历城办法第二十二条"
    # a real-name report without the reporter's identity (policy: whom would feedback reach?)
    err = w.refused(case, "record_report", "2025-11-21", "report_id=XF-2025-030", "kind=实名",
                    "allegation=a")
    assert (err["code"], err["article"]) == ("input.required_when", art)
    # a report number is recorded once
    err = w.refused(case, "record_report", "2025-11-21", "report_id=XF-2025-017", "kind=匿名",
                    "allegation=a")
    assert (err["code"], err["article"]) == ("guard.record", art)
    # the reference is the system's to fill
    err = w.refused(case, "record_report", "2025-11-21", "report_id=XF-2025-031", "kind=匿名",
                    "allegation=a", "reporter_ref=周某")
    assert err["code"] == "reporter.ref_by_hand"
    # feedback goes to a real-name reporter, the explanation within a scope to an anonymous one
    err = w.refused(case, "feedback_reporter", "2025-11-21", "report_id=XF-2025-018",
                    "finding=不属实", "method=书面")
    assert (err["code"], err["article"]) == ("guard.record", art)
    err = w.refused(case, "explain_report_in_scope", "2025-11-21", "report_id=XF-2025-017",
                    "finding=不属实", "scope=局机关")
    assert (err["code"], err["article"]) == ("guard.record", art)
    err = w.refused(case, "feedback_reporter", "2025-11-21", "report_id=XF-2099-001",
                    "finding=不属实", "method=书面")
    assert err["code"] == "guard.record"
    w.fire(case, "feedback_reporter", "2025-11-21", "report_id=XF-2025-017", "finding=容错免责",
           "method=书面答复")
    w.fire(case, "explain_report_in_scope", "2025-11-21", "report_id=XF-2025-018",
           "finding=查无实据", "scope=局机关内部")
    facts = w.show(case)["facts"]
    assert [r["report_id"] for r in facts["reports"]] == ["XF-2025-017", "XF-2025-018",
                                                          "XF-2025-020"]
    assert [r["kind"] for r in facts["reports"]] == ["实名", "匿名", "实名"]
    assert facts["reports"][0]["reporter_ref"].startswith("rpt-")
    assert facts["reports"][1]["reporter_ref"] is None
    assert [(f["report_id"], f["finding"]) for f in facts["report_findings"]] == [
        ("XF-2025-017", "容错免责"), ("XF-2025-018", "查无实据")]


def test_feedback_of_an_exemption_needs_the_case_exempted(w: Worker) -> None:
    case = _determined(w)
    other: str = w.open("2025-09-26", "孙某", "历城区市场监督管理局", "matter=m")
    w.fire(other, "file", "2025-09-29")
    w.fire(other, "record_report", "2025-09-30", "report_id=XF-2025-040", "kind=匿名",
           "allegation=a")
    w.fire(other, "assign_investigator", "2025-09-30", "investigator=李明")
    w.fire(other, "assign_investigator", "2025-09-30", "investigator=赵芳")
    w.fire(other, "start_verification", "2025-10-09")
    err = w.refused(other, "explain_report_in_scope", "2025-10-10", "report_id=XF-2025-040",
                    "finding=容错免责", "scope=s")
    assert (err["code"], err["article"]) == ("guard.fact_required_when", "历城办法第二十二条")
    w.fire(other, "explain_report_in_scope", "2025-10-10", "report_id=XF-2025-040",
           "finding=不属实", "scope=s")
    assert case


def test_the_identity_is_nowhere_but_in_its_encrypted_row(w: Worker, db_url: str,
                                                          tmp_path: Path) -> None:
    """The grep: events rows, ``audit replay --json``, ``audit export`` (JSON and HTML), the
    case as shown, and every log line — no reporter's name, no contact; the chain verifies;
    the key file is 0600 and outside the database; the stored row is ciphertext."""
    case = _determined(w)
    w.fire(case, "feedback_reporter", "2025-11-21", "report_id=XF-2025-017", "finding=容错免责",
           "method=书面答复")
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        events = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM events"))]
        cases = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM cases"))]
        commands = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM commands"))]
        rows = [dict(r) for r in conn.execute(sa.text("SELECT * FROM reporters")).mappings()]
    engine.dispose()
    replay = w.run("audit", "replay", case, "--json").stdout
    json.loads(replay)
    export_json, export_html = tmp_path / "case.json", tmp_path / "case.html"
    w.run("audit", "export", case, "--format", "json", "--out", str(export_json))
    w.run("audit", "export", case, "--format", "html", "--out", str(export_html))
    shown = w.run("case", "show", case, "--json").stdout
    verify = w.run("audit", "verify")
    assert verify.exit_code == 0
    texts = {
        "events": repr(events), "cases": repr(cases), "commands": repr(commands),
        "audit replay": replay, "export json": export_json.read_text("utf-8"),
        "export html": export_html.read_text("utf-8"), "case show": shown,
        "logs and outputs": "\n".join(w.outputs),
    }
    assert any('"level"' in line for line in texts["logs and outputs"].splitlines())
    for where, text in texts.items():
        for secret in (NAME, CONTACT, SECOND):
            assert secret not in text, f"{secret} found in {where}"
    # what is stored: two rows, ciphertext bound to the case and report, the key elsewhere
    assert sorted(r["report_id"] for r in rows) == ["XF-2025-017", "XF-2025-020"]
    for r in rows:
        assert NAME.encode() not in bytes(r["ciphertext"])
        assert r["case_id"] == w.show(case)["id"]
    key = paths.reporter_key_file()
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text("ascii").strip() not in repr(rows)


def test_reveal_prints_the_identity_and_is_recorded_as_an_event(w: Worker) -> None:
    case = _determined(w)
    before = w.show(case)
    res = w.run("case", "reporter", case, "XF-2025-017", "--reveal", "--reason",
                "核查诬告线索", "--by", "监督科长")
    assert res.stdout.strip() == IDENTITY
    after = w.show(case)
    last = after["events"][-1]
    assert (last["trigger"], last["type"], last["actor"]) == ("access", "ReporterRevealed",
                                                             "监督科长")
    assert last["data"]["report_id"] == "XF-2025-017" and last["data"]["reason"] == "核查诬告线索"
    assert NAME not in json.dumps(last, ensure_ascii=False)
    # the case itself does not change (state, facts, deadlines, what may be done next)
    for k in ("state", "facts", "deadlines", "allowed", "last_on"):
        assert after[k] == before[k], k
    # the second reporter, and an anonymous report that has none
    res = w.run("case", "reporter", case, "XF-2025-020", "--reveal", "--reason", "r",
                "--by", "监督科长")
    assert res.stdout.strip() == SECOND
    res = w.run("case", "reporter", case, "XF-2025-018", "--reveal", "--reason", "r",
                "--by", "监督科长", ok=False)
    assert res.exit_code == 3 and "XF-2025-018" in res.stderr
    # without --reveal nothing is printed
    res = w.run("case", "reporter", case, "XF-2025-017", "--reason", "r", "--by", "x", ok=False)
    assert res.exit_code == 2 and NAME not in res.output
    # the steps after a reveal go on; audit verify (chain and replay) holds
    w.fire(case, "notify", "2025-11-25", "received_on=2025-11-25")
    assert w.run("audit", "verify").exit_code == 0


def test_reveal_on_a_closed_case_is_recorded_too(w: Worker) -> None:
    case = _determined(w)
    w.fire(case, "notify", "2025-11-25", "received_on=2025-11-25")
    w.fire(case, "archive", "2025-12-11")
    assert w.show(case)["closed"] is True
    res = w.run("case", "reporter", case, "XF-2025-017", "--reveal", "--reason", "r",
                "--by", "监督科长")
    assert res.stdout.strip() == IDENTITY
    assert w.show(case)["events"][-1]["type"] == "ReporterRevealed"
    assert w.run("audit", "verify").exit_code == 0


def test_a_key_file_open_to_others_is_refused_and_nothing_is_written(w: Worker) -> None:
    case = _determined(w)
    key = paths.reporter_key_file()
    key.chmod(0o644)
    before = len(w.show(case)["events"])
    res = w.fire(case, "record_report", "2025-11-21", "report_id=XF-2025-050", "kind=实名",
                 "allegation=a", extra=("--reporter", "吴某"), ok=False)
    assert res.exit_code == 3 and "chmod 600" in res.stderr
    assert len(w.show(case)["events"]) == before
    key.chmod(0o600)


def test_a_step_that_records_no_report_takes_no_identity(w: Worker) -> None:
    case = _determined(w)
    res = w.fire(case, "notify", "2025-11-25", "received_on=2025-11-25",
                 extra=("--reporter", "吴某"), ok=False)
    assert res.exit_code == 3 and "reporter.not_a_report_step" not in res.stdout
    assert "吴某" not in res.output


def test_a_report_moves_no_deadline(w: Worker) -> None:
    """Reports have no period in any source: recording one, or its feedback, leaves every
    deadline where 历城办法第十七条 put it (filed 09-29 + 30 days = 10-29; the 5 working days of
    filing, 09-28 a worked Sunday, end 10-10)."""
    case: str = w.open("2025-09-26", "张某", "历城区市场监督管理局", "matter=m")
    w.fire(case, "file", "2025-09-29")
    expected = {"filing": ("2025-10-10", "met"), "investigation": ("2025-10-29", "running")}
    assert w.deadlines(case) == expected
    w.fire(case, "record_report", "2025-09-30", "report_id=XF-1", "kind=匿名", "allegation=a")
    assert w.deadlines(case) == expected
