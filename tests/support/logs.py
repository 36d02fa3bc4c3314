"""Log lines as JSON for a test, and everything put back afterwards.

rongcuo configures logging once per process (``rongcuo.logging.configure``); a test that reads
log lines sets the level and format, lets the next command configure them again (or does it
now, ``configure=True``, for code that logs outside a CLI command), and then restores exactly
what the rest of the worker's tests had: structlog's configuration and context, the root
logger's handlers and level, and the libraries' levels — never structlog's defaults, which
print to stdout, and never a DEBUG level left switched on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import structlog

from rongcuo import logging as rlog


def logs_as_json(monkeypatch: pytest.MonkeyPatch, level: str = "INFO", *,
              configure: bool = False) -> Iterator[None]:
    """A fixture's body: ``yield from logs_as_json(monkeypatch, "DEBUG")``."""
    monkeypatch.setenv("RONGCUO_LOG_LEVEL", level)
    monkeypatch.setenv("RONGCUO_LOG_FORMAT", "json")
    before = structlog.get_config()
    root = logging.getLogger()
    handlers, root_level = list(root.handlers), root.level
    quiet = {n: logging.getLogger(n).level for n in rlog.QUIET_LIBRARIES}
    monkeypatch.setattr(rlog, "_configured", False)
    structlog.contextvars.clear_contextvars()
    if configure:
        rlog.configure()
    yield
    structlog.configure(**before)
    structlog.contextvars.clear_contextvars()
    root.handlers[:] = handlers
    root.setLevel(root_level)
    for name, lib_level in quiet.items():
        logging.getLogger(name).setLevel(lib_level)
