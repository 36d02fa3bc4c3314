"""``audit export``: the case file in Chinese for printing and the archive (历城办法第十四条
归档), JSON or self-contained HTML (issue 6)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.audit.api import export_case
from rongcuo.bootstrap import App
from rongcuo.entrypoints.cli.main import cli
from tests.support.histories import load_history

HISTORIES = Path(__file__).resolve().parents[1] / "fixtures" / "histories"
NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


@pytest.fixture
def clock_start() -> datetime:
    return NOW


def _load(app: App, name: str) -> str:
    doc = json.loads((HISTORIES / f"{name}.json").read_text(encoding="utf-8"))
    return load_history(app.store.engine, doc)


def test_json_export_lists_every_step_with_date_actor_and_article(app: App) -> None:
    """Each step of the archived Licheng case — its date, who, the article, in Chinese
    (历城办法第十三条至第二十条)."""
    cid = _load(app, "licheng_exempted_archived")
    cf = json.loads(export_case(app, cid, "json", now=NOW))
    steps = cf["steps"]
    assert [s["seq"] for s in steps] == list(range(1, 13))
    assert steps[1] == {**steps[1], "on": "2025-09-28", "step_zh": "立案",
                        "article": "历城办法第十四条", "actor": "监督科王科长"}
    assert steps[-1]["step_zh"] == "归档" and steps[-1]["on"] == "2025-12-12"
    assert cf["case"]["state_zh"] == "已归档" and cf["case"]["outcome_zh"] == "容错免责"
    assert cf["integrity"] == {"events": 12, "head_seq": 12,
                               "head_hash": steps[-1]["hash"], "chain_ok": True}


def test_json_export_explains_how_each_deadline_was_computed(app: App) -> None:
    """The investigation period: 30 days from filing 2025-09-28, extended by 15
    (历城办法第十七条) → 2025-11-12, with an explanation an auditor can redo by hand."""
    cid = _load(app, "licheng_exempted_archived")
    cf = json.loads(export_case(app, cid, "json", now=NOW))
    inv = next(d for d in cf["deadlines"] if d["timer"] == "investigation")
    assert (inv["started_on"], inv["due"], inv["status_zh"]) == (
        "2025-09-28", "2025-11-12", "已按期完成")
    assert "2025-09-28" in inv["explanation_zh"] and "15" in inv["explanation_zh"]
    assert inv["label_zh"] == "调查期限"


def test_export_lists_each_reminder_and_escalation(app: App) -> None:
    """Reminders, the overdue mark and both escalation rungs of the late notice
    (历城办法第十七条; rung 2 to 区政府, 第十九条) appear in their own section."""
    cid = _load(app, "licheng_late_notice_escalated")
    cf = json.loads(export_case(app, cid, "json", now=NOW))
    assert [(n["on"], n["kind_zh"], n["to"]) for n in cf["notices"]] == [
        ("2025-11-07", "到期提醒", None),
        ("2025-11-11", "到期提醒", None),
        ("2025-11-13", "逾期标记", None),
        ("2025-11-13", "逐级督办（升级）", "负责人"),
        ("2025-11-18", "逐级督办（升级）", "区政府"),
    ]
    assert cf["notices"][-1]["article"] == "历城办法第十九条"


def test_html_export_is_self_contained_printable_and_escaped(app: App, db_url: str) -> None:
    """The HTML case file carries its own CSS with print rules, no external resource, and
    escapes what people typed (a subject containing markup is shown, not executed)."""
    doc = json.loads((HISTORIES / "licheng_transfer_archived.json").read_text("utf-8"))
    doc["case"]["subject"] = "<script>alert(1)</script>王五"
    cid = load_history(app.store.engine, doc)
    html = export_case(app, cid, "html", now=NOW)
    assert html.startswith("<!DOCTYPE html>") and "@media print" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;王五" in html
    assert "src=" not in html and "<link" not in html
    for text in ("移交行政执法机关处理", "历城办法第十五条", "移交处理期限", "2026-01-23",
                 "已归档"):
        assert text in html


def test_cli_export_writes_the_file_or_standard_output(
    app: App, db_url: str, tmp_path: Path
) -> None:
    """`rongcuo audit export CASE --format html --out FILE` writes the file; without --out it
    prints; the generation time is read once from the clock (freezegun)."""
    cid = _load(app, "licheng_exempted_archived")
    out = tmp_path / "case.html"
    runner = CliRunner()
    with freeze_time("2026-01-05T01:00:00Z"):
        r1 = runner.invoke(cli, ["audit", "export", cid, "--format", "html", "--out", str(out),
                                 "--db", db_url])
        r2 = runner.invoke(cli, ["audit", "export", cid, "--format", "json", "--db", db_url])
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    assert "2026-01-05 09:00:00" in out.read_text(encoding="utf-8")  # CST
    assert json.loads(r2.output)["generated_at"].startswith("2026-01-05T01:00:00")


def test_export_as_of_shows_the_case_file_as_it_stood(app: App) -> None:
    """As of 2025-11-04 the case file ends before the determination (历城办法第十七条)."""
    cid = _load(app, "licheng_exempted_archived")
    cf = json.loads(export_case(app, cid, "json", now=NOW,
                                as_of=datetime(2025, 11, 4, 16, tzinfo=UTC)))
    assert cf["steps"][-1]["step_zh"] == "延长调查期限"
    assert cf["case"]["state"] == "verifying"
    # the determination was recorded later: the file as it stood names no outcome
    assert cf["case"]["outcome"] is None and cf["case"]["outcome_zh"] is None
    html = export_case(app, cid, "html", now=NOW, as_of=datetime(2025, 11, 4, 16, tzinfo=UTC))
    assert "容错免责" not in html
    # before the first event: nothing was recorded yet — no state, no outcome
    early = json.loads(export_case(app, cid, "json", now=NOW,
                                   as_of=datetime(2025, 1, 1, tzinfo=UTC)))
    assert early["steps"] == []
    assert (early["case"]["state"], early["case"]["outcome"]) == (None, None)
    assert early["case"]["state_zh"] == "（尚无记录）"
    # today's file still names it
    now = json.loads(export_case(app, cid, "json", now=NOW))
    assert now["case"]["outcome"] == "exempted"


def test_a_banan_case_file_cites_no_licheng_article(app: App) -> None:
    """The footer names the article that requires the archive — 历城办法第十四条 for a Licheng
    case; a Banan case (no archiving step in its text) is not said to follow Licheng."""
    from datetime import date

    from rongcuo.service import handlers
    from rongcuo.service.commands import OpenCase

    cid = handlers.open_case(app, OpenCase(
        workflow_id="banan", subject="丁", agency="巴南区生态环境局",
                             on=date(2025, 9, 26), actor="监督科",
                             data={"matter": "环评审批"})).case_id
    html = export_case(app, cid, "html", now=NOW)
    assert "历城" not in html
    assert "的办案记录生成" in html
    licheng = export_case(app, _load(app, "licheng_exempted_archived"), "html", now=NOW)
    assert "本案卷依据历城办法第十四条“归档”要求生成" in licheng


def test_a_review_window_that_ran_out_unused_reads_closed_not_cancelled(app: App) -> None:
    """Licheng art. 19: 15 days from receipt to request a review (11-07 → Sat 11-22 → Mon
    11-24).  The correction ordered on 11-25 ends the window — but it had already closed, so
    the case file and `case show` say 已届满（未使用）, not 已撤销/已取消 (cut short)."""
    from rongcuo.entrypoints.cli.render import show_text
    from rongcuo.service.queries import case_view

    cid = _load(app, "licheng_exempted_archived")
    cf = json.loads(export_case(app, cid, "json", now=NOW))
    (win,) = [d for d in cf["deadlines"] if d["timer"] == "review_window"]
    assert (win["due"], win["status"], win["status_zh"]) == (
        "2025-11-24", "cancelled", "已届满（未使用）")
    text = show_text(case_view(app, cid))
    assert "到期 2025-11-24（当日24:00止）　已届满（未使用）" in text
