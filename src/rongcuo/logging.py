"""Structured logging (structlog).  Bind ``case_id``, ``actor`` and ``request_id`` with
:func:`bind` at the entry points; every log line then carries them.

The standard library's loggers (APScheduler's, SQLAlchemy's, Alembic's, ``warnings``) go
through the same processors and renderer (:func:`configure` installs one handler on the root
logger): every event is **one line** of JSON on stderr, an exception is a field
(``exception``: its traceback as one string), never a multi-line traceback between the JSON
lines that a log shipper cannot parse.  A library that repeats the same message (APScheduler's
"skipped: maximum number of running instances reached" while a slow job runs) is let through
once per :data:`REPEAT_WINDOW_SECONDS` per message; the next line that gets through says how
many were held back (``repeated``).
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, MutableMapping
from contextlib import AbstractContextManager
from typing import Any, TypeVar


def _hide_rich() -> bool:
    """structlog imports rich (and through it pygments) whenever they are installed, for its
    console renderer's tracebacks; the JSON lines rongcuo writes by default use neither, and
    they cost a command more CPU than its own modules (issue 16).  Unless the console format
    is asked for, hide rich while structlog is imported (structlog then does without it)."""
    if os.environ.get("RONGCUO_LOG_FORMAT", "json") != "json":
        return False
    if "rich" in sys.modules or "structlog" in sys.modules:
        return False
    sys.modules["rich"] = None  # type: ignore[assignment]  # makes `import rich` fail
    return True


_HID_RICH = _hide_rich()
try:
    import structlog
finally:
    if _HID_RICH and sys.modules.get("rich", ...) is None:
        del sys.modules["rich"]  # a later `import rich` (elsewhere) works as usual

_configured = False

REPEAT_WINDOW_SECONDS = 60.0
# Libraries whose INFO lines repeat what rongcuo logs itself (APScheduler: "Running job …",
# "Job … executed successfully" for every run of every job): WARNING and above only.
QUIET_LIBRARIES = ("apscheduler", "sqlalchemy", "alembic", "urllib3")


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is now (not the one present at configure time), so
    logs never leak into a captured stdout or a closed stream."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


class _LogFile:
    """Appends to the file ``where()`` names at the time of writing (created on the first
    line, owner-only), so a command that logs nothing creates nothing; a file that cannot be
    written falls back to stderr (a log line is never lost)."""

    def __init__(self, where: Callable[[], Any]) -> None:
        self._where = where

    def write(self, text: str) -> int:
        try:
            path = self._where()
            os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as f:
                return f.write(text)
        except OSError:
            return sys.stderr.write(text)

    def flush(self) -> None:
        pass


def destination(default_file: Callable[[], Any] | None) -> Any:
    """Where log lines go: ``RONGCUO_LOG_FILE`` if set; stderr when the operator asked for
    logs (``RONGCUO_LOG_LEVEL`` / ``RONGCUO_LOG_FORMAT`` set, as the systemd units do) or no
    default file is given; else the default file — a person at a terminal reads the
    command's text, never a raw log line (logs go to the log)."""
    named = os.environ.get("RONGCUO_LOG_FILE")
    if named:
        return _LogFile(lambda: named)
    asked = os.environ.get("RONGCUO_LOG_LEVEL") or os.environ.get("RONGCUO_LOG_FORMAT")
    if asked or default_file is None:
        return _CurrentStderr()
    return _LogFile(default_file)


class RepeatLimiter(logging.Filter):
    """Let a standard-library message (same logger, same unformatted template) through at most
    once per ``window`` seconds; the next one let through carries ``repeated`` = how many were
    held back.  Keyed by the template, not the formatted text, so "job X missed by 0:00:01"
    and "… by 0:00:02" count as one message."""

    def __init__(self, window: float = REPEAT_WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.window, self._clock = window, clock
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = self._clock()
        with self._lock:
            last = self._seen.get(key)
            if last is not None and now - last[0] < self.window:
                self._seen[key] = (last[0], last[1] + 1)
                return False
            self._seen[key] = (now, 0)
        if last is not None and last[1]:
            record.repeated = last[1]
        return True


def _foreign_extras(
    _logger: Any, _name: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A standard-library record's ``repeated`` count; its text without the trailing newline
    that ``warnings`` adds."""
    if isinstance(event.get("event"), str):
        event["event"] = event["event"].rstrip()
    record = event.get("_record")
    repeated = getattr(record, "repeated", None)
    if repeated:
        event["repeated"] = repeated
    return event


def _level(name: str | None) -> int:
    text = (name or os.environ.get("RONGCUO_LOG_LEVEL", "WARNING")).upper()
    return logging.getLevelNamesMapping().get(text, logging.WARNING)


def configure(level: str | None = None, json: bool | None = None,
              default_file: Callable[[], Any] | None = None) -> None:
    """Configure structlog once: JSON lines (``RONGCUO_LOG_FORMAT=console`` for humans); level
    from ``RONGCUO_LOG_LEVEL`` (default WARNING, so CLI output stays clean); written where
    :func:`destination` says (the CLI passes its log file as ``default_file``).  The
    standard library's loggers are routed through the same renderer (module docstring)."""
    global _configured
    if _configured:
        return
    threshold = _level(level)
    use_json = json if json is not None else os.environ.get("RONGCUO_LOG_FORMAT", "json") == "json"
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if use_json
        else structlog.dev.ConsoleRenderer()
    )
    timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True)
    out = destination(default_file)
    # JSON: the traceback becomes one string field; the console renderer prints it itself
    exc = [structlog.processors.format_exc_info] if use_json else []
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            timestamper,
            *exc,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
    _route_stdlib(threshold, renderer, timestamper, exc, out)
    _configured = True


def _route_stdlib(threshold: int, renderer: Any, timestamper: Any, exc: list[Any],
                  out: Any) -> None:
    """One handler on the root logger rendering each record like a structlog event."""
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            timestamper,
            _foreign_extras,
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *exc, renderer],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    handler.addFilter(RepeatLimiter())
    handler.set_name("rongcuo")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "rongcuo"]:
        root.removeHandler(old)  # configured again (tests): never two handlers
    root.addHandler(handler)
    root.setLevel(threshold)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(threshold, logging.WARNING))
    logging.captureWarnings(True)  # warnings.warn(...) → the py.warnings logger → one line


def bind(**context: Any) -> None:
    """Bind context (case_id, actor, request_id, …) for the rest of this request."""
    structlog.contextvars.bind_contextvars(**context)


def bound(**context: Any) -> AbstractContextManager[None]:
    """Bind context for one block only (one case of a loop, one scheduler job) and put back
    what was bound before when it ends, so a case id never outlives its case."""
    return structlog.contextvars.bound_contextvars(**context)


T = TypeVar("T")


def isolated(fn: Callable[[], T]) -> T:
    """Run ``fn`` in a fresh, empty logging context: a scheduler job in a pooled thread sees
    nothing an earlier job bound there, and nothing it binds (e.g. a case id through
    :func:`bind` in a service call) outlives it."""
    return contextvars.Context().run(fn)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
