"""Recorded histories (tests/fixtures/histories): the good ones replay identically in every
future release; the known-bad one fails verification where it was altered (issue 6).
Dates were checked by hand against 历城办法第十三条至第二十条 (see the README there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rongcuo.audit.api import verify
from rongcuo.audit.log import LoggedEvent
from rongcuo.bootstrap import App
from rongcuo.calendars import load_calendar
from rongcuo.definitions import load_definitions
from rongcuo.domain.chain import GENESIS, event_hash
from rongcuo.domain.engine import Engine
from rongcuo.domain.periods import basis_holds
from tests.support.histories import deadline_rows, load_history, state_row

HISTORIES = Path(__file__).resolve().parents[1] / "fixtures" / "histories"
GOOD = sorted(p for p in HISTORIES.glob("*.json") if "KNOWN_BAD" not in p.name)
BAD = sorted(HISTORIES.glob("*KNOWN_BAD*.json"))


def _doc(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _events(doc: dict[str, Any]) -> list[LoggedEvent]:
    return [LoggedEvent(id=i + 1, **e) for i, e in enumerate(doc["events"])]


@pytest.fixture(scope="module")
def engines() -> Any:
    defs, cal = load_definitions(), load_calendar()
    cache: dict[tuple[str, str], Engine] = {}

    def get(wid: str, ver: str) -> Engine:
        if (wid, ver) not in cache:
            cache[(wid, ver)] = Engine(defs.get(wid, version=ver), cal)
        return cache[(wid, ver)]

    return get


def test_the_fixture_set_has_good_and_known_bad_histories() -> None:
    """Both kinds are kept: good ones to hold every release to, a bad one that must fail."""
    assert len(GOOD) >= 4 and len(BAD) >= 1


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_a_good_history_still_has_a_sound_hash_chain(path: Path) -> None:
    """Every stored hash recomputes with rongcuo.domain.chain and links to its predecessor
    (历城办法第十四条 归档: the record is what was recorded)."""
    prev = GENESIS
    for ev in _events(_doc(path)):
        assert ev.prev_hash == prev, ev.seq
        assert event_hash(ev.hashed_fields()) == ev.hash, ev.seq
        prev = ev.hash


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_a_good_history_replays_to_exactly_what_the_system_held(
    path: Path, engines: Any
) -> None:
    """Replayed under its own definition version, the state and every deadline (due date,
    status, provisional, start, next notice) equal what was stored when it was recorded, and
    every recorded field of each deadline's basis keeps its value as the release that
    recorded it spelled bases (the explanation may gain fields, never change one)
    (历城办法第十五条至第二十条 periods; Civil Code art. 201–203)."""
    doc = _doc(path)
    case = doc["case"]
    engine = engines(case["workflow_id"], case["workflow_version"])
    state = engine.replay(e.to_event() for e in _events(doc))
    assert state_row(state) == doc["expected"]["state"]
    got = deadline_rows(engine.deadlines(state))
    want = doc["expected"]["deadlines"]
    assert sorted(got) == sorted(want)
    for timer, row in want.items():
        assert {k: v for k, v in got[timer].items() if k != "basis"} == {
            k: v for k, v in row.items() if k != "basis"
        }, timer
        assert basis_holds(row["basis"], got[timer]["basis"]), timer


def test_good_histories_loaded_into_a_store_verify_sound(app: App) -> None:
    """Loaded as they were stored, all good histories pass `audit verify` together."""
    for path in GOOD:
        load_history(app.store.engine, _doc(path))
    report = verify(app, drift=False)
    assert report.findings == [] and report.cases == len(GOOD)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_the_known_bad_history_fails_verification_where_it_was_altered(
    app: App, path: Path
) -> None:
    """The determination altered after storage (历城办法第十七条、第十八条) is named at its seq."""
    doc = _doc(path)
    cid = load_history(app.store.engine, doc)
    report = verify(app, drift=False)
    assert not report.ok
    assert [(f.case_id, f.code, f.seq) for f in report.findings] == [
        (cid, doc["expect"]["code"], doc["expect"]["seq"])
    ]
