"""Issue 15 §3 — what a step needs is visible before trying it, through the CLI: a step's
fields (`workflows show ID --trigger T`), every missing or invalid field named in one refusal,
steps and values typed by their Chinese labels (立案, 容错免责, 维持; 历城办法第十四、十七、十九条),
the nearest steps suggested for a typo, and click's own usage errors in Chinese and English."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rongcuo.entrypoints.cli.main import cli
from tests.integration.test_case_cli import Worker


@pytest.fixture
def worker(db_url: str) -> Worker:
    w = Worker(db_url)
    w.run("db", "upgrade")
    return w


def _verifying(w: Worker) -> str:
    case = w.open("2025-09-26", "matter=超期作出行政处罚决定")
    w.fire(case, "立案", "2025-09-29")  # the Chinese label of `file`
    w.fire(case, "assign_investigator", "2025-09-30", "investigator=李明")
    w.fire(case, "指派调查人员", "2025-09-30", "investigator=赵芳")
    w.fire(case, "start_verification", "2025-10-09")
    w.fire(case, "hear_statement", "2025-10-15")
    return case


def test_a_steps_fields_are_listed_before_trying_it() -> None:
    res = CliRunner().invoke(cli, ["workflows", "show", "licheng", "--trigger", "determine"])
    assert res.exit_code == 0, res.output
    assert "*outcome" in res.stdout and "认定结果" in res.stdout
    assert "exempted（容错免责）" in res.stdout and "*items" in res.stdout
    as_json = CliRunner().invoke(cli, ["workflows", "show", "licheng", "--trigger", "作出认定决定",
                                       "--json"])
    doc = json.loads(as_json.stdout)
    assert doc["trigger"] == "determine"
    outcome = next(f for f in doc["fields"] if f["name"] == "outcome")
    assert outcome["required"] and {"code": "exempted", "label_zh": "容错免责"} in outcome["values"]
    matter = CliRunner().invoke(cli, ["workflows", "show", "licheng", "--trigger", "open",
                                      "--json"])
    assert {f["name"]: f["max_length"] for f in json.loads(matter.stdout)["fields"]}[
        "matter"] == 2000
    helped = CliRunner().invoke(cli, ["case", "fire", "--help"])
    assert "workflows show WORKFLOW --trigger TRIGGER" in helped.stdout


def test_a_refusal_names_every_missing_and_invalid_field_at_once(worker: Worker) -> None:
    case = _verifying(worker)
    res = worker.fire(case, "determine", "2025-10-24", "correction_required=maybe",
                      "colour=red", ok=False)
    assert res.exit_code == 3
    first = res.stderr.splitlines()[0]
    for named in ("colour", "outcome", "items", "correction_required"):
        assert named in first, first
    assert "4 处问题" in first and "4 problems" in res.stderr
    assert "rongcuo workflows show licheng --trigger determine" in res.stderr
    assert len(worker.show(case)["events"]) == 6  # nothing written


def test_steps_and_values_by_their_chinese_labels_are_stored_as_codes(worker: Worker) -> None:
    case = _verifying(worker)
    worker.fire(case, "作出认定决定", "2025-10-24", "outcome=容错免责", "items=10.2")
    worker.fire(case, "notify", "2025-10-27", "received_on=2025-10-27")
    worker.fire(case, "申请复核", "2025-10-28")
    worker.fire(case, "decide_review", "2025-11-03", "result=维持")
    doc = worker.show(case)
    assert doc["state"] == "reviewed" and doc["facts"]["outcome"] == "exempted"
    assert doc["facts"]["review_result"] == "upheld"
    triggers = [e["trigger"] for e in doc["events"]]
    assert triggers[1] == "file" and "determine" in triggers and "request_review" in triggers
    bad = worker.fire(case, "archive", "2025-11-04", "colour=维", ok=False)
    assert bad.exit_code == 3


def test_an_unknown_step_suggests_the_nearest(worker: Worker) -> None:
    case = worker.open("2025-09-26", "matter=超期作出行政处罚决定")
    res = worker.fire(case, "fiel", "2025-09-29", ok=False)
    assert res.exit_code == 3
    assert "本流程没有操作“fiel”；是否想输入：file（立案）" in res.stderr
    assert "did you mean: file" in res.stderr
    res = worker.fire(case, "立按", "2025-09-29", ok=False)
    assert "file（立案）" in res.stderr
    # what is offered instead is only what may be done now (lapse's period has not expired)
    assert "当前可以进行的操作：file；" in res.stderr or res.stderr.count("lapse") == 0


def test_clicks_usage_errors_are_chinese_then_english() -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["case", "fire", "X", "file", "--by", "科"])
    assert res.exit_code == 2
    lines = res.stderr.splitlines()
    zh = next(i for i, x in enumerate(lines) if x.startswith("错误："))
    assert lines[zh] == "错误：缺少选项 --on（必填）"
    assert lines[zh + 1] == "Error: Missing option '--on'."
    res = runner.invoke(cli, ["case", "list", "--overdu"])
    assert res.exit_code == 2 and "没有选项 --overdu（是否想输入 --overdue？）" in res.stderr
    res = runner.invoke(cli, ["case", "show", "X", "--lang", "fr"])
    assert res.exit_code == 2 and "--lang 的值“fr”无效" in res.stderr
    res = runner.invoke(cli, ["cas"])
    assert res.exit_code == 2 and "没有命令 cas" in res.stderr
