"""The service's outage gate and its log: one ``db.unavailable``, capped exponential backoff,
one ``db.recovered`` with the outage's length; library log lines as one JSON line each.

(Fault issue, section 3: a PostgreSQL stopped for 15 s under the scheduler wrote 1,369 lines
of multi-line tracebacks to stderr and was retried at full rate.)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import structlog

from rongcuo import logging as rlog
from rongcuo.scheduler.health import DatabaseGate, Entry, is_unavailable
from tests.support.logs import logs_as_json


class Tick:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def json_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from logs_as_json(monkeypatch, "INFO", configure=True)


def _lines(err: str) -> list[dict[str, object]]:
    out = []
    for line in err.splitlines():
        assert line.startswith("{"), f"not a JSON line: {line!r}"
        out.append(json.loads(line))
    return out


def _refused() -> sa.exc.OperationalError:
    return sa.exc.OperationalError("SELECT 1", {}, Exception(
        'connection failed: connection to server at "127.0.0.1", port 5432 failed:\n'
        "Connection refused\n\tIs the server running on that host?"))


def test_an_outage_is_logged_once_retried_with_capped_backoff_and_its_end_logged_once(
    json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """While the database is out, jobs are skipped until the next try is due; the tries are
    1, 2, 4, 8 s apart, then 8 s (the cap); a try while another is in flight is skipped too;
    the first answer ends the outage with its length and the failed tries."""
    tick = Tick()
    gate = DatabaseGate(base=1, cap=8, clock=tick)
    assert gate.enter() is Entry.RUN
    gate.failed(_refused(), "sweep")
    waits = []
    for _ in range(6):
        start = tick.t
        while gate.enter() is Entry.SKIP:
            tick.t += 0.25
        waits.append(tick.t - start)
        assert gate.enter() is Entry.SKIP  # one probe at a time
        gate.failed(_refused(), "deliver")
    assert waits == [1, 2, 4, 8, 8, 8]
    tick.t += 8
    assert gate.enter() is Entry.PROBE
    tick.t += 0.5
    gate.answered("sweep")
    assert gate.enter() is Entry.RUN and not gate.down
    events = _lines(capsys.readouterr().err)
    assert [e["event"] for e in events] == ["db.unavailable", "db.recovered"]
    down, up = events
    assert down["level"] == "error" and down["job"] == "sweep"
    assert "Connection refused" in str(down["error"]) and "\n" not in str(down["error"])
    assert up["outage_seconds"] == 39.5 and up["failed_tries"] == 7


def test_only_a_database_that_does_not_answer_counts_as_an_outage() -> None:
    """A refused connection or a dropped one is an outage; a programming error (a bad
    statement) is not: it is logged as the job's failure, not retried as an outage."""
    assert is_unavailable(_refused())
    dropped = sa.exc.DBAPIError("SELECT 1", {}, Exception("server closed the connection"),
                                connection_invalidated=True)
    assert is_unavailable(dropped)
    assert not is_unavailable(sa.exc.ProgrammingError("SELEC 1", {}, Exception("syntax")))
    assert not is_unavailable(ValueError("bad"))


def test_library_log_lines_are_one_json_line_each_with_the_exception_as_a_field(
    json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """APScheduler's "Job … raised an exception" (logger.exception, a multi-line traceback in
    plain text before) is one JSON line carrying the bound context, its logger's name and the
    traceback as a field; APScheduler's INFO chatter is not printed; a repeated warning is
    printed once a minute, not once per tick."""
    rlog.bind(request_id="r1")
    try:
        raise RuntimeError("database gone")
    except RuntimeError:
        logging.getLogger("apscheduler.executors.default").exception('Job "%s" raised', "sweep")
    logging.getLogger("apscheduler.scheduler").info('Running job "%s"', "sweep")
    skipped = 'Execution of job "%s" skipped: maximum number of running instances reached (%d)'
    for _ in range(5):
        logging.getLogger("apscheduler.scheduler").warning(skipped, "sweep", 1)
    structlog.contextvars.clear_contextvars()
    err = capsys.readouterr().err
    events = _lines(err)
    assert len(err.splitlines()) == 2
    failed, overlap = events
    assert failed["logger"] == "apscheduler.executors.default"
    assert failed["event"] == 'Job "sweep" raised' and failed["request_id"] == "r1"
    assert "RuntimeError: database gone" in str(failed["exception"])
    assert "maximum number of running instances" in str(overlap["event"])


def test_a_held_back_repeat_is_counted_on_the_next_line_let_through() -> None:
    """The repeat limiter keys on the logger and the unformatted message: after its window,
    the next line says how many were held back."""
    tick = Tick()
    limiter = rlog.RepeatLimiter(window=60, clock=tick)

    def record(arg: int) -> logging.LogRecord:
        return logging.LogRecord("apscheduler.scheduler", logging.WARNING, __file__, 1,
                                 "missed by %s", (arg,), None)

    passed = [limiter.filter(record(i)) for i in range(4)]
    assert passed == [True, False, False, False]
    tick.t += 61
    again = record(9)
    assert limiter.filter(again) and again.repeated == 3  # type: ignore[attr-defined]


def test_the_services_engine_keeps_statement_parameters_out_of_its_errors(
    tmp_path: Path,
) -> None:
    """A job.failed line carries the error's text: the service's engine hides a failed
    statement's parameters (a case's data, a reporter's name) from it."""
    from rongcuo.bootstrap import bootstrap
    from rongcuo.entrypoints.cli.scheduler_cmd import _app

    bootstrap(str(tmp_path / "x.sqlite3")).close()
    app = _app(str(tmp_path / "x.sqlite3"), service=True)
    try:
        with app.store.read() as conn:
            conn.execute(sa.text("SELECT * FROM no_such_table WHERE x = :x"), {"x": "张某"})
    except sa.exc.OperationalError as exc:
        text = str(exc)
    finally:
        app.close()
    assert "张某" not in text and "parameters hidden" in text
