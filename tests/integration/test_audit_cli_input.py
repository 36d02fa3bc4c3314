"""Files an auditor names on the command line that cannot be used are refused — exit 3 naming
the file and the reason — never a traceback: an ``--out`` path that cannot be written, a
``--against`` file that is not a checkpoint (not UTF-8, or JSON of the wrong shape)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rongcuo.audit import checkpoint as cp
from rongcuo.audit.api import take_checkpoint
from rongcuo.bootstrap import bootstrap
from rongcuo.clock import FixedClock
from rongcuo.entrypoints.cli.main import EXIT_REFUSED, cli
from tests.support.walks import walk_licheng


@pytest.fixture
def seeded(db_url: str, tmp_path: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """A database with one Licheng case, its id, and a signed checkpoint of it."""
    clock = FixedClock(datetime(2025, 9, 26, 2, 0, tzinfo=UTC))
    app = bootstrap(database_url=db_url, clock=clock, migrate=True)
    try:
        cid = walk_licheng(app, clock, steps=3)
        key = cp.generate_keypair(tmp_path / "operator.key")[0]
        doc = take_checkpoint(app, key, clock.now())
    finally:
        app.close()
    yield db_url, cid, doc


@pytest.mark.parametrize("fmt", ["html", "json"])
def test_export_to_a_directory_that_does_not_exist_is_refused_naming_it(
    seeded: tuple[str, str, dict[str, Any]], tmp_path: Path, fmt: str
) -> None:
    """``audit export CASE --out /nonexistent/dir/x.html``: exit 3 naming the path and the
    operating system's reason, not a FileNotFoundError."""
    url, cid, _ = seeded
    out = tmp_path / "nonexistent" / "dir" / f"x.{fmt}"
    res = CliRunner().invoke(cli, ["audit", "export", cid, "--format", fmt, "--out", str(out),
                                   "--db", url])
    assert res.exit_code == EXIT_REFUSED, res.output
    assert str(out) in res.stderr and "No such file or directory" in res.stderr
    assert not out.parent.exists()


def test_a_checkpoint_file_that_is_not_utf8_is_refused(
    seeded: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    """``audit verify --against FILE`` with bytes that are not UTF-8: "not a checkpoint file",
    with the reason, exit 3 (not a UnicodeDecodeError)."""
    url, _, doc = seeded
    f = tmp_path / "cp.json"
    f.write_bytes(b"\xff\xfe" + json.dumps(doc).encode("utf-16-le"))
    res = CliRunner().invoke(cli, ["audit", "verify", "--against", str(f), "--db", url])
    assert res.exit_code == EXIT_REFUSED, res.output
    assert f"{f} is not a checkpoint file: not UTF-8 text" in res.stderr
    assert "不是检查点文件" in res.stderr


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cases", "zz"),
        ("cases", ["zz"]),
        ("cases", [{"case_id": "x", "seq": "1", "hash": "h"}]),
        ("max_event_id", "zz"),
        ("global_head", 7),
    ],
    ids=["cases-text", "cases-item-text", "seq-text", "max-event-id-text", "global-head-int"],
)
def test_json_of_the_wrong_shape_is_not_a_checkpoint(
    seeded: tuple[str, str, dict[str, Any]], tmp_path: Path, field: str, value: Any
) -> None:
    """A signed checkpoint with ``"cases": "zz"`` (or another field of the wrong type) is
    refused as "not a checkpoint file" naming the field, exit 3 (not a TypeError)."""
    url, _, doc = seeded
    f = tmp_path / "cp.json"
    f.write_text(json.dumps({**doc, field: value}), encoding="utf-8")
    res = CliRunner().invoke(cli, ["audit", "verify", "--against", str(f), "--db", url])
    assert res.exit_code == EXIT_REFUSED, res.output
    assert f"{f} is not a checkpoint file" in res.stderr and field in res.stderr
