"""`rongcuo calendar import` recomputes provisional (暂定) due dates in the database.

Runs on SQLite and PostgreSQL (``db_url``).  Case: a Licheng case determined on 2026-12-27;
the 7-day notice of Licheng art. 17 ends on Sunday 2027-01-03.  2027 has no shipped file, so
the provisional rule rolls it (Civil Code art. 203) to Monday 2027-01-04 暂定.  A test-only
2027 file (hypothetical, not the real 2027 notice) makes 2027-01-03 an adjusted working Sunday:
after the import the due date is 2027-01-03, no longer provisional, and the case history
has a ``deadline.recomputed`` event naming old and new due dates and the source.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.bootstrap import App
from rongcuo.calendars import load_calendar
from rongcuo.clock import CST
from rongcuo.domain.calendar import WorkCalendar
from rongcuo.entrypoints.cli.main import cli
from tests.support.walks import licheng_to_determined

SHIPPED = Path(__file__).resolve().parents[2] / "workflows" / "calendars"
TEST_2027 = (
    "year: 2027\nsource: {title: 测试用通知（虚构）, number: null, published: 2026-11-01}\n"
    "rest_days:\n  - {date: 2027-01-01, holiday: 元旦}\n"
    "workdays:\n  - {date: 2027-01-03, note: 测试用调休}\n"
)


@pytest.fixture
def clock_start() -> datetime:
    return datetime(2026, 12, 27, 10, tzinfo=CST)


@pytest.fixture
def app_calendar() -> WorkCalendar:
    """The shipped years only (2025, 2026): 2027 dates are provisional until the import."""
    return load_calendar([SHIPPED])


def _notice(app: App, cid: str) -> tuple[date | None, bool]:
    (d,) = [d for d in app.store.deadlines(case_id=cid) if d.timer == "notice"]
    return d.due, d.provisional


def test_import_recomputes_provisional_deadlines_with_an_event(
    app: App, db_url: str, tmp_path: Path
) -> None:
    """Civil Code art. 203 with the imported year: 2027-01-04 暂定 becomes 2027-01-03."""
    cid = licheng_to_determined(app, opened=date(2026, 12, 1), determined=date(2026, 12, 27))
    assert _notice(app, cid) == (date(2027, 1, 4), True)
    src = tmp_path / "2027.yaml"
    src.write_text(TEST_2027, encoding="utf-8")
    env = {"RONGCUO_HOME": str(tmp_path / "home"), "RONGCUO_WORKFLOWS_DIR": str(SHIPPED.parent)}
    with freeze_time("2026-12-28 02:00:00"):
        r = CliRunner().invoke(cli, ["calendar", "import", str(src), "--db", db_url], env=env)
    assert r.exit_code == 0, r.output
    assert "2027-01-04 -> 2027-01-03" in r.stdout
    assert _notice(app, cid) == (date(2027, 1, 3), False)
    (ev,) = [e for e in app.store.case_events(cid) if e.type == "deadline.recomputed"]
    assert (ev.data["old_due"], ev.data["new_due"]) == ("2027-01-04", "2027-01-03")
    assert ev.data["calendar"]["title"] == "测试用通知（虚构）"
    assert ev.actor == "system:calendar-import"


def test_import_without_a_database_only_imports(tmp_path: Path) -> None:
    """With no database configured or present, import never creates one."""
    src = tmp_path / "2027.yaml"
    src.write_text(TEST_2027, encoding="utf-8")
    home = tmp_path / "home"
    env = {"RONGCUO_HOME": str(home), "RONGCUO_WORKFLOWS_DIR": str(SHIPPED.parent),
           "RONGCUO_DATABASE_URL": ""}  # fmt: skip
    r = CliRunner().invoke(cli, ["calendar", "import", str(src)], env=env)
    assert r.exit_code == 0, r.output
    assert "nothing recomputed" in r.stdout
    assert not (home / "rongcuo.sqlite3").exists()
