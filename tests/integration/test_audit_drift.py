"""Replay tolerates definition changes honestly (issue 6): a case replays under the version
it was filed under; when a newer release would have decided a recorded step differently,
verify reports it and rewrites nothing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo import paths
from rongcuo.audit.api import replay, verify
from rongcuo.bootstrap import App, bootstrap
from rongcuo.clock import FixedClock
from rongcuo.entrypoints.cli.main import cli
from tests.support.walks import walk_licheng

OLD_CAP = "max_times: 1\n      max_days: 30"
NEW_CAP = "max_times: 1\n      max_days: 10"


@pytest.fixture
def workflows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped Licheng definition as the archived 2025.1, plus a hypothetical release
    2026.1 that caps the investigation extension at 10 days instead of art. 17's 30."""
    src = paths.workflows_dir()
    d = tmp_path / "workflows"
    (d / "archive").mkdir(parents=True)
    shutil.copytree(src / "calendars", d / "calendars")
    # the document catalogues (issue 19: a step may issue its document in its unit of work)
    shutil.copytree(src / "templates", d / "templates")
    text = (src / "licheng.yaml").read_text(encoding="utf-8")
    assert 'version: "2025.1"' in text and OLD_CAP in text
    (d / "archive" / "licheng-2025.1.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("RONGCUO_WORKFLOWS_DIR", str(d))
    return d


def _release_2026(workflows: Path) -> None:
    text = (workflows / "archive" / "licheng-2025.1.yaml").read_text(encoding="utf-8")
    new = text.replace('version: "2025.1"', 'version: "2026.1"').replace(OLD_CAP, NEW_CAP)
    (workflows / "licheng.yaml").write_text(new, encoding="utf-8")


def _app(db_url: str, clock: FixedClock) -> App:
    return bootstrap(database_url=db_url, clock=clock, migrate=True)


@pytest.fixture
def recorded(db_url: str, clock: FixedClock, workflows: Path) -> Iterator[tuple[str, str]]:
    """A case recorded under 2025.1 (15-day extension on 2025-10-20), then the new release."""
    (workflows / "licheng.yaml").write_text(
        (workflows / "archive" / "licheng-2025.1.yaml").read_text("utf-8"), encoding="utf-8"
    )
    (workflows / "archive" / "licheng-2025.1.yaml").unlink()
    app = _app(db_url, clock)
    cid = walk_licheng(app, clock, steps=7)
    app.close()
    (workflows / "archive" / "licheng-2025.1.yaml").write_text(
        (workflows / "licheng.yaml").read_text("utf-8"), encoding="utf-8"
    )
    _release_2026(workflows)
    yield cid, db_url


def test_a_case_replays_under_its_own_version_after_a_new_release(
    recorded: tuple[str, str], clock: FixedClock
) -> None:
    """The 15-day extension recorded under 2025.1 (历城办法第十七条: at most 30 days) still
    gives 2025-11-12 after 2026.1 is released, and the case stays pinned to 2025.1."""
    cid, db_url = recorded
    app = _app(db_url, clock)
    r = replay(app, cid)
    assert r.case.workflow_version == "2025.1" and r.state is not None
    assert r.state.workflow_version == "2025.1"
    assert {d.timer: d.due for d in r.deadlines}["investigation"].isoformat() == "2025-11-12"
    app.close()


def test_verify_reports_what_the_new_release_would_decide_differently_and_changes_nothing(
    recorded: tuple[str, str], clock: FixedClock
) -> None:
    """Under 2026.1 the 15-day extension (seq 7) would be refused; verify reports the drift,
    stays sound (it is not tampering), and the stored case is untouched."""
    cid, db_url = recorded
    app = _app(db_url, clock)
    before = app.store.load_case(cid)
    report = verify(app)
    assert report.ok and report.findings == []
    assert [(d["case_id"], d["seq"], d["code"], d["newest_version"]) for d in report.drift] == [
        (cid, 7, "drift.refused", "2026.1")
    ]
    after = app.store.load_case(cid)
    assert (after.version, after.last_hash, after.state) == (
        before.version, before.last_hash, before.state)
    app.close()


def test_cli_verify_prints_the_drift_and_exits_zero(
    recorded: tuple[str, str], clock: FixedClock
) -> None:
    """`rongcuo audit verify --json` carries the drift; the exit code stays 0."""
    cid, db_url = recorded
    out = CliRunner().invoke(cli, ["audit", "verify", "--json", "--db", db_url])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["ok"] is True and doc["drift"][0]["case_id"] == cid
    assert doc["drift"][0]["refusal"] == "timer.extension_limit"


def test_a_corrected_case_is_re_decided_as_corrected(
    db_url: str, clock: FixedClock, workflows: Path
) -> None:
    """Issue 15: the extension recorded as 15 days was really 8 (amended, seq 8); drift
    re-decides the corrected history, so under 2026.1 (at most 10 days) nothing would be
    decided differently — and the correction event itself is no "removed step"."""
    from datetime import UTC, datetime

    from rongcuo.service import handlers
    from rongcuo.service.commands import AmendStep

    (workflows / "licheng.yaml").write_text(
        (workflows / "archive" / "licheng-2025.1.yaml").read_text("utf-8"), encoding="utf-8")
    (workflows / "archive" / "licheng-2025.1.yaml").unlink()
    app = _app(db_url, clock)
    cid = walk_licheng(app, clock, steps=7)
    clock.set(datetime(2025, 10, 21, 2, tzinfo=UTC))
    handlers.amend(app, AmendStep(case_ref=cid, seq=7, data={"days": "8"},
                                  reason="延长天数录入错误", actor="监督科",
                                  approved_by="区司法局负责人"))
    app.close()
    (workflows / "archive" / "licheng-2025.1.yaml").write_text(
        (workflows / "licheng.yaml").read_text("utf-8"), encoding="utf-8")
    _release_2026(workflows)
    app = _app(db_url, clock)
    report = verify(app)
    assert report.ok and report.findings == [] and report.drift == []
    r = replay(app, cid)
    assert {d.timer: d.due for d in r.deadlines}["investigation"].isoformat() == "2025-11-05"
    app.close()
