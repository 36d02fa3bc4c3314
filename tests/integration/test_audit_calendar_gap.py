"""An auditor whose machine lacks a calendar file the operator's had: `audit verify` names the
missing year and file (`replay.calendar_missing`), and says it does not show tampering —
instead of calling a sound log's deadlines altered."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from rongcuo.audit.api import verify
from rongcuo.bootstrap import bootstrap
from rongcuo.calendars import load_calendar
from rongcuo.clock import FixedClock
from rongcuo.paths import calendar_dirs
from tests.support.walks import walk_licheng


def test_a_missing_calendar_year_is_named_not_called_tampering(
    db_url: str, tmp_path: Path
) -> None:
    clock = FixedClock(datetime(2025, 9, 26, 2, 0, tzinfo=UTC))
    app = bootstrap(database_url=db_url, clock=clock, migrate=True)
    cid = walk_licheng(app, clock, subject="张三")
    assert verify(app, drift=False).ok
    app.close()

    only_2026 = tmp_path / "calendars"
    only_2026.mkdir()
    (src,) = [d / "2026.yaml" for d in calendar_dirs() if (d / "2026.yaml").exists()][:1]
    shutil.copy(src, only_2026 / "2026.yaml")
    auditor = bootstrap(database_url=db_url, clock=clock,
                        calendar=load_calendar([only_2026]))
    try:
        report = verify(auditor, drift=False)
    finally:
        auditor.close()
    assert [(f.case_id, f.code) for f in report.findings] == [(cid, "replay.calendar_missing")]
    (f,) = report.findings
    assert "2025 (2025.yaml)" in f.message_en and "does not show tampering" in f.message_en
    assert "rongcuo calendar import" in f.message_zh
