"""``audit verify`` detects tampering by someone who bypasses the insert-only triggers
on SQLite and PostgreSQL: one changed byte in any stored field, a deleted, inserted
or reordered event, a truncated tail — each named with the first event where the case breaks.
The event log is the record (历城办法第十四条 归档): a correction is a new event, never an edit.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from rongcuo.audit.api import verify
from rongcuo.bootstrap import App
from rongcuo.clock import FixedClock
from rongcuo.entrypoints.cli.main import cli
from tests.support import tamper
from tests.support.clone import clone_case_with_events
from tests.support.walks import walk_licheng


def _walk(app: App, clock: FixedClock, n: int, subject: str = "张三") -> list[str]:
    return [walk_one(app, clock, f"{subject}{i}") for i in range(n)]


def walk_one(app: App, clock: FixedClock, subject: str) -> str:
    return walk_licheng(app, clock, subject=subject)


def _broken(app: App) -> dict[str, tuple[str, int | None]]:
    report = verify(app, drift=False)
    return {f.case_id: (f.code, f.seq) for f in report.findings}


def _other_date(value: Any) -> str:
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return (d - timedelta(days=1)).isoformat()


def _other_instant(value: Any) -> Any:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value + timedelta(microseconds=1)


def test_an_untouched_log_verifies_with_no_false_alarm(app: App, clock: FixedClock) -> None:
    """Complete Licheng cases (arts. 13–20, 归档 art. 14) replay to exactly the stored rows."""
    _walk(app, clock, 2)
    report = verify(app, drift=False)
    assert report.findings == [] and report.ok
    assert report.cases == 2 and report.events > 20


def test_one_changed_byte_in_any_stored_event_field_is_detected_and_named(
    app: App, clock: FixedClock
) -> None:
    """Each hashed field of a stored event (and its seq), changed by one byte, breaks that
    case at that event (历城办法第十四条: the archived record cannot be edited unnoticed).
    Not hashed by design (rongcuo.domain.chain): the database id (its order is checked) and
    the idempotency key (transport metadata)."""
    seq = 3  # the first assign_investigator (历城办法第十六条)
    edits: dict[str, Any] = {
        "trigger": lambda r: tamper.flip_one_byte(r["trigger"]),
        "type": lambda r: tamper.flip_one_byte(r["type"]),
        "on": lambda r: _other_date(r["on"]),
        "actor": lambda r: r["actor"] + "x",
        "article": lambda r: r["article"].replace("十六", "十七"),
        "data": lambda r: {**_data(r), "investigator": "李X"},
        "workflow_id": lambda r: tamper.flip_one_byte(r["workflow_id"]),
        "workflow_version": lambda r: tamper.flip_one_byte(r["workflow_version"], -1),
        "recorded_at": lambda r: _other_instant(r["recorded_at"]),
        "prev_hash": lambda r: tamper.flip_one_byte(r["prev_hash"], 5),
        "hash": lambda r: tamper.flip_one_byte(r["hash"], 7),
        "seq": lambda r: 900 + r["seq"],  # the event renumbered away: seq 3 is missing
    }
    cases = _walk(app, clock, len(edits) + 1)
    engine = app.store.engine
    for cid, (column, edit) in zip(cases, edits.items(), strict=False):
        row = tamper.event_row(engine, cid, seq)
        tamper.set_event_field(engine, cid, seq, column, edit(row))
    broken = _broken(app)
    expected_codes = {"prev_hash": "chain.prev_hash", "seq": "seq.gap"}
    for cid, column in zip(cases, edits, strict=False):
        assert cid in broken, f"editing {column} went unnoticed"
        code, at = broken[cid]
        assert at == seq, (column, code, at)
        assert code == expected_codes.get(column, "chain.hash"), column
    assert cases[-1] not in broken  # the untouched case stays sound
    assert len(broken) == len(edits)


def _data(row: dict[str, Any]) -> dict[str, Any]:
    d = row["data"]
    return json.loads(d) if isinstance(d, str) else dict(d)


def test_a_deleted_event_is_named_as_the_missing_seq(app: App, clock: FixedClock) -> None:
    """Deleting the statement-hearing event (历城办法第十六条) leaves a gap at its seq."""
    a, _b = _walk(app, clock, 2)
    tamper.delete_event(app.store.engine, a, 6)
    assert _broken(app) == {a: ("seq.gap", 6)}


def test_an_inserted_event_is_detected_where_the_chain_no_longer_links(
    app: App, clock: FixedClock
) -> None:
    """A forged event inserted after seq 4 (renumbering the rest, shifting global ids, its own
    hash recomputed)
    breaks the chain at the next event (历城办法第十四条)."""
    a, _b = _walk(app, clock, 2)
    tamper.insert_event_copy(app.store.engine, a, 4)
    assert _broken(app) == {a: ("chain.prev_hash", 6)}


def test_events_reordered_in_the_global_order_are_detected(app: App, clock: FixedClock) -> None:
    """Swapping two events' global positions is named at the first out-of-order seq."""
    _a, b = _walk(app, clock, 2)
    tamper.swap_event_order(app.store.engine, b, 7, 8)
    assert _broken(app) == {b: ("seq.order", 7)}


