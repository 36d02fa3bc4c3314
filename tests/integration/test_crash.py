"""A writer killed (SIGKILL) while it writes leaves no half-written case and a chain that
verifies (issue 4: "nothing they record may ever be lost, duplicated or silently changed")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from rongcuo.adapters.db import synthetic as syn
from rongcuo.adapters.db.store import Store
from rongcuo.bootstrap import bootstrap
from rongcuo.domain.chain import verify_chain

AT = datetime(2025, 10, 9, 2, tzinfo=UTC)

CHILD = r"""
import sys, time
from datetime import UTC, date, datetime
from pathlib import Path
from rongcuo.adapters.db import synthetic as syn
from rongcuo.bootstrap import bootstrap
url, case_id, mode, flag = sys.argv[1:5]
store = bootstrap(url, migrate=False).store
at = datetime(2025, 10, 9, 2, tzinfo=UTC)
if mode == "mid":
    case = store.load_case(case_id)
    ev, st, dl = syn.step(case.state, date(2025, 10, 9), 999)
    with store.write() as conn:
        store.append_in(conn, case.head, st, ev, dl, at)
        Path(flag).write_text("written, not committed")
        time.sleep(120)
else:
    n = 0
    while True:
        n += 1
        case = store.load_case(case_id)
        syn.commit_step(store, case, date(2025, 10, 9), n, at)
        Path(flag).write_text(str(n))
"""


def _open(store: Store) -> str:
    return syn.open_case(store, date(2025, 9, 30), AT)


def _run_and_kill(url: str, case_id: str, mode: str, flag: Path, until: int) -> None:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, url, case_id, mode, str(flag)])
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if flag.exists():
                text = flag.read_text()
                if mode == "mid" or (text.isdigit() and int(text) >= until):
                    break
            assert proc.poll() is None, "the writer died on its own"
            time.sleep(0.01)
        else:
            pytest.fail("the writer never reached the point to kill it")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)


def _assert_whole(store: Store, case_id: str) -> int:
    events = store.case_events(case_id)
    case = store.load_case(case_id)
    (dl,) = store.deadlines(case_id=case_id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert (case.last_seq, case.last_hash, case.version) == (
        events[-1].seq,
        events[-1].hash,
        len(events),
    )
    assert case.state.facts["n"] == events[-1].data["n"] == dl.basis["n"]
    assert verify_chain(e.hashed_fields() for e in store.iter_events()) == []
    return len(events)


def test_a_writer_killed_before_commit_leaves_nothing_of_its_step(
    db_url: str, tmp_path: Path
) -> None:
    """SIGKILL after the event, case and deadline writes but before COMMIT: none of them is
    stored, and the next writer is not blocked."""
    store = bootstrap(db_url, migrate=True).store
    case_id = _open(store)
    _run_and_kill(db_url, case_id, "mid", tmp_path / "flag", 0)
    assert _assert_whole(store, case_id) == 1
    case = store.load_case(case_id)
    assert case is not None
    syn.commit_step(store, case, date(2025, 10, 10), 1, AT)
    assert _assert_whole(store, case_id) == 2


@pytest.mark.slow
def test_a_writer_killed_in_a_stream_of_writes_leaves_a_verifying_chain(
    db_url: str, tmp_path: Path
) -> None:
    """SIGKILL at an arbitrary moment of a stream of transitions: every committed step is
    whole (case row, events, deadline agree) and the chain verifies."""
    store = bootstrap(db_url, migrate=True).store
    case_id = _open(store)
    _run_and_kill(db_url, case_id, "stream", tmp_path / "flag", 25)
    assert _assert_whole(store, case_id) >= 26
