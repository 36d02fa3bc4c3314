"""BYT-10 through the CLI, on SQLite and PostgreSQL: the tolerance family's reports (信访举报)
are records of the case (C4) exactly as Licheng's (``record_report`` with its ``report_id`` and
kind 实名 / 匿名, the reporter's identity given with ``case fire … --reporter`` and kept by the
vault); feedback goes to a real-name report only and the explanation within a scope to an
anonymous one only, each refusal citing the definition's article:

* 白音他拉制度第十八条, 蒲县容错制度第十九条, 通用办法第十九条 — "属实名举报的，按规定向举报人反馈
  结果；属匿名举报的，在一定范围内说明情况".

The reporter's name is in no row of ``events``/``cases``/``commands``, no ``audit replay``,
no export, no ``case show`` and no log line (the pattern of ``test_reporters.py``); only
``case reporter … --reveal`` reads it back, as an event of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from rongcuo.entrypoints.cli.main import cli
from tests.support.logs import logs_as_json
from tests.support.procedure_cli import Worker

NAME = "孟繁星"
CONTACT = "13700002222"
IDENTITY = f"{NAME}，电话{CONTACT}"

SIX = ("subjective=出于公心", "objective=情况紧急", "procedure_method=程序基本合规",
       "nature_degree=情节轻微", "consequence=未造成重大损失", "loss_recovered=已挽回")
# workflow: (article of the reports, decider, exemption items); each case opens on a report
FAMILY = {
    "baiyintala": ("白音他拉制度第十八条", "苏木党委", "10.4,10-2.1,10-2.2,10-2.3"),
    "pu_tolerance": ("蒲县容错制度第十九条", "所在单位党组", "11.1,11-2.1,11-2.2,11-2.3"),
    "generic": ("通用办法第十九条", "所在单位党组", "11.1,11-2.1,11-2.2,11-2.3"),
}


@pytest.fixture
def debug_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every log line, as JSON, to the commands' stderr (which the worker keeps)."""
    yield from logs_as_json(monkeypatch, "DEBUG")


@pytest.mark.parametrize("workflow", sorted(FAMILY))
def test_byt_10_reports_feedback_and_explanation_through_the_cli(
        db_url: str, debug_logs: None, workflow: str, tmp_path: Path) -> None:
    art, decider, exempt = FAMILY[workflow]
    w = Worker(db_url, workflow, by="执法队")
    w.run("db", "upgrade")
    if workflow == "generic":
        res = w.runner.invoke(cli, ["workflows", "configure", "generic", "--set",
                                    "notice_days=7"])
        assert res.exit_code == 0, res.output
    case: str = w.open("2026-02-02", "张某", "综合行政执法队", "matter=占道经营处罚",
                       "source=信访举报")
    # a real-name report needs its reporter (policy: whom would the feedback reach?)
    err = w.refused(case, "record_report", "2026-02-02", "report_id=XF-1", "kind=实名",
                    "allegation=a")
    assert (err["code"], err["article"]) == ("input.required_when", art)
    w.fire(case, "record_report", "2026-02-02", "report_id=XF-1", "kind=实名",
           "channel=12345热线", "allegation=执法拖延", extra=("--reporter", IDENTITY))
    w.fire(case, "record_report", "2026-02-02", "report_id=XF-2", "kind=匿名",
           "allegation=同一问题")
    err = w.refused(case, "record_report", "2026-02-03", "report_id=XF-2", "kind=匿名",
                    "allegation=a")
    assert (err["code"], err["article"]) == ("guard.record", art)
    w.fire(case, "start_verification", "2026-02-03", "verified_by=执法队")
    w.fire(case, "determine", "2026-02-10", "outcome=exempted", f"items={exempt}",
           f"decided_by={decider}", *SIX)
    # feedback to the anonymous report, an explanation for the real-name one: refused
    err = w.refused(case, "feedback_reporter", "2026-02-11", "report_id=XF-2", "finding=不属实")
    assert (err["code"], err["article"]) == ("guard.record", art)
    err = w.refused(case, "explain_in_scope", "2026-02-11", "report_id=XF-1", "finding=不属实",
                    "scope=执法队内部")
    assert (err["code"], err["article"]) == ("guard.record", art)
    err = w.refused(case, "feedback_reporter", "2026-02-11", "report_id=XF-9", "finding=不属实")
    assert (err["code"], err["article"]) == ("guard.record", art)
    w.fire(case, "feedback_reporter", "2026-02-11", "report_id=XF-1", "finding=容错免责",
           "method=书面答复")
    w.fire(case, "explain_in_scope", "2026-02-11", "report_id=XF-2", "finding=容错免责",
           "scope=执法队内部")
    facts = w.show(case)["facts"]
    assert [(r["report_id"], r["kind"]) for r in facts["reports"]] == [("XF-1", "实名"),
                                                                      ("XF-2", "匿名")]
    assert facts["reports"][0]["reporter_ref"].startswith("rpt-")
    assert facts["reports"][1]["reporter_ref"] is None
    assert [(f["report_id"], f["finding"]) for f in facts["report_findings"]] == [
        ("XF-1", "容错免责"), ("XF-2", "容错免责")]

    # the identity: in no record, no output, no log line; read back only by --reveal
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        rows = {t: repr([tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t}"))])
                for t in ("events", "cases", "commands")}
        stored = [dict(r) for r in conn.execute(sa.text("SELECT * FROM reporters")).mappings()]
    engine.dispose()
    replay = w.run("audit", "replay", case, "--json").stdout
    json.loads(replay)
    export = tmp_path / "case.json"
    w.run("audit", "export", case, "--format", "json", "--out", str(export))
    texts = {**rows, "audit replay": replay, "export": export.read_text("utf-8"),
             "case show": w.run("case", "show", case, "--json").stdout,
             "logs and outputs": "\n".join(w.outputs)}
    assert any('"level"' in line for line in texts["logs and outputs"].splitlines())
    for where, text in texts.items():
        for secret in (NAME, CONTACT):
            assert secret not in text, f"{secret} found in {where}"
    assert [r["report_id"] for r in stored] == ["XF-1"]
    assert NAME.encode() not in bytes(stored[0]["ciphertext"])
    res = w.run("case", "reporter", case, "XF-1", "--reveal", "--reason", "核查诬告线索",
                "--by", "队长")
    assert res.stdout.strip() == IDENTITY
    assert w.show(case)["events"][-1]["type"] == "ReporterRevealed"
    assert w.run("audit", "verify").exit_code == 0
