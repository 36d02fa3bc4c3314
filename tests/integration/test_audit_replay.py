"""``audit replay --as-of``: the case as the system knew it at a moment (issue 6).

``--as-of`` filters by when an event was recorded (``recorded_at``), not by its business
date.  Dates: Licheng investigation period 30 days from filing, extendable once by at most 30
days with the head's approval (历城办法第十七条); Civil Code art. 201–203 counting.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from click.testing import CliRunner

from rongcuo.audit.api import replay
from rongcuo.audit.log import parse_as_of
from rongcuo.bootstrap import App
from rongcuo.clock import CST, FixedClock
from rongcuo.domain.errors import InvalidInput
from rongcuo.entrypoints.cli.main import cli
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep
from tests.support.walks import cst_morning, walk_licheng


def _due(app: App, case_id: str, as_of: str, timer: str = "investigation") -> date | None:
    r = replay(app, case_id, parse_as_of(as_of))
    return {d.timer: d.due for d in r.deadlines}[timer]


def test_an_extension_shows_the_old_due_date_the_day_before_and_the_new_one_that_day(
    app: App, clock: FixedClock
) -> None:
    """Filed 2025-09-28: due 30 days later, 2025-10-28 (历城办法第十七条).  Extended by 15 days
    on X = 2025-10-20 (recorded 10:00 CST): as of X−1 the system held 10-28; as of X,
    2025-11-12 (10-28 + 15)."""
    cid = walk_licheng(app, clock, steps=6)  # … hear_statement, extend_investigation
    assert _due(app, cid, "2025-10-19") == date(2025, 10, 28)
    assert _due(app, cid, "2025-10-20") == date(2025, 11, 12)
    # and to the minute: the extension was recorded at 10:00 CST
    assert _due(app, cid, "2025-10-20T09:59:59+08:00") == date(2025, 10, 28)
    assert _due(app, cid, "2025-10-20T10:00:00+08:00") == date(2025, 11, 12)


def test_a_back_dated_step_is_invisible_before_the_day_it_was_recorded(
    app: App, clock: FixedClock
) -> None:
    """The statement and defence heard on 2025-10-09 (历城办法第十六条) but recorded only on
    Y = 2025-10-13: as of Y−1 the case shows no statement, although its business date is
    earlier; as of Y it does."""
    cid = walk_licheng(app, clock, steps=4)  # … start_verification on 2025-09-30
    clock.set(cst_morning("2025-10-13"))
    handlers.fire(app, FireStep(cid, "hear_statement", on=date(2025, 10, 9), actor="王科长"))
    before = replay(app, cid, parse_as_of("2025-10-12"))
    after = replay(app, cid, parse_as_of("2025-10-13"))
    assert before.state is not None and after.state is not None
    assert "statement_heard" not in before.state.facts
    assert after.state.facts["statement_heard"] is True
    assert [e.trigger for e in after.events][-1] == "hear_statement"
    assert len(after.events) == len(before.events) + 1


def test_replay_before_the_case_was_opened_shows_nothing_recorded(
    app: App, clock: FixedClock
) -> None:
    """As of a moment before the opening was recorded (历城办法第十三条) there is no state."""
    cid = walk_licheng(app, clock, steps=1)
    r = replay(app, cid, parse_as_of("2025-09-25"))
    assert r.state is None and r.events == () and r.deadlines == ()


def test_replay_json_has_the_shape_of_case_show_json(
    app: App, clock: FixedClock, db_url: str
) -> None:
    """`audit replay --json` answers with the keys of `case show --json` (and the same
    values for a sound case), plus as_of and the head."""
    cid = walk_licheng(app, clock, steps=8)
    runner = CliRunner()
    shown = runner.invoke(cli, ["case", "show", cid, "--json", "--db", db_url])
    replayed = runner.invoke(cli, ["audit", "replay", cid, "--json", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    assert replayed.exit_code == 0, replayed.output
    a, b = json.loads(shown.output), json.loads(replayed.output)
    assert set(a) <= set(b)
    for key in ("state", "closed", "facts", "last_on", "workflow_version", "version", "allowed"):
        assert a[key] == b[key], key
    def key(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
        return sorted((d["timer"], d["due"], d["status"]) for d in doc["deadlines"])

    assert key(a) == key(b) and len(a["deadlines"]) >= 3
    assert [e["hash"] for e in a["events"]] == [e["hash"] for e in b["events"]]
    # each event carries every key `case show --json` gives it (the hashed fields, id, by),
    # but the idempotency key (a request's, not hashed, not the record)
    for ea, eb in zip(a["events"], b["events"], strict=True):
        assert set(ea) - {"idempotency_key"} <= set(eb), set(ea) - set(eb)
        assert {k: ea[k] for k in ("case_id", "actor", "workflow_id", "workflow_version")} == {
            k: eb[k] for k in ("case_id", "actor", "workflow_id", "workflow_version")}


def test_replay_cli_as_of_leaves_out_later_events(
    app: App, clock: FixedClock, db_url: str
) -> None:
    """`--as-of` on the command line: the determination recorded 2025-11-05
    (历城办法第十七条) is not there as of 2025-11-04."""
    cid = walk_licheng(app, clock, steps=7)
    out = CliRunner().invoke(
        cli, ["audit", "replay", cid, "--json", "--as-of", "2025-11-04", "--db", db_url]
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["state"] == "verifying" and doc["as_of"].startswith("2025-11-04T15:59:59")
    assert "determine" not in [e["trigger"] for e in doc["events"]]


def test_a_bad_as_of_is_refused_with_a_clear_message() -> None:
    """Bad input gets a bilingual error naming the value."""
    with pytest.raises(InvalidInput) as err:
        parse_as_of("2025-13-45")
    assert "2025-13-45" in err.value.message_en and "回放时点" in err.value.message_zh
    assert err.value.details["field"] == "as_of"  # the CLI names its option --as-of


def test_a_naive_as_of_is_read_as_china_standard_time() -> None:
    """Legal dates and instants are China Standard Time unless an offset is given."""
    assert parse_as_of("2025-10-20T09:00:00") == datetime(2025, 10, 20, 9, tzinfo=CST)
    assert parse_as_of("2025-10-20") == datetime(2025, 10, 20, 23, 59, 59, 999999, tzinfo=CST)


def test_replay_of_an_unknown_case_exits_not_found(app: App, db_url: str) -> None:
    """An unknown case is named, with the not-found exit code (5)."""
    out = CliRunner().invoke(cli, ["audit", "replay", "历城容错〔2025〕99号", "--db", db_url])
    assert out.exit_code == 5
    assert "历城容错〔2025〕99号" in out.output
