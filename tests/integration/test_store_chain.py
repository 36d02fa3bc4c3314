"""The documented canonical encoding and hash chain (``rongcuo.domain.chain``, issue 4): an
auditor recomputes every hash with standard tools and detects any change."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rongcuo.domain.chain import (
    GENESIS,
    canonical_bytes,
    canonical_fields,
    event_hash,
    format_recorded_at,
    verify_chain,
)


def _event(seq: int, prev: str, **over: Any) -> dict[str, Any]:
    f = canonical_fields(
        case_id="c1",
        seq=seq,
        prev_hash=prev,
        trigger="file",
        type="CaseFiled",
        on=date(2025, 10, 9),
        actor="王科长",
        article="历城办法第十四条",
        data={"note": "国庆后立案", "n": seq},
        workflow_id="licheng",
        workflow_version="2025.1",
        recorded_at=datetime(2025, 10, 9, 1, 2, 3, 456, tzinfo=UTC),
    )
    f.update(over)
    f["hash"] = event_hash(f)
    return f


def _chain(n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        out.append(_event(seq, prev))
        prev = out[-1]["hash"]
    return out


def test_canonical_bytes_are_sorted_compact_utf8_json() -> None:
    """The documented encoding: sorted keys, no whitespace, non-ASCII as itself, UTF-8."""
    ev = _event(1, GENESIS)
    raw = canonical_bytes(ev)
    assert raw.startswith(b'{"actor":"\xe7\x8e\x8b\xe7\xa7\x91\xe9\x95\xbf","article":')
    assert b" " not in raw and b"\\u" not in raw and b'"hash"' not in raw
    assert b'"recorded_at":"2025-10-09T01:02:03.000456Z"' in raw
    assert ev["hash"] == hashlib.sha256(raw).hexdigest()


def test_recorded_at_is_hashed_as_utc_whatever_the_offset_given() -> None:
    """recorded_at is ISO-8601 UTC with microseconds and Z; 09:02 CST is 01:02 UTC."""
    cst = timezone(timedelta(hours=8))
    assert format_recorded_at(datetime(2025, 10, 9, 9, 2, 3, tzinfo=cst)) == (
        "2025-10-09T01:02:03.000000Z"
    )


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq not installed")
def test_an_auditor_recomputes_the_hash_with_jq_and_sha256sum() -> None:
    """The README recipe (``jq -cjS … | sha256sum``) gives the stored hash."""
    ev = _event(1, GENESIS)
    keys = (
        "case_id,seq,prev_hash,trigger,type,on,actor,article,data,workflow_id,"
        "workflow_version,recorded_at"
    )
    jq = subprocess.run(
        ["jq", "-cjS", "{" + keys + "}"],
        input=json.dumps(ev).encode(),
        capture_output=True,
        check=True,
    ).stdout
    assert hashlib.sha256(jq).hexdigest() == ev["hash"]


def test_an_intact_chain_verifies() -> None:
    """Each event's prev_hash is the previous event's hash, starting from 64 zeros."""
    assert verify_chain(_chain(5)) == []


def test_an_edited_event_breaks_the_chain_at_that_event() -> None:
    """Any change to a recorded event is detected (the event log is the record)."""
    chain = _chain(4)
    chain[2] = {**chain[2], "actor": "someone else"}
    assert [(b.seq, b.problem) for b in verify_chain(chain)] == [
        (3, "hash does not match the event's content")
    ]


def test_a_removed_event_is_detected_as_a_gap() -> None:
    """Removing an event breaks both the seq sequence and the prev_hash link."""
    chain = _chain(4)
    del chain[1]
    problems = {b.problem for b in verify_chain(chain)}
    assert problems == {"seq 3 follows 1", "prev_hash is not the previous event's hash"}


@settings(max_examples=40, deadline=None)
@given(
    field=st.sampled_from(
        ["trigger", "type", "on", "actor", "article", "workflow_version", "recorded_at", "case_id"]
    ),
    value=st.text(min_size=1, max_size=12),
    extra=st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3),
)
def test_any_change_to_a_hashed_field_changes_the_hash(
    field: str, value: str, extra: dict[str, Any]
) -> None:
    """Every hashed field, and every key of the data, is covered by the hash."""
    base = _event(1, GENESIS)
    changed = {**base, field: base[field] + value}
    assert event_hash(changed) != base["hash"]
    if extra:
        assert event_hash({**base, "data": {**base["data"], **extra, "n": "x"}}) != base["hash"]
