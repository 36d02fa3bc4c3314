"""Corrections of the record (issue 15), as a case worker runs them, on SQLite and PostgreSQL:
``case amend`` (更正), ``case void`` (撤销), ``case withdraw`` (误录撤回).

The Licheng case below (历城办法第十三条至第十六条): opened 2025-09-26, filed 2025-09-29 (the
investigation period of art. 17 — 30 days — starts with the filing, so it is due 2025-10-29),
two investigators assigned on 2025-09-30, verification started 2025-10-09 (art. 16 needs two
investigators who are not recused).  Every correction is a new chained event: ``audit verify``
stays sound, and ``audit replay --as-of`` an instant before the correction shows the record
as it stood.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.entrypoints.cli.main import cli

RECORDED = "2026-01-10T02:00:00+00:00"  # 10:00 CST: the steps are recorded
CORRECTED = "2026-01-12T02:00:00+00:00"  # two days later: the correction
BETWEEN = "2026-01-11"  # the end of that CST day: after the steps, before the correction


class Worker:
    def __init__(self, db: str) -> None:
        self.db = db
        self.runner = CliRunner()

    def run(self, *args: str, ok: bool = True, at: str = RECORDED) -> Any:
        with freeze_time(at):
            res = self.runner.invoke(cli, [*args, "--db", self.db], catch_exceptions=False)
        if ok:
            assert res.exit_code == 0, res.output
        return res

    def open(self, subject: str = "张某") -> str:
        res = self.run("case", "open", "--workflow", "licheng", "--subject", subject,
                       "--agency", "历城区市场监督管理局", "--on", "2025-09-26", "--by", "监督科",
                       "--set", "matter=超期作出行政处罚决定")
        return str(res.stdout.strip().splitlines()[-1])

    def fire(self, case: str, trigger: str, on: str, *sets: str) -> None:
        args = ["case", "fire", case, trigger, "--on", on, "--by", "监督科"]
        for s in sets:
            args += ["--set", s]
        self.run(*args)

    def show(self, case: str) -> dict[str, Any]:
        return dict(json.loads(self.run("case", "show", case, "--json").stdout))

    def due(self, case: str) -> dict[str, tuple[str | None, str]]:
        return {d["timer"]: (d["due"], d["status"]) for d in self.show(case)["deadlines"]}

    def verify(self) -> dict[str, Any]:
        res = self.run("audit", "verify", "--json")
        doc = dict(json.loads(res.stdout))
        assert doc["ok"] is True and doc["broken"] == [], doc
        return doc


@pytest.fixture
def worker(db_url: str) -> Worker:
    w = Worker(db_url)
    w.run("db", "upgrade")
    return w


def _verifying(w: Worker) -> str:
    c = w.open()
    w.fire(c, "file", "2025-09-29")
    w.fire(c, "assign_investigator", "2025-09-30", "investigator=李明")
    w.fire(c, "assign_investigator", "2025-09-30", "investigator=赵芳")
    w.fire(c, "start_verification", "2025-10-09")
    return c


def _refused(res: Any, code: str) -> dict[str, Any]:
    assert res.exit_code == 3, res.output
    doc = json.loads(res.stdout or res.stderr)  # the CLI prints refusals on stderr
    assert doc["error"] == code, doc
    return dict(doc)


def test_amend_a_date_moves_the_deadline_and_replay_before_it_shows_the_original(
        worker: Worker) -> None:
    """立案 was on 2025-09-28, not 09-29: the investigation period (art. 17) is re-derived from
    the corrected date; the original stays in the history, linked to its correction; as of
    the day before the correction the record shows the original date and due date."""
    w = worker
    c = _verifying(w)
    assert w.due(c)["investigation"] == ("2025-10-29", "running")
    res = w.run("case", "amend", c, "2", "--on", "2025-09-28", "--reason", "立案日期录入错误",
                "--by", "监督科", "--approved-by", "王主任", at=CORRECTED)
    assert "已更正：序号 2" in res.stdout
    doc = w.show(c)
    assert doc["withdrawn"] is False
    assert w.due(c)["investigation"] == ("2025-10-28", "running")
    ev = {e["seq"]: e for e in doc["events"]}
    assert ev[2]["on"] == "2025-09-29" and ev[2]["superseded_by"] == 6  # the original stays
    assert ev[6]["trigger"] == "correction.amend" and ev[6]["superseded_by"] is None
    assert ev[6]["data"]["target"] == 2 and ev[6]["data"]["on"] == "2025-09-28"
    assert ev[6]["data"]["approved_by"] == "王主任" and ev[6]["prev_hash"] == ev[5]["hash"]
    assert all(e["voided_by"] is None for e in doc["events"])
    assert doc["facts"]["filed_on"] == "2025-09-28"
    hist = w.run("case", "history", c).stdout
    assert "〔已更正，见序号 6〕" in hist and "日期 2025-09-29 → 2025-09-28" in hist
    w.verify()
    then = json.loads(w.run("audit", "replay", c, "--as-of", BETWEEN, "--json").stdout)
    assert [e["seq"] for e in then["events"]] == [1, 2, 3, 4, 5]
    assert then["events"][1]["superseded_by"] is None
    assert {d["timer"]: d["due"] for d in then["deadlines"]}["investigation"] == "2025-10-29"
    assert then["facts"]["filed_on"] == "2025-09-29"
    now = json.loads(w.run("audit", "replay", c, "--json").stdout)
    assert {d["timer"]: d["due"] for d in now["deadlines"]}["investigation"] == "2025-10-28"
    assert now["events"][1]["superseded_by"] == 6
    html = w.run("audit", "export", c, "--format", "html").stdout
    assert "已更正，见序号 6" in html and "立案日期录入错误" in html


def test_amend_data_and_amend_again(worker: Worker) -> None:
    """An investigator's name recorded wrongly, corrected twice: the case's facts hold the last
    correction, and each amendment is superseded by the next."""
    w = worker
    c = _verifying(w)
    w.run("case", "amend", c, "3", "--set", "investigator=李敏", "--reason", "姓名录错",
          "--by", "监督科", at=CORRECTED)
    w.run("case", "amend", c, "3", "--set", "investigator=李明华", "--reason", "全名",
          "--by", "监督科", at=CORRECTED)
    doc = w.show(c)
    assert doc["facts"]["investigators"] == ["李明华", "赵芳"]
    ev = {e["seq"]: e for e in doc["events"]}
    assert (ev[3]["superseded_by"], ev[6]["superseded_by"], ev[7]["superseded_by"]) == (6, 7, None)
    assert ev[3]["data"]["investigator"] == "李明"  # the record is never edited
    w.verify()


def test_void_refuses_while_a_later_step_depends_on_it_then_voids_in_order(
        worker: Worker) -> None:
    """开始核实 needs two investigators (art. 16): voiding the second assignment is refused,
    naming the verification that depends on it; voiding the verification first, then the
    assignment, rebuilds the case as filed, waiting again for a second investigator (so
    verification is not offered: "allowed now" lists only steps whose guards hold)."""
    w = worker
    c = _verifying(w)
    version = w.show(c)["version"]
    doc = _refused(w.run("case", "void", c, "4", "--reason", "未指派", "--by", "监督科",
                         "--json", ok=False, at=CORRECTED), "correction.dependent_step")
    assert "序号 5" in doc["message_zh"] and "开始核实" in doc["message_zh"]
    assert "seq 5" in doc["message_en"] and doc["article"] == "历城办法第十六条"
    assert w.show(c)["version"] == version  # nothing written
    w.run("case", "void", c, "5", "--reason", "尚未开始核实", "--by", "监督科", at=CORRECTED)
    w.run("case", "void", c, "4", "--reason", "未指派", "--by", "监督科", at=CORRECTED)
    doc = w.show(c)
    assert doc["state"] == "filed" and doc["facts"]["investigators"] == ["李明"]
    assert "assign_investigator" in doc["allowed"] and doc["last_on"] == "2025-09-30"
    assert "start_verification" not in doc["allowed"]  # one investigator: art. 16 needs two
    ev = {e["seq"]: e for e in doc["events"]}
    assert (ev[4]["voided_by"], ev[5]["voided_by"]) == (7, 6)
    w.verify()
    then = json.loads(w.run("audit", "replay", c, "--as-of", BETWEEN, "--json").stdout)
    assert then["state"] == "verifying" and then["events"][4]["voided_by"] is None


def test_refusals_name_the_problem(worker: Worker) -> None:
    """A date that breaks the order of the procedure (the later assignment would precede the
    filing), a seq that does not exist, the opening voided, an approver who made the entry, a
    blank reason, nothing to amend: each refused in Chinese and English, nothing written."""
    w = worker
    c = _verifying(w)
    version = w.show(c)["version"]
    doc = _refused(w.run("case", "amend", c, "2", "--on", "2025-10-01", "--reason", "x", "--by",
                         "监督科", "--json", ok=False), "correction.breaks_later_step")
    assert "序号 3" in doc["message_zh"] and "历城办法第十六条" in doc["message_zh"]
    assert "2025-10-01" in doc["message_en"]
    _refused(w.run("case", "amend", c, "99", "--on", "2025-10-01", "--reason", "x", "--by",
                   "监督科", "--json", ok=False), "correction.unknown_seq")
    _refused(w.run("case", "void", c, "1", "--reason", "x", "--by", "监督科", "--json",
                   ok=False), "correction.opening_void")
    _refused(w.run("case", "void", c, "5", "--reason", "x", "--by", "监督科", "--approved-by",
                   "监督科", "--json", ok=False), "correction.same_approver")
    _refused(w.run("case", "void", c, "5", "--reason", "  ", "--by", "监督科", "--json",
                   ok=False), "correction.reason_blank")
    _refused(w.run("case", "amend", c, "3", "--set", "investigator=李明", "--reason", "x",
                   "--by", "监督科", "--json", ok=False), "correction.nothing")
    _refused(w.run("case", "amend", c, "3", "--set", "colour=red", "--reason", "x",
                   "--by", "监督科", "--json", ok=False), "correction.unknown_field")
    _refused(w.run("case", "amend", c, "1", "--on", "2025-09-25", "--reason", "x",
                   "--by", "监督科", "--json", ok=False), "correction.opening_identity")
    res = w.run("case", "amend", c, "5", "--on", "2026-02-01", "--reason", "x", "--by",
                "监督科", "--json", ok=False)
    _refused(res, "date.future")
    assert w.show(c)["version"] == version
    w.verify()


def test_withdraw_leaves_lists_sweeps_and_counts_and_keeps_the_number(worker: Worker) -> None:
    """A case opened by mistake (its filing period of 5 working days long overdue) is
    withdrawn: closed, every period cancelled, out of `case list` and `--overdue`, no overdue
    mark from the sweep, not counted as opened in the tolerance report (art. 19); its number
    is never reused, and nothing more can be recorded or corrected on it."""
    w = worker
    mistake = w.open("误录某")
    real = w.open("张某")
    w.fire(real, "file", "2025-09-29")  # its investigation period is long overdue
    number = w.show(mistake)["number"]
    w.run("case", "withdraw", mistake, "--on", "2025-09-27", "--reason", "重复录入",
          "--by", "监督科", at=CORRECTED)
    doc = w.show(mistake)
    assert doc["withdrawn"] is True and doc["closed"] is True and doc["number"] == number
    assert {d["status"] for d in doc["deadlines"]} == {"cancelled"}
    assert doc["allowed"] == []
    listed = json.loads(w.run("case", "list", "--json").stdout)
    assert [x["id"] for x in listed] == [real]
    overdue = json.loads(w.run("case", "list", "--overdue", "--as-of", "2026-01-10",
                               "--json").stdout)
    assert [x["id"] for x in overdue] == [real]
    assert [x["id"] for x in json.loads(w.run("case", "list", "--withdrawn", "--json").stdout)
            ] == [mistake]
    w.run("scheduler", "sweep", "--now", "2026-01-12T09:00:00+08:00", at=CORRECTED)
    assert len(w.show(mistake)["events"]) == 2  # the opening and the withdrawal, nothing owed
    assert any(e["type"] == "DeadlineOverdue" for e in w.show(real)["events"])
    report = json.loads(w.run("report", "tolerance", "--period", "2025-Q3", "--format",
                              "json").stdout)
    assert report["figures"]["opened"]["value"] == 1
    res = w.run("case", "fire", mistake, "file", "--on", "2025-09-29", "--by", "监督科",
                ok=False)
    assert res.exit_code == 3 and "误录撤回" in res.output
    _refused(w.run("case", "amend", mistake, "1", "--set", "matter=另一事项", "--reason", "x",
                   "--by", "监督科", "--json", ok=False), "case.withdrawn")
    _refused(w.run("case", "withdraw", mistake, "--on", "2025-09-28", "--reason", "x",
                   "--by", "监督科", "--json", ok=False), "case.withdrawn")
    third = w.open("李某")
    assert w.show(third)["number"] == number.replace("1号", "3号")
    w.verify()
    html = w.run("audit", "export", mistake, "--format", "html").stdout
    assert "已误录撤回" in html and "重复录入" in html


def test_void_after_a_sweep_drops_the_period_and_its_notices(worker: Worker) -> None:
    """The sweep recorded reminders, the overdue mark and the escalation rungs of the
    investigation period (art. 17) started by a filing that never happened: voiding the filing
    removes the period and its deadline row, the notices no longer count (they stay in the
    log), the case is back to received — and the log still verifies."""
    w = worker
    c = w.open()
    w.fire(c, "file", "2025-09-29")
    w.run("scheduler", "sweep", "--now", "2026-01-10T09:00:00+08:00")
    doc = w.show(c)
    assert doc["deadlines"] and any(e["type"] == "DeadlineOverdue" for e in doc["events"])
    last = doc["events"][-1]["seq"]
    w.run("case", "void", c, "2", "--reason", "并未立案", "--by", "监督科", at=CORRECTED)
    doc = w.show(c)
    assert doc["state"] == "received" and "investigation" not in w.due(c)
    assert doc["events"][1]["voided_by"] == last + 1
    w.verify()
    w.run("scheduler", "sweep", "--now", "2026-01-12T09:00:00+08:00", at=CORRECTED)
    w.verify()
