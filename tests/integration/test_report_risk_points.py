"""Risk points (历城办法第二十一条 "同一类问题频繁出现或者同一领域集中出现的易错情形"): case
classification by a controlled vocabulary, the cluster report over 1,000 generated cases, and
the body-level risk-point record linking the cases it drew on."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from rongcuo.adapters.db import tables as db
from rongcuo.adapters.supervision import tables as st
from rongcuo.bootstrap import App
from rongcuo.clock import FixedClock
from rongcuo.definitions.vocabularies import load_vocabularies
from rongcuo.entrypoints.cli.main import cli
from tests.support.clone import clone_case_rows_only
from tests.support.walks import walk_licheng

PLANTED = ("procedure", "market")  # 执法程序 × 市场监管
AGENCIES = ("区市场监管局", "区城管局", "区生态环境分局", "区交通运输局", "区自然资源局")


def _generate(app: App, clock: FixedClock, n: int = 1000, planted: int = 150) -> list[str]:
    """``n`` Licheng cases of 2025 classified at random over the vocabulary (seeded), except
    ``planted`` of them all in one (category, field) pair."""
    template = walk_licheng(app, clock, steps=0)
    clone_case_rows_only(app.store.engine, template, n - 1, prefix="risk")
    ids = [template, *(f"risk-{i}" for i in range(1, n))]
    vocab = load_vocabularies()["licheng"]
    rnd = random.Random(20251)
    at = datetime(2026, 1, 5, 2, tzinfo=UTC)
    c, k = db.cases, st.case_classifications
    rows = []
    with app.store.engine.begin() as conn:
        for i, case_id in enumerate(ids):
            if i < planted:
                cat, fld = PLANTED
            else:
                cat = rnd.choice(vocab.categories).id
                fld = rnd.choice(vocab.fields).id
            conn.execute(c.update().where(c.c.id == case_id).values(
                agency=AGENCIES[i % len(AGENCIES)], opened_on=date(2025, 1 + i % 12, 15)))
            rows.append({"case_id": case_id, "vocabulary": "licheng", "category": cat,
                         "field": fld, "on": date(2026, 1, 5), "actor": "监督科",
                         "note": "", "recorded_at": at})
        conn.execute(k.insert(), rows)
    return ids


def _report(db_url: str, *extra: str) -> dict[str, object]:
    res = CliRunner().invoke(cli, ["report", "risk-points", "--from", "2025-01-01", "--to",
                                   "2025-12-31", "--format", "json", "--db", db_url, *extra])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)  # type: ignore[no-any-return]


@pytest.mark.slow
def test_the_planted_cluster_is_found_and_no_other(app: App, clock: FixedClock, db_url: str,
                                                   tmp_path: Path) -> None:
    """1,000 cases spread at random over 7 × 6 category-field pairs (about 20 each), 150 of
    them planted in 执法程序 × 市场监管: under the declared policy (at least 5 cases and 3
    times an even spread) exactly that pair is flagged; the workbook opens and says so."""
    _generate(app, clock)
    doc = _report(db_url)
    clusters = doc["tables"]["clusters"]["rows"]  # type: ignore[index]
    assert [(r[1], r[2]) for r in clusters] == [("执法程序", "市场监管")]
    assert clusters[0][3] >= 150 and doc["figures"]["classified"]["value"] == 1000  # type: ignore[index]
    assert doc["params"]["min_cases"] == 5 and doc["params"]["factor"] == 3.0  # type: ignore[index]
    flagged = [r for r in doc["tables"]["pairs"]["rows"] if r[4] == "是"]  # type: ignore[index]
    assert len(flagged) == 1
    out = tmp_path / "risk.xlsx"
    res = CliRunner().invoke(cli, ["report", "risk-points", "--from", "2025-01-01", "--to",
                                   "2025-12-31", "--format", "xlsx", "-o", str(out), "--db",
                                   db_url])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert [r[:3] for r in wb["集中多发"].iter_rows(min_row=2, max_row=2, values_only=True)] == [
        ("licheng", "执法程序", "市场监管")]


@pytest.mark.slow
def test_a_stricter_policy_flags_nothing_and_a_window_without_cases_is_empty(
        app: App, clock: FixedClock, db_url: str) -> None:
    """The threshold is policy: with a factor of 10 the planted pair (about 7 times an even
    spread) is no cluster; a window before the cases holds none."""
    _generate(app, clock)
    assert _report(db_url, "--factor", "10")["tables"]["clusters"]["rows"] == []  # type: ignore[index]
    res = CliRunner().invoke(cli, ["report", "risk-points", "--from", "2024-01-01", "--to",
                                   "2024-12-31", "--format", "json", "--db", db_url])
    assert json.loads(res.output)["figures"]["classified"]["value"] == 0


def test_a_case_is_classified_by_its_procedure_s_vocabulary(app: App, clock: FixedClock,
                                                           db_url: str) -> None:
    """Classification uses the controlled vocabulary of the case's procedure: a category it
    does not have is refused listing the choices; a reclassification replaces the old one for
    the report and both stay on record (insert-only)."""
    case = walk_licheng(app, clock, steps=0)
    run = CliRunner().invoke
    bad = run(cli, ["risk", "classify", case, "--category", "程序", "--field", "market",
                    "--on", "2025-09-26", "--by", "监督科", "--db", db_url])
    assert bad.exit_code == 3 and "procedure（执法程序）" in bad.output
    for cat in ("facts", "procedure"):
        ok = run(cli, ["risk", "classify", case, "--category", cat, "--field", "market",
                       "--on", "2025-09-26", "--by", "监督科", "--db", db_url])
        assert ok.exit_code == 0, ok.output
    rows = _report(db_url)["tables"]["by_category"]["rows"]  # type: ignore[index]
    assert rows == [["执法程序", 1]]
    with app.store.read() as conn:
        kept = conn.execute(sa.select(st.case_classifications.c.category)
                            .order_by(st.case_classifications.c.id)).scalars().all()
    assert kept == ["facts", "procedure"]


def test_a_risk_point_record_links_the_cases_it_drew_on(app: App, clock: FixedClock,
                                                       db_url: str) -> None:
    """历城办法第二十一条 "找出易错风险点和问题症结并警示提醒": the record keeps the risk point,
    the root cause, the warning and whom it went to, with the cases; a record naming a case
    that does not exist is refused; a correction supersedes the old record in the report."""
    a = walk_licheng(app, clock, steps=0)
    b = walk_licheng(app, clock, steps=0, subject="李四")
    base = ["risk", "record", "--body", "licheng_supervision", "--on", "2025-12-20", "--from",
            "2025-01-01", "--to", "2025-12-31", "--risk-point", "询问笔录未告知申请回避权利",
            "--root-cause", "执法人员未使用统一文书模板", "--warning", "全区执法队使用新版询问笔录",
            "--recipient", "区市场监管局", "--recipient", "区城管局", "--by", "监督科王科长",
            "--db", db_url]
    run = CliRunner().invoke
    missing = run(cli, [*base, "--case", a, "--case", "no-such-case"])
    assert missing.exit_code == 3 and "no-such-case" in missing.output
    first = run(cli, [*base, "--case", a, "--case", b])
    assert first.exit_code == 0, first.output
    fixed = run(cli, [*base, "--case", a, "--case", b, "--supersedes", "1",
                      "--warning", "全区执法队于2026年1月起使用新版询问笔录"])
    assert fixed.exit_code == 0, fixed.output
    records = _report(db_url)["tables"]["records"]["rows"]  # type: ignore[index]
    assert [(r[0], r[5], r[6], r[7]) for r in records] == [
        (2, "全区执法队于2026年1月起使用新版询问笔录", "区市场监管局、区城管局", 2)]