def test_events_reordered_within_a_case_are_detected(app: App, clock: FixedClock) -> None:
    """Swapping the seq numbers of the extension and the determination
    (历城办法第十七条) breaks the chain at the first swapped position."""
    a, _b = _walk(app, clock, 2)
    tamper.swap_event_content(app.store.engine, a, 7, 8)
    code, seq = _broken(app)[a]
    assert (code, seq) in {("seq.order", 7), ("chain.prev_hash", 7)}


def test_a_truncated_tail_is_detected_against_the_case_row(app: App, clock: FixedClock) -> None:
    """Deleting the last events (correction and 归档, 历城办法第十四条、第二十条) is named as a
    truncation at the first missing seq."""
    a, _b = _walk(app, clock, 2)
    kept = 9
    assert tamper.truncate_tail(app.store.engine, a, kept) > 0
    assert _broken(app) == {a: ("case.truncated", kept + 1)}


def test_a_case_row_that_disagrees_with_its_replay_is_detected(
    app: App, clock: FixedClock
) -> None:
    """The stored state must equal the replay of the events (历城办法第十八条: the outcome is
    what the determination recorded, not what a row says)."""
    a, _b = _walk(app, clock, 2)
    with app.store.engine.begin() as conn:
        import sqlalchemy as sa

        conn.execute(sa.text("UPDATE cases SET state = 'lapsed' WHERE id = :i"), {"i": a})
    code, seq = _broken(app)[a]
    assert code == "replay.case_row" and seq is not None


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [("subject", "王五", "subject"), ("agency", "伪造局", "agency"),
     ("opened_on", "2025-09-01", "opened_on")],
)
def test_a_case_rows_subject_agency_or_opening_date_edited_is_detected(
    app: App, clock: FixedClock, column: str, value: str, named: str
) -> None:
    """Who the case is about, the agency and the opening date are in the hashed opening
    event; the row's columns are copies that `case show`, the export and the art. 12(5)
    repeated-mistake guard read — an edit to them is tampering and is named."""
    import sqlalchemy as sa

    a, _b = _walk(app, clock, 2)
    with app.store.engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE cases SET {column} = :v WHERE id = :i"),
                     {"v": date.fromisoformat(value) if column == "opened_on" else value,
                      "i": a})
    broken = verify(app, drift=False).findings
    assert [(f.case_id, f.code) for f in broken] == [(a, "replay.case_row")]
    assert named in broken[0].message_en


def test_a_deadline_row_that_disagrees_with_its_replay_is_detected(
    app: App, clock: FixedClock
) -> None:
    """A stored due date moved by hand (历城办法第二十条 correction period) is detected."""
    _a, b = _walk(app, clock, 2, subject="李")
    with app.store.engine.begin() as conn:
        import sqlalchemy as sa

        conn.execute(
            sa.text("UPDATE deadlines SET due = :d WHERE case_id = :i AND timer = 'correction'"),
            {"d": date(2026, 3, 1), "i": b},
        )
    assert _broken(app)[b][0] == "replay.deadlines"


@pytest.mark.slow
def test_thousands_of_untouched_cases_verify_with_no_false_alarm(
    app: App, clock: FixedClock
) -> None:
    """2,000 complete cases (bulk-inserted copies of a real one, each with its own chain)
    verify clean (历城办法第十四条)."""
    template = walk_one(app, clock, "模板")
    clone_case_with_events(app.store.engine, template, 2000)
    report = verify(app, drift=False)
    assert report.cases == 2001
    assert report.findings == []


def test_cli_verify_exits_non_zero_naming_the_broken_case(
    app: App, clock: FixedClock, db_url: str
) -> None:
    """`rongcuo audit verify` exits 0 when sound and 6 naming the case and event otherwise."""
    _a, b = _walk(app, clock, 2)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "--db", db_url])
    assert ok.exit_code == 0, ok.output
    tamper.delete_event(app.store.engine, b, 5)
    bad = runner.invoke(cli, ["audit", "verify", "--db", db_url, "--json"])
    assert bad.exit_code == 6
    doc = json.loads(bad.output)
    assert [(x["case_id"], x["code"], x["seq"]) for x in doc["broken"]] == [(b, "seq.gap", 5)]
    assert doc["broken"][0]["number"].startswith("历城容错〔2025〕")


