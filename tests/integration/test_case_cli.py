"""The case worker's CLI (issue 4) over the Licheng procedure (历城办法, seeds/004): the full
path with dates around National Day 2025 and New Year 2026, the transfer branch, and the
refusals — on SQLite and on PostgreSQL.

Calendars used by hand below (国办发明电〔2024〕12号 and the 2026 notice): National Day 2025 is
10-01..10-08 off with 09-28 (Sun) and 10-11 (Sat) worked; New Year 2026 is 01-01..01-03 off
with 01-04 (Sun) worked.  Periods: the start day is not counted and a last day on a rest day
rolls to the next working day (Civil Code art. 201, 203).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.bootstrap import bootstrap
from rongcuo.domain.chain import verify_chain
from rongcuo.entrypoints.cli.main import cli

TODAY = "2026-01-10T02:00:00+00:00"  # 10:00 CST, 2026-01-10


class Worker:
    """Runs ``rongcuo`` commands against one database, as a case worker would."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.runner = CliRunner()

    def run(self, *args: str, ok: bool = True) -> Any:
        with freeze_time(TODAY):
            res = self.runner.invoke(cli, [*args, "--db", self.db], catch_exceptions=False)
        if ok:
            assert res.exit_code == 0, res.output
        return res

    def open(self, on: str, *sets: str) -> str:
        args = [
            "case",
            "open",
            "--workflow",
            "licheng",
            "--subject",
            "张某",
            "--agency",
            "历城区市场监督管理局",
            "--on",
            on,
            "--by",
            "监督科",
        ]
        for s in sets:
            args += ["--set", s]
        return str(self.run(*args).stdout.strip().splitlines()[-1])

    def fire(self, case: str, trigger: str, on: str, *sets: str, ok: bool = True) -> Any:
        args = ["case", "fire", case, trigger, "--on", on, "--by", "监督科"]
        for s in sets:
            args += ["--set", s]
        return self.run(*args, ok=ok)

    def show(self, case: str) -> dict[str, Any]:
        return dict(json.loads(self.run("case", "show", case, "--json").stdout))

    def deadlines(self, case: str) -> dict[str, tuple[str | None, str]]:
        return {d["timer"]: (d["due"], d["status"]) for d in self.show(case)["deadlines"]}


@pytest.fixture
def worker(db_url: str) -> Worker:
    w = Worker(db_url)
    w.run("db", "upgrade")  # PostgreSQL is migrated explicitly; SQLite would migrate itself
    return w


def _open_filed(w: Worker) -> str:
    case = w.open("2025-09-26", "matter=超期作出行政处罚决定", "source=supervision_case")
    w.fire(case, "file", "2025-09-29")
    return case


def _verifying(w: Worker) -> str:
    case = _open_filed(w)
    w.fire(case, "assign_investigator", "2025-09-30", "investigator=李明")
    w.fire(case, "assign_investigator", "2025-09-30", "investigator=赵芳")
    w.fire(case, "start_verification", "2025-10-09")
    return case


# (trigger, date, data, every deadline expected afterwards: timer -> (due, status))
FULL_PATH: list[tuple[str, str, tuple[str, ...], dict[str, tuple[str | None, str]]]] = [
    # 5 working days (巴南办法第十六条, borrowed): 09-28(Sun, worked), 09-29, 09-30, 10-09, 10-10
    (
        "open",
        "2025-09-26",
        ("matter=超期作出行政处罚决定", "source=supervision_case"),
        {"filing": ("2025-10-10", "running")},
    ),
    # 30 days from filing (历城办法第十七条): 09-29 + 30 = 10-29 (Wed)
    (
        "file",
        "2025-09-29",
        (),
        {"filing": ("2025-10-10", "met"), "investigation": ("2025-10-29", "running")},
    ),
    ("assign_investigator", "2025-09-30", ("investigator=李明",), {}),
    ("assign_investigator", "2025-09-30", ("investigator=赵芳",), {}),
    ("start_verification", "2025-10-09", (), {}),
    # appraisal time is not counted (历城办法第十六条): the clock stops, no due date meanwhile
    ("pause_clock", "2025-10-10", ("kind=鉴定",), {"investigation": (None, "paused")}),
    # paused 10-10..10-19 (10 days): 10-29 + 10 = 11-08 (Sat, rest) -> 11-10 (Mon)
    ("resume_clock", "2025-10-20", (), {"investigation": ("2025-11-10", "running")}),
    # extension ≤ 30 days with the head's approval (历城办法第十七条), counted from the
    # original last day 11-08: + 30 = 12-08 (Mon)
    (
        "extend_investigation",
        "2025-10-27",
        ("days=30", "approved_by=王主任"),
        {"investigation": ("2025-12-08", "running")},
    ),
    ("hear_statement", "2025-11-03", (), {}),
    # decision notified within 7 days (历城办法第十七条): 11-20 + 7 = 11-27 (Thu)
    (
        "determine",
        "2025-11-20",
        ("outcome=exempted", "items=10.2", "correction_required=true"),
        {"investigation": ("2025-12-08", "met"), "notice": ("2025-11-27", "running")},
    ),
    # review may be requested within 15 days of receipt (历城办法第十九条): 11-25 + 15 = 12-10
    (
        "notify",
        "2025-11-25",
        ("received_on=2025-11-25",),
        {"notice": ("2025-11-27", "met"), "review_window": ("2025-12-10", "running")},
    ),
    # correction within a set period (历城办法第二十条): 12-15 + 17 = 2026-01-01 (New Year,
    # rest 01-01..01-03) -> 2026-01-04 (Sun, an adjusted working day)
    (
        "order_correction",
        "2025-12-15",
        ("days=17", "items=补正处罚决定书"),
        {"review_window": ("2025-12-10", "cancelled"), "correction": ("2026-01-04", "running")},
    ),
    ("complete_correction", "2026-01-04", (), {"correction": ("2026-01-04", "met")}),
    ("archive", "2026-01-05", (), {}),
]


