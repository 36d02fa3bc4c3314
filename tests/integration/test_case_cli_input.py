"""What a case worker types is checked before anything is written, the same on SQLite and on
PostgreSQL: who records a step is never blank, no text is longer than its column, dates are
YYYY-MM-DD, whole numbers are ASCII digits, nothing is given twice, and a date option given
empty is not taken for "no filter".  Every refusal is exit 3, in Chinese and English, naming
the field; nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.test_case_cli import Worker, _open_filed


@pytest.fixture
def w(db_url: str) -> Worker:
    worker = Worker(db_url)
    worker.run("db", "upgrade")
    return worker


def _open_args(**override: str) -> list[str]:
    opts = {"--workflow": "licheng", "--subject": "张某", "--agency": "历城区市场监督管理局",
            "--on": "2025-09-26", "--by": "监督科", **override}
    args = ["case", "open"]
    for k, v in opts.items():
        args += [k, v]
    return [*args, "--set", "matter=超期作出行政处罚决定"]


def _cases(w: Worker) -> list[Any]:
    return list(json.loads(w.run("case", "list", "--json").stdout))


def _events(w: Worker, case: str) -> list[Any]:
    return list(w.show(case)["events"])


def test_a_blank_actor_is_refused_on_open_and_on_fire(w: Worker) -> None:
    """``--by ""`` / ``--by "   "``: every step records who recorded it (the event log's
    actor), so a blank one is refused like a blank --subject or --agency."""
    for blank in ("", "   "):
        res = w.run(*_open_args(**{"--by": blank}), ok=False)
        assert res.exit_code == 3 and "--by" in res.stderr and "must not be blank" in res.stderr
    assert _cases(w) == []
    case = _open_filed(w)
    before = _events(w, case)
    for blank in ("", "   "):
        res = w.run("case", "fire", case, "assign_investigator", "--on", "2025-09-30",
                    "--by", blank, "--set", "investigator=李明", ok=False)
        assert res.exit_code == 3 and "--by" in res.stderr and "不能为空" in res.stderr
    assert _events(w, case) == before


@pytest.mark.parametrize("option", ["--subject", "--agency", "--by", "--idempotency-key"])
def test_text_longer_than_its_column_is_refused_on_open(w: Worker, option: str) -> None:
    """Subject, agency, actor and idempotency key are stored in 200-character columns:
    201 characters are refused naming the field and the limit — on SQLite (which would store
    them) exactly as on PostgreSQL (which would fail mid-transaction); 200 are recorded."""
    res = w.run(*_open_args(**{option: "张" * 201}), ok=False)
    assert res.exit_code == 3, res.output
    assert option in res.stderr and "200" in res.stderr and "201" in res.stderr
    assert "Traceback" not in res.output and "INSERT" not in res.output
    assert _cases(w) == []
    w.run(*_open_args(**{option: "张" * 200}))
    assert len(_cases(w)) == 1


@pytest.mark.parametrize("option", ["--by", "--idempotency-key"])
def test_text_longer_than_its_column_is_refused_on_fire(w: Worker, option: str) -> None:
    """The same limits on a step: nothing is recorded."""
    case = _open_filed(w)
    before = _events(w, case)
    args = {"--by": "监督科", "--idempotency-key": "k-1", option: "x" * 300}
    res = w.run("case", "fire", case, "assign_investigator", "--on", "2025-09-30",
                "--set", "investigator=李明", *[a for kv in args.items() for a in kv], ok=False)
    assert res.exit_code == 3 and option in res.stderr and "200" in res.stderr
    assert _events(w, case) == before
