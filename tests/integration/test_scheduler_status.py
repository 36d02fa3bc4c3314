"""`rongcuo scheduler status`: what a monitoring check reads from the database — each node's
last successful sweep, the lag of the oldest unrecorded notice, the outbox's backlog and dead
letters — and exit 7 when the lag passes the bound (fault issue, section 3).

The notices are those of a Licheng art. 17 notice period decided on 2025-09-28: reminders at
00:00 CST on 09-28 and 09-30, overdue after 24:00 CST on 2025-10-09 (rolled over the National
Day block, Civil Code art. 203).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from freezegun import freeze_time

from rongcuo.bootstrap import bootstrap
from rongcuo.clock import CST, FixedClock
from rongcuo.entrypoints.cli.main import cli
from rongcuo.entrypoints.cli.scheduler_cmd import EXIT_LAGGING
from tests.support.walks import licheng_to_determined


@pytest.fixture
def seeded(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[tuple[str, Path]]:
    app = bootstrap(db_url, clock=FixedClock(datetime(2025, 9, 28, 10, tzinfo=CST)),
                    migrate=True)
    licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
    app.close()
    monkeypatch.setenv("RONGCUO_WEBHOOK_SECRET", "s3cret")
    conf = tmp_path / "scheduler.toml"
    conf.write_text('[scheduler]\nnode = "office-pc"\nmax_lag_seconds = 3600\n'
                    '[recipients]\ndefault = ["webhook:http://127.0.0.1:9/hook"]\n',
                    encoding="utf-8")
    yield db_url, conf


def status(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["scheduler", "status", "--db", url, *args])


def test_status_reports_the_lag_until_a_sweep_and_each_node_after(
    seeded: tuple[str, Path],
) -> None:
    """Before any sweep on 09-30 01:00 CST, the oldest unrecorded notice (reminder:3, due
    09-28 00:00 CST) is 49 hours late: past the configured bound, exit 7.  After a sweep on
    node "office-pc" the node's sweep is shown (2 recorded), the lag is 0 (exit 0) and the
    two reminders' webhook messages are the outbox's backlog."""
    url, conf = seeded
    with freeze_time("2025-09-29T17:00:00Z"):  # 2025-09-30 01:00 CST
        late = status(url, "--config", str(conf), "--json")
        assert late.exit_code == EXIT_LAGGING, late.output
        before = json.loads(late.stdout)
        assert before["nodes"] == [] and before["ok"] is False
        assert before["oldest_due_at"] == "2025-09-27T16:00:00+00:00"
        assert before["lag_seconds"] == 49 * 3600 and before["max_lag_seconds"] == 3600
        swept = CliRunner().invoke(cli, ["scheduler", "sweep", "--db", url, "--config",
                                         str(conf)])
        assert swept.exit_code == 0, swept.output
        after = status(url, "--config", str(conf), "--json")
    assert after.exit_code == 0, after.output
    now = json.loads(after.stdout)
    (node,) = now["nodes"]
    assert (node["node"], node["recorded"], node["claimed"]) == ("office-pc", 2, 1)
    assert node["last_sweep_at"] == "2025-09-29T17:00:00+00:00"
    assert (now["due"], now["lag_seconds"], now["ok"]) == (0, 0.0, True)
    assert (now["pending"], now["dead"]) == (2, 0)


def test_the_bound_is_an_option_and_the_dead_letters_are_counted(
    seeded: tuple[str, Path],
) -> None:
    """Five minutes after the notice period ended (overdue due at 24:00 CST on 10-09): lag
    300 s, within `--max-lag 300`, past `--max-lag 299` (exit 7, said in words too); a dead
    letter is counted; the human form names the node and the backlog."""
    url, conf = seeded
    with freeze_time("2025-09-29T17:00:00Z"):
        assert CliRunner().invoke(cli, ["scheduler", "sweep", "--db", url, "--config",
                                        str(conf)]).exit_code == 0
    app = bootstrap(url)
    with app.store.write() as conn:
        conn.execute(sa.text("UPDATE outbox SET status = 'dead' WHERE id = "
                             "(SELECT min(id) FROM outbox)"))
    app.close()
    with freeze_time("2025-10-09T16:05:00Z"):
        within = status(url, "--max-lag", "300", "--json")
        past = status(url, "--max-lag", "299")
    assert within.exit_code == 0, within.output
    doc = json.loads(within.stdout)
    assert (doc["lag_seconds"], doc["pending"], doc["dead"]) == (300.0, 1, 1)
    assert past.exit_code == EXIT_LAGGING
    assert "node office-pc" in past.stdout and "pending 1" in past.stdout
    assert "dead 1" in past.stdout and "lag 300 s (bound 299 s)" in past.stdout
    assert "the lag passes the bound of 299 s" in past.stderr


def test_status_help_says_its_exit_codes() -> None:
    """A monitoring check's author reads the exit codes in --help."""
    res = CliRunner().invoke(cli, ["scheduler", "status", "--help"])
    assert res.exit_code == 0
    assert "7 the lag passes it" in res.output and "0 within the bound" in res.output