def test_full_licheng_path_shows_every_deadline_around_national_day_and_new_year(
    worker: Worker,
) -> None:
    """立案→核实→认定→反馈→纠错→归档 (历城办法第十四条) through the CLI; after every step
    each deadline shown is the one derived by hand above (articles 15–20)."""
    expected: dict[str, tuple[str | None, str]] = {}
    case = ""
    for trigger, on, sets, changes in FULL_PATH:
        if trigger == "open":
            case = worker.open(on, *sets)
        else:
            worker.fire(case, trigger, on, *sets)
        expected.update(changes)
        assert worker.deadlines(case) == expected, f"after {trigger} on {on}"
    shown = worker.show(case)
    assert (shown["state"], shown["closed"]) == ("archived", True)
    assert [e["trigger"] for e in shown["events"]] == [s[0] for s in FULL_PATH]
    assert [e["on"] for e in shown["events"]] == [s[1] for s in FULL_PATH]


def test_stored_case_state_equals_the_replay_of_its_events(worker: Worker) -> None:
    """The case row is a projection: it equals ``engine.replay(events)`` (auditors check it),
    and the chain of the whole log verifies."""
    case = _verifying(worker)
    worker.fire(case, "pause_clock", "2025-10-10", "kind=鉴定")
    app = bootstrap(worker.db)
    rec = app.store.load_case(case)
    events = app.store.case_events(rec.id)
    engine = app.engine_for(rec.workflow_id, rec.workflow_version)
    assert engine.replay(e.to_event() for e in events) == rec.state
    assert verify_chain(e.hashed_fields() for e in app.store.iter_events()) == []
    app.close()


def test_transfer_branch_counts_from_receipt_and_rolls_over_national_day(worker: Worker) -> None:
    """Transfer to the enforcement agency (历城办法第十五条): handled within 30 days of receipt,
    the result reported within 7 days; both last days fall in National Day and roll to 10-09."""
    case = worker.open("2025-08-28", "matter=未及时立案")
    # 5 working days from 08-28: 08-29, 09-01, 09-02, 09-03, 09-04
    assert worker.deadlines(case) == {"filing": ("2025-09-04", "running")}
    worker.fire(case, "file", "2025-08-29")
    # 08-29 + 30 = 09-28, a Sunday but an adjusted working day: no rollover
    assert worker.deadlines(case)["investigation"] == ("2025-09-28", "running")
    worker.fire(case, "transfer", "2025-09-01", "received_on=2025-09-01")
    assert worker.deadlines(case) == {
        "filing": ("2025-09-04", "met"),
        "investigation": ("2025-09-28", "cancelled"),
        "transfer_handling": ("2025-10-09", "running"),  # 09-01 + 30 = 10-01 -> 10-09
    }
    worker.fire(case, "agency_handled", "2025-09-26")
    dls = worker.deadlines(case)
    assert dls["transfer_handling"] == ("2025-10-09", "met")
    assert dls["transfer_report"] == ("2025-10-09", "running")  # 09-26 + 7 = 10-03 -> 10-09
    worker.fire(case, "agency_reported", "2025-10-09")
    shown = worker.show(case)
    assert (shown["state"], shown["closed"]) == ("archived", True)
    assert worker.deadlines(case)["transfer_report"] == ("2025-10-09", "met")