def test_parallel_verification_names_the_same_broken_cases(app: App, clock: FixedClock) -> None:
    """Split over two processes by case-id range, verify finds exactly what one process
    finds: a deleted event and a rewritten actor, among sound copies (历城办法第十四条)."""
    template = walk_one(app, clock, "模板")
    ids = clone_case_with_events(app.store.engine, template, 300)
    tamper.delete_event(app.store.engine, ids[10], 4)
    tamper.set_event_field(app.store.engine, ids[200], 9, "actor", "他人")
    one = verify(app, drift=False, workers=1)
    two = verify(app, drift=False, workers=2)
    expected = {ids[10]: ("seq.gap", 4), ids[200]: ("chain.hash", 9)}
    assert {f.case_id: (f.code, f.seq) for f in one.findings} == expected
    assert {f.case_id: (f.code, f.seq) for f in two.findings} == expected
    assert (two.cases, two.events) == (one.cases, one.events) == (301, 301 * 12 - 1)


def test_chain_only_pass_checks_the_log_and_heads_but_not_the_rows(
    app: App, clock: FixedClock, db_url: str
) -> None:
    """`verify --chain-only` (the fast integrity pass) still catches a truncated tail through
    the case row's head, and says nothing about a row it does not replay (历城办法第十四条)."""
    a, b = _walk(app, clock, 2)
    tamper.truncate_tail(app.store.engine, a, 10)
    with app.store.engine.begin() as conn:
        import sqlalchemy as sa

        conn.execute(sa.text("UPDATE cases SET state = 'lapsed' WHERE id = :i"), {"i": b})
    fast = verify(app, drift=False, replay=False)
    assert {f.case_id: (f.code, f.seq) for f in fast.findings} == {a: ("case.truncated", 11)}
    out = CliRunner().invoke(cli, ["audit", "verify", "--chain-only", "--db", db_url])
    assert out.exit_code == 6 and a in out.output and b not in out.output


def test_an_event_appended_past_the_case_rows_head_is_named(
    app: App, clock: FixedClock
) -> None:
    """A forged event chained after the last one (its hash recomputed) but without the case
    row's head moving is named at its seq (历城办法第二十条: the archive closes the file)."""
    a, _b = _walk(app, clock, 2)
    last = app.store.load_case(a).last_seq
    tamper.insert_event_copy(app.store.engine, a, last)
    assert _broken(app) == {a: ("case.head", last + 1)}


def test_comparing_each_case_at_its_head_finds_what_comparing_at_the_end_finds(
    app: App, clock: FixedClock
) -> None:
    """The verifier compares a case with its rows as soon as its log reaches the head and then
    lets its state go; a verifier told nothing about the rows in advance compares them all at
    the end.  Both name the same cases, codes and events."""
    from rongcuo.audit.log import Snapshot
    from rongcuo.audit.verify import Verifier, verify_log

    a, _b, c = _walk(app, clock, 3)
    with app.store.engine.begin() as conn:
        import sqlalchemy as sa

        conn.execute(sa.text("UPDATE cases SET state = 'lapsed' WHERE id = :i"), {"i": a})
        conn.execute(
            sa.text("UPDATE deadlines SET due = :d WHERE case_id = :i AND timer = 'correction'"),
            {"d": date(2026, 3, 1), "i": c},
        )
    with Snapshot(app.store.engine) as snap:
        cases, deadlines = snap.cases(), snap.deadlines_raw()
        early = verify_log(snap.iter_events(), cases, deadlines, app.engine_for).findings
        late = Verifier(app.engine_for)
        for ev in snap.iter_events():
            late.feed(ev)
        at_end = late.finish(cases, deadlines)
        settling = Verifier(app.engine_for, cases=cases, deadlines=deadlines)
        for ev in snap.iter_events():
            settling.feed(ev)
    assert {f.case_id: f.code for f in early} == {a: "replay.case_row", c: "replay.deadlines"}
    assert [f.to_dict() for f in at_end] == [f.to_dict() for f in early]
    # every case was settled at its head and its replayed state let go; the other kept all
    assert all(t.settled and t.state is None for t in settling.tracks.values())
    assert all(t.state is not None for t in late.tracks.values())
