"""What one ``rongcuo case fire`` costs the database, statement by statement (SQLite's own
trace of every statement the process sends, bootstrap included).

The handler loads the case once, asks the store only what the fired step's rules need (an
investigator's assignment needs no earlier decisions), writes in one transaction, and the
text view shows the case from what the handler already had — it reads the events, and
nothing else, again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy import event

from rongcuo.entrypoints.cli.main import cli


@pytest.fixture
def traced() -> Iterator[list[str]]:
    statements: list[str] = []

    def on_connect(dbapi: object, _record: object) -> None:
        dbapi.set_trace_callback(statements.append)  # type: ignore[attr-defined]

    event.listen(sa.engine.Engine, "connect", on_connect)
    yield statements
    event.remove(sa.engine.Engine, "connect", on_connect)


def _fire(db: str, cid: str, who: str, *extra: str) -> None:
    res = CliRunner().invoke(cli, ["case", "fire", cid, "assign_investigator", "--on",
                                   "2025-09-30", "--by", "监督科", "--set",
                                   f"investigator={who}", "--db", db, *extra])
    assert res.exit_code == 0, res.output


def test_a_step_costs_at_most_twenty_statements_and_the_view_rereads_only_events(
    traced: list[str], tmp_path: Path
) -> None:
    """The second step of a Licheng case (历城办法第十六条 指派调查人员): at most 20 statements
    with ``--json`` (10 before the split of the record's layers); the readable view adds the
    one read of the events and touches neither the case row nor its deadlines again."""
    db = f"sqlite:///{tmp_path / 'trace.sqlite3'}"
    runner = CliRunner()
    opened = runner.invoke(cli, ["case", "open", "--workflow", "licheng", "--subject", "张某",
                                 "--agency", "历城区市场监督管理局", "--on", "2025-09-26",
                                 "--by", "监督科", "--set", "matter=超期", "--db", db])
    cid = opened.output.strip().splitlines()[-1]
    assert runner.invoke(cli, ["case", "fire", cid, "file", "--on", "2025-09-29", "--by",
                               "监督科", "--db", db]).exit_code == 0

    traced.clear()
    _fire(db, cid, "李明", "--json")
    as_json = list(traced)
    traced.clear()
    _fire(db, cid, "赵芳")
    as_text = list(traced)

    assert len(as_json) <= 20, as_json
    reads = [s for s in as_json if s.startswith("SELECT")]
    # the schema revision, then the case — no query for earlier decisions of the subject
    assert len(reads) == 2 and "alembic_version" in reads[0] and "FROM cases" in reads[1]
    writes = [s.split()[0] for s in as_json if s.split()[0] in {"UPDATE", "INSERT"}]
    # the case row and the event; the two deadline rows did not move, so they are not
    # rewritten (issue 16: a step writes only the deadline rows that moved)
    assert writes == ["UPDATE", "INSERT"]
    extra = as_text[len(as_json):]
    assert len(as_text) == len(as_json) + 3, extra  # BEGIN, the events' SELECT, COMMIT
    assert [s.split()[0] for s in extra] == ["BEGIN", "SELECT", "COMMIT"]
    assert "FROM events" in extra[1]
