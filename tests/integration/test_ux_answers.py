"""Issue 15 §4 — answers that look true but are not, as a case worker meets them in the CLI:
an unknown filter value, a mistyped database path, text without limits, a window that does
not apply (巴南办法第十六条), a closed case listed as overdue, steps offered that their guards
refuse, and a sweep after an outage that would send reminders for a date already past — on
SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo.entrypoints.cli.main import cli
from tests.integration.test_case_cli import Worker, _open_filed


@pytest.fixture
def worker(db_url: str) -> Worker:
    w = Worker(db_url)
    w.run("db", "upgrade")
    return w


def _banan(w: Worker, started_by: str) -> str:
    res = w.run("case", "open", "--workflow", "banan", "--subject", "王某", "--agency",
                "区纪委监委", "--on", "2025-10-13", "--by", "纪检组", "--set", "matter=未按期巡查",
                "--set", f"started_by={started_by}")
    return str(res.stdout.strip().splitlines()[-1])


def test_unknown_state_or_workflow_is_refused_by_name(worker: Worker) -> None:
    _open_filed(worker)
    res = worker.run("case", "list", "--state", "filled", ok=False)
    assert res.exit_code == 3
    assert "没有状态“filled”" in res.stderr and "no state 'filled'" in res.stderr
    res = worker.run("case", "list", "--workflow", "lichen", ok=False)
    assert res.exit_code == 3 and "没有流程“lichen”" in res.stderr


def test_state_filter_accepts_the_label_list_prints(worker: Worker) -> None:
    case = _open_filed(worker)
    shown = worker.run("case", "list").stdout
    assert "已立案" in shown
    by_label = worker.run("case", "list", "--state", "已立案", "--json").stdout
    assert [c["id"] for c in json.loads(by_label)] == [case]
    by_code = worker.run("case", "list", "--state", "filed", "--workflow", "licheng",
                         "--json").stdout
    assert [c["id"] for c in json.loads(by_code)] == [case]


def test_read_only_commands_never_create_a_database(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = tmp_path / "typo" / "cases.sqlite3"
    for args in (["case", "list"], ["case", "show", "X"], ["case", "history", "X"],
                 ["obligations", "bodies"]):
        res = runner.invoke(cli, [*args, "--db", str(missing)])
        assert res.exit_code == 3, (args, res.output)
        assert f"数据库文件不存在：{missing}" in res.stderr, res.stderr
    assert not missing.parent.exists()


def test_text_beyond_the_declared_limit_is_refused_naming_field_and_limit(
    worker: Worker,
) -> None:
    res = worker.run("case", "open", "--workflow", "licheng", "--subject", "张某", "--agency",
                     "历城区市场监督管理局", "--on", "2025-09-26", "--by", "监督科",
                     "--set", "matter=" + "超" * 100_000, ok=False)
    assert res.exit_code == 3
    first = res.stderr.splitlines()[0]
    assert "matter（事项）不能超过 2000 个字符（收到 100000 个）" in first
    assert "must be at most 2000 characters" in res.stderr
    case = _open_filed(worker)
    res = worker.fire(case, "assign_investigator", "2025-09-30",
                      "investigator=" + "李" * 100_000, ok=False)
    assert res.exit_code == 3 and "不能超过 50 个字符" in res.stderr
    assert len(worker.show(case)["events"]) == 2  # nothing written


def test_banan_case_started_by_the_party_group_has_no_proposal_window(worker: Worker) -> None:
    case = _banan(worker, "局党组")
    doc = worker.show(case)
    assert doc["workflow_version"] == "3"
    assert doc["deadlines"] == []
    assert "apply" not in doc["allowed"] and "lapse" not in doc["allowed"]
    assert "determine" in doc["allowed"]
    sweep = worker.run("scheduler", "sweep", "--now", "2025-12-01T00:05", "--json").stdout
    assert json.loads(sweep)["recorded"] == 0
    listed = worker.run("case", "list", "--overdue", "--as-of", "2025-12-01", "--json").stdout
    assert json.loads(listed) == []
    # another accountability body's case keeps its window (art. 16)
    other = _banan(worker, "其他追责问责机关")
    assert [d["timer"] for d in worker.show(other)["deadlines"]] == ["filing"]


def test_a_lapsed_case_is_not_listed_as_overdue(worker: Worker) -> None:
    case = _banan(worker, "其他追责问责机关")
    worker.run("scheduler", "sweep", "--now", "2025-10-21T00:05")
    assert worker.show(case)["state"] == "lapsed"
    listed = worker.run("case", "list", "--overdue", "--as-of", "2025-12-01", "--json").stdout
    assert json.loads(listed) == []


def test_allowed_now_leaves_out_steps_whose_guards_refuse(worker: Worker) -> None:
    case = _open_filed(worker)
    # two investigators are needed before verification (历城办法第十六条)
    assert "start_verification" not in worker.show(case)["allowed"]
    worker.fire(case, "assign_investigator", "2025-09-30", "investigator=李明")
    worker.fire(case, "assign_investigator", "2025-09-30", "investigator=赵芳")
    allowed = worker.show(case)["allowed"]
    assert "start_verification" in allowed and "assign_investigator" in allowed


def test_a_catch_up_sweep_records_no_stale_reminders_and_says_so(worker: Worker) -> None:
    case = _open_filed(worker)  # filed 2025-09-29: investigation due 2025-10-29
    res = worker.run("scheduler", "sweep", "--now", "2025-12-01T00:05")
    assert "补记" in res.stdout and "caught up" in res.stdout
    notices = [e["data"].get("notice") for e in worker.show(case)["events"]
               if e["trigger"] == "notice"]
    assert notices and not any(str(n).startswith("reminder") for n in notices)
    assert "overdue" in notices
    again = worker.run("scheduler", "sweep", "--now", "2025-12-02T00:05", "--json").stdout
    assert not any(n["notice"].startswith("reminder") for n in json.loads(again)["notices"])
    assert worker.run("audit", "verify").exit_code == 0
    history = worker.run("case", "history", case).stdout
    assert "到期前3个工作日" not in history
