"""Structured logging (structlog).  Bind ``case_id``, ``actor`` and ``request_id`` with
:func:`bind` at the entry points; every log line then carries them."""

from __future__ import annotations

import contextvars
import logging
import os
import sys
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import structlog

_configured = False


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is now (not the one present at configure time), so
    logs never leak into a captured stdout or a closed stream."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure(level: str | None = None, json: bool | None = None) -> None:
    """Configure structlog once: JSON lines to stderr by default (``RONGCUO_LOG_FORMAT=console``
    for humans); level from ``RONGCUO_LOG_LEVEL`` (default WARNING, so CLI output stays clean)."""
    global _configured
    if _configured:
        return
    level_name = (level or os.environ.get("RONGCUO_LOG_LEVEL", "WARNING")).upper()
    use_json = json if json is not None else os.environ.get("RONGCUO_LOG_FORMAT", "json") == "json"
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if use_json
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level_name, logging.WARNING)
        ),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    _configured = True


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
