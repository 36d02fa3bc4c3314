"""Checkpoints an auditor keeps outside the database (issue 6): key files, signatures and the
global head.  The archived record must stay what it was (历城办法第十四条 归档)."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rongcuo.audit import checkpoint as cp
from rongcuo.domain.errors import InvalidInput

AT = datetime(2025, 10, 9, 4, 0, tzinfo=UTC)
HEADS = [cp.CaseHead("b-case", 3, "b" * 64), cp.CaseHead("a-case", 7, "a" * 64)]


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path, _ = cp.generate_keypair(tmp_path / "audit.key")
    return path


def test_keygen_writes_private_key_0600_and_public_key_beside_it(key: Path) -> None:
    """The operator's signing key is private (mode 0600); the auditor gets KEYFILE.pub
    (历城办法第十四条: the archive's integrity rests on a key the operator holds)."""
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    pub = cp.public_key_path(key)
    assert pub.exists() and b"BEGIN PUBLIC KEY" in pub.read_bytes()
    assert cp.fingerprint(cp.load_public_key(pub)) == cp.fingerprint(
        cp.load_private_key(key).public_key()
    )


def test_keygen_refuses_to_overwrite_an_existing_key(key: Path) -> None:
    """Overwriting the key would orphan every checkpoint signed with it (历城办法第十四条)."""
    with pytest.raises(InvalidInput) as err:
        cp.generate_keypair(key)
    assert err.value.code == "audit.key_exists"


def test_a_fresh_checkpoint_verifies_with_the_auditors_public_key(key: Path) -> None:
    """A signed checkpoint checks out against the public key kept by the auditor
    (历城办法第十四条)."""
    doc = cp.make_checkpoint(HEADS, 42, AT, cp.load_private_key(key))
    assert [c["case_id"] for c in doc["cases"]] == ["a-case", "b-case"]  # case-id order
    text = json.dumps(doc, ensure_ascii=False)
    again = cp.parse_checkpoint(text)
    assert cp.check_signature(again, cp.load_public_key(cp.public_key_path(key))) == []


def test_editing_a_head_in_the_checkpoint_file_breaks_its_signature(key: Path) -> None:
    """A checkpoint edited to match a rewritten log no longer verifies (历城办法第十四条)."""
    doc = cp.make_checkpoint(HEADS, 42, AT, cp.load_private_key(key))
    doc["cases"][0]["hash"] = "c" * 64
    codes = {p.code for p in cp.check_signature(doc)}
    assert "checkpoint.bad_signature" in codes
    assert "checkpoint.global_head" in codes


def test_a_checkpoint_re_signed_with_another_key_is_refused_with_the_auditors_key(
    key: Path, tmp_path: Path
) -> None:
    """A forger who re-signs with their own key is caught by the auditor's public key
    (历城办法第十四条)."""
    other, _ = cp.generate_keypair(tmp_path / "forger.key")
    doc = cp.make_checkpoint(HEADS, 42, AT, cp.load_private_key(other))
    assert cp.check_signature(doc) == []  # self-consistent…
    codes = {p.code for p in cp.check_signature(doc, cp.load_public_key(cp.public_key_path(key)))}
    assert codes == {"checkpoint.wrong_key", "checkpoint.bad_signature"}  # …but not the operator's


def test_global_head_depends_on_every_case_head_and_the_max_event_id() -> None:
    """The global head changes with any case head or the log's length (历城办法第十四条)."""
    base = cp.global_head(HEADS, 42)
    assert cp.global_head(list(reversed(HEADS)), 42) == base  # order-independent input
    assert cp.global_head(HEADS, 43) != base
    assert cp.global_head([HEADS[0], cp.CaseHead("b-case", 4, "b" * 64)], 42) != base


def test_log_that_rewrote_a_head_or_lost_it_does_not_extend_the_checkpoint(key: Path) -> None:
    """Rewritten, truncated and back-inserted cases are each named (历城办法第十四条)."""
    doc = cp.make_checkpoint(HEADS, 42, AT, cp.load_private_key(key))
    current = {("a-case", 7): "f" * 64}  # a rewritten; b truncated below seq 3
    problems = cp.check_extends(
        doc, lambda c, s: current.get((c, s)), lambda max_id: {"a-case", "b-case", "z-new"}
    )
    assert [(p.case_id, p.code) for p in problems] == [
        ("a-case", "checkpoint.head_changed"),
        ("b-case", "checkpoint.head_missing"),
        ("z-new", "checkpoint.case_inserted"),
    ]


def test_a_log_that_grew_after_the_checkpoint_still_extends_it(key: Path) -> None:
    """New events after the checkpoint are legitimate (a correction is a new event,
    历城办法第十四条)."""
    doc = cp.make_checkpoint(HEADS, 42, AT, cp.load_private_key(key))
    current = {("a-case", 7): "a" * 64, ("b-case", 3): "b" * 64, ("a-case", 8): "e" * 64}
    assert cp.check_extends(doc, lambda c, s: current.get((c, s)), lambda m: {"a-case"}) == []


def test_a_checkpoint_that_is_not_json_is_refused_naming_the_line(tmp_path: Path) -> None:
    """Bad input gets a clear bilingual error (not a traceback)."""
    with pytest.raises(InvalidInput) as err:
        cp.parse_checkpoint('{\n"format": ', "cp.json")
    assert "cp.json" in err.value.message_en and "line 2" in err.value.message_en
