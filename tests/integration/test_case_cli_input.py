"""What a case worker types is checked before anything is written, the same on SQLite and on
PostgreSQL: who records a step is never blank, no text is longer than its column, dates are
YYYY-MM-DD, whole numbers are ASCII digits, nothing is given twice, and a date option given
empty is not taken for "no filter".  Every refusal is exit 3, in Chinese and English, naming
the field; nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.test_case_cli import Worker, _open_filed, _verifying


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


@pytest.mark.parametrize("day", ["20250926", "2025-W39-5", " 2025-09-26"])
def test_a_business_date_must_be_written_yyyy_mm_dd(w: Worker, day: str) -> None:
    """``--on``: only YYYY-MM-DD, as help and errors say (Python 3.11 alone would also read
    20250926 and the week date 2025-W39-5 as 2025-09-26)."""
    res = w.run(*_open_args(**{"--on": day}), ok=False)
    assert res.exit_code == 3 and "--on" in res.stderr and "YYYY-MM-DD" in res.stderr
    assert _cases(w) == []


def test_a_date_in_step_data_must_be_written_yyyy_mm_dd(w: Worker) -> None:
    """``--set received_on=20250901`` (历城办法第十五条, the date the agency received the
    transfer) is refused naming the field; the same date written 2025-09-01 is recorded."""
    case = w.open("2025-08-28", "matter=未及时立案")
    w.fire(case, "file", "2025-08-29")
    before = _events(w, case)
    for bad in ("20250901", "2025-W36-1"):
        res = w.fire(case, "transfer", "2025-09-01", f"received_on={bad}", ok=False)
        assert res.exit_code == 3 and "received_on" in res.stderr and "YYYY-MM-DD" in res.stderr
    assert _events(w, case) == before
    w.fire(case, "transfer", "2025-09-01", "received_on=2025-09-01")


def test_a_whole_number_in_step_data_must_be_ascii_digits(w: Worker) -> None:
    """``--set days=…`` (历城办法第十七条, the extension): ``1_0``, Arabic-Indic ``١٠``,
    full-width ``１０`` and `` 10`` are refused naming the field; ``10`` is recorded."""
    case = _verifying(w)
    before = _events(w, case)
    for bad in ("1_0", "١٠", "１０", " 10", "+10"):
        res = w.fire(case, "extend_investigation", "2025-10-20", f"days={bad}",
                     "approved_by=王主任", ok=False)
        assert res.exit_code == 3, bad
        assert "days" in res.stderr and "not a whole number" in res.stderr
    assert _events(w, case) == before
    w.fire(case, "extend_investigation", "2025-10-20", "days=10", "approved_by=王主任")
    assert w.show(case)["events"][-1]["data"]["days"] == 10


def test_a_key_set_twice_is_refused_naming_it(w: Worker) -> None:
    """``--set matter=A --set matter=B`` would silently keep B: refused, naming the key."""
    res = w.run(*_open_args(), "--set", "matter=另一事项", ok=False)
    assert res.exit_code == 3 and "matter" in res.stderr and "twice" in res.stderr
    assert _cases(w) == []


def test_an_item_named_twice_is_refused_naming_it(w: Worker) -> None:
    """A determination's items (历城办法第十条 条.项) name each situation once:
    ``items=10.2,10.2`` would store it twice."""
    case = _verifying(w)
    w.fire(case, "hear_statement", "2025-10-15")
    before = _events(w, case)
    res = w.fire(case, "determine", "2025-10-24", "outcome=exempted", "items=10.2, 10.2",
                 "correction_required=true", ok=False)
    assert res.exit_code == 3 and "10.2" in res.stderr and "more than once" in res.stderr
    assert _events(w, case) == before


@pytest.mark.parametrize(
    "args",
    [["--due-before", ""], ["--overdue", "--as-of", ""], ["--due-before", "20251101"]],
    ids=["due-before", "as-of", "due-before-basic-format"],
)
def test_an_empty_or_malformed_date_filter_is_refused(w: Worker, args: list[str]) -> None:
    """``case list --due-before "$D"`` with D unset must not list every case as if no filter
    had been given: an empty date option is refused naming it."""
    _open_filed(w)
    res = w.run("case", "list", *args, ok=False)
    assert res.exit_code == 3 and args[-2] in res.stderr and "YYYY-MM-DD" in res.stderr


def test_an_empty_idempotency_key_is_refused_not_taken_for_none(w: Worker) -> None:
    """`--idempotency-key "$KEY"` with KEY unset: silently recording without a key would let
    the retry record the step twice; it is refused and nothing is written."""
    case = _open_filed(w)
    before = _events(w, case)
    for blank in ("", "  "):
        res = w.run("case", "fire", case, "assign_investigator", "--on", "2025-09-30",
                    "--by", "监督科", "--set", "investigator=李明",
                    "--idempotency-key", blank, ok=False)
        assert res.exit_code == 3 and "--idempotency-key" in res.stderr
        assert "must not be blank" in res.stderr
    assert _events(w, case) == before
    res = w.run(*_open_args(**{"--idempotency-key": ""}), ok=False)
    assert res.exit_code == 3
    assert len(_cases(w)) == 1


def test_an_empty_scheduler_config_path_is_refused(w: Worker) -> None:
    res = w.run("scheduler", "sweep", "--config", "", ok=False)
    assert res.exit_code == 3 and "--config is empty" in res.stderr