def _events(w: Worker, case: str) -> list[dict[str, Any]]:
    return list(w.show(case)["events"])


def test_a_step_not_open_in_the_state_is_refused_with_article_and_allowed_steps(
    worker: Worker,
) -> None:
    """Determination comes after verification (历城办法第十四条、第十七条): refused, exit 3,
    the message names the article and the steps open now; nothing is written."""
    case = _open_filed(worker)
    before = _events(worker, case)
    res = worker.fire(case, "determine", "2025-10-09", "outcome=exempted", "items=10.2", ok=False)
    assert res.exit_code == 3
    assert "历城办法第十七条" in res.stderr and "start_verification" in res.stderr
    assert _events(worker, case) == before


def test_a_step_dated_before_the_previous_step_is_refused(worker: Worker) -> None:
    """Steps may be recorded after the fact but never before the previous step (issue 4)."""
    case = _open_filed(worker)
    before = _events(worker, case)
    res = worker.fire(case, "assign_investigator", "2025-09-28", "investigator=李明", ok=False)
    assert res.exit_code == 3 and "2025-09-29" in res.stderr
    assert _events(worker, case) == before


def test_a_step_dated_in_the_future_is_refused(worker: Worker) -> None:
    """Never in the future: today is 2026-01-10 in CST (issue 4)."""
    case = _open_filed(worker)
    before = _events(worker, case)
    res = worker.fire(case, "assign_investigator", "2026-01-11", "investigator=李明", ok=False)
    assert res.exit_code == 3
    assert "未来日期" in res.stderr and "future date" in res.stderr
    assert "assign_investigator" in res.stderr  # what is allowed instead
    assert _events(worker, case) == before


def test_a_step_on_a_closed_case_is_refused(worker: Worker) -> None:
    """An archived case (历城办法第十四条 归档) takes no more steps."""
    case = worker.open("2025-08-28", "matter=未及时立案")
    worker.fire(case, "file", "2025-08-29")
    worker.fire(case, "transfer", "2025-09-01", "received_on=2025-09-01")
    worker.fire(case, "agency_handled", "2025-09-26")
    worker.fire(case, "agency_reported", "2025-10-09")
    before = _events(worker, case)
    res = worker.fire(case, "file", "2025-10-10", ok=False)
    assert res.exit_code == 3
    assert _events(worker, case) == before


def test_opening_on_a_future_date_is_refused_and_opens_nothing(worker: Worker) -> None:
    """No case is opened with a business date after today (issue 4)."""
    res = worker.run(
        "case",
        "open",
        "--workflow",
        "licheng",
        "--subject",
        "张某",
        "--agency",
        "局",
        "--on",
        "2026-02-01",
        "--by",
        "监督科",
        "--set",
        "matter=x",
        ok=False,
    )
    assert res.exit_code == 3
    assert json.loads(worker.run("case", "list", "--json").stdout) == []


def test_a_malformed_date_names_the_option_in_both_languages(worker: Worker) -> None:
    """Bad input gets a clear error naming the problem (Chinese and English), exit 3."""
    case = _open_filed(worker)
    res = worker.fire(case, "assign_investigator", "2025-13-01", "investigator=李明", ok=False)
    assert res.exit_code == 3 and "--on" in res.stderr and "YYYY-MM-DD" in res.stderr


def test_an_unknown_case_is_not_found(worker: Worker) -> None:
    """A case that does not exist: exit 5, saying so."""
    res = worker.run("case", "show", "历城容错〔2025〕99号", ok=False)
    assert res.exit_code == 5 and "找不到案件" in res.stderr


def test_fire_sent_twice_with_one_idempotency_key_is_recorded_once(worker: Worker) -> None:
    """A command sent twice with the same idempotency key is applied once (issue 4)."""
    case = _open_filed(worker)
    results = []
    for _ in range(2):
        res = worker.run(
            "case",
            "fire",
            case,
            "assign_investigator",
            "--on",
            "2025-09-30",
            "--by",
            "监督科",
            "--set",
            "investigator=李明",
            "--idempotency-key",
            "req-7",
            "--json",
        )
        results.append(json.loads(res.stdout))
    assert [e["trigger"] for e in _events(worker, case)] == ["open", "file", "assign_investigator"]
    # the retry returns the first result, the recorded event's seq included (and says it is
    # a retry)
    assert results[0]["seqs"] == [3] and results[0]["replayed"] is False
    assert results[1] == {**results[0], "replayed": True}


def test_open_prints_the_id_last_and_json_gives_it(worker: Worker) -> None:
    """``case open`` prints the id as its last line; ``--json`` gives ``{"id": ...}``; the
    readable number follows the definition's pattern 历城容错〔{year}〕{n}号."""
    first = worker.open("2025-09-26", "matter=x")
    res = worker.run(
        "case",
        "open",
        "--workflow",
        "licheng",
        "--subject",
        "李某",
        "--agency",
        "局",
        "--on",
        "2025-09-27",
        "--by",
        "监督科",
        "--set",
        "matter=y",
        "--json",
    )
    second = json.loads(res.stdout)
    assert worker.show(first)["number"] == "历城容错〔2025〕1号"
    assert second["number"] == "历城容错〔2025〕2号" and worker.show(second["id"])["id"]


def test_show_json_has_the_contract_fields(worker: Worker) -> None:
    """``case show --json`` gives the fields the acceptance checks read (issue 4)."""
    case = _open_filed(worker)
    shown = worker.show(case)
    assert {"id", "workflow", "workflow_version", "state", "deadlines", "events"} <= set(shown)
    assert (shown["workflow"], shown["workflow_version"], shown["state"]) == (
        "licheng",
        "2025.1",
        "filed",
    )
    for d in shown["deadlines"]:
        assert {"timer", "due", "status", "provisional"} <= set(d)
        assert d["status"] in {"running", "paused", "met", "overdue", "cancelled"}
    first = shown["events"][0]
    assert {"seq", "trigger", "on", "by", "recorded_at", "data"} <= set(first)
    assert (first["seq"], first["on"], first["by"]) == (1, "2025-09-26", "监督科")
    assert first["recorded_at"] == "2026-01-10T02:00:00.000000Z"  # the frozen clock, UTC


def test_show_reads_in_chinese_and_in_english(worker: Worker) -> None:
    """The readable view takes its labels from the definition (zh default, ``--lang en``)."""
    case = _open_filed(worker)
    zh = worker.run("case", "show", case).stdout
    en = worker.run("case", "show", case, "--lang", "en").stdout
    assert "已立案" in zh and "调查期限" in zh and "2025-10-29" in zh
    assert "filed" in en and "investigation period" in en and "2025-10-29" in en


def test_list_filters_by_state_due_date_and_overdue(worker: Worker) -> None:
    """ "What is due or overdue on date X" (issue 4): a period ends at 24:00 CST of its due
    date, so the investigation due 10-29 is overdue as of 10-30, not on 10-29."""
    filed = _open_filed(worker)  # investigation due 2025-10-29
    received = worker.open("2025-09-30", "matter=y")  # filing due 2025-10-14

    def ids(*args: str) -> set[str]:
        return {c["id"] for c in json.loads(worker.run("case", "list", *args, "--json").stdout)}

    assert ids("--state", "filed") == {filed}
    assert ids("--due-before", "2025-10-15") == {received}
    assert ids("--overdue", "--as-of", "2025-10-29") == {received}
    assert ids("--overdue", "--as-of", "2025-10-30") == {filed, received}
    assert ids("--workflow", "licheng") == {filed, received}


def test_history_names_the_article_behind_each_step(worker: Worker) -> None:
    """``case history``: the timeline with the article behind each step."""
    case = _open_filed(worker)
    out = worker.run("case", "history", case).stdout
    assert "历城办法第十三条" in out and "历城办法第十四条" in out and "2025-09-29" in out


def test_demo_opens_and_walks_a_sample_case_on_the_embedded_default(tmp_path: Any) -> None:
    """``rongcuo demo`` (the README's main job) opens a Licheng case in its own database,
    walks it to determination (历城办法第十四条、第十七条) and shows it: the notice period runs
    7 days from the decision of 2025-10-24, to 2025-10-31."""
    runner = CliRunner()
    with freeze_time(TODAY):
        res = runner.invoke(cli, ["demo"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "历城容错〔2025〕1号" in res.stdout and "已认定" in res.stdout
    assert "告知期限：到期 2025-10-31" in res.stdout
    # its own database under RONGCUO_HOME (conftest), never the default one (issue 15)
    assert (tmp_path / "rongcuo-home" / "demo.sqlite3").exists()
    assert not (tmp_path / "rongcuo-home" / "rongcuo.sqlite3").exists()


def test_unknown_workflow_is_refused_naming_it(worker: Worker) -> None:
    """Opening a case under a workflow that has no definition is refused (exit 3)."""
    res = worker.run("case", "open", "--workflow", "nowhere", "--subject", "张某", "--agency",
                     "局", "--on", "2025-09-26", "--by", "监督科", ok=False)
    assert res.exit_code == 3 and "nowhere" in res.stderr
    assert json.loads(worker.run("case", "list", "--json").stdout) == []
