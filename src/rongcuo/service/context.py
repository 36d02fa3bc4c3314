"""What every handler and query receives: the service layer's own context.

The composition root (:mod:`rongcuo.bootstrap`) builds one :class:`App` — the store, the
clock, and loaders for the calendar and the definitions — and every entry point (CLI, HTTP,
scheduler, audit, tests) passes it to the service layer.  The calendar and the definitions
are loaded on first use (the store alone needs neither) or injected (tests pass fixed ones).
One engine is built per definition version and shared; :meth:`App.unit_of_work` opens the
one write transaction every writer of events goes through.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rongcuo.adapters.db.store import Store
from rongcuo.clock import Clock

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.domain.engine import Engine
    from rongcuo.service.unit_of_work import UnitOfWork


@dataclass
class App:
    """The service context: the store, the clock, the calendar, the definitions."""

    store: Store
    clock: Clock
    database_url: str
    load_calendar: Callable[[], Any] | None = None
    load_definitions: Callable[[], Any] | None = None
    # the adopting body's values of parameters a source leaves blank (C2), by workflow id
    load_settings: Callable[[str], Mapping[str, Any]] | None = None
    # the evaluation standards (评查标准) by id, read at the edge like the calendar
    load_catalogues: Callable[[], Mapping[str, Any]] | None = None
    _calendar: Any = None
    _catalogues: Mapping[str, Any] | None = None
    _definitions: Any = None
    _engines: dict[tuple[str, str], Engine] = field(default_factory=dict)
    # run after a step is committed, ``hook(app, result, trigger)``: what an entry point adds
    # from a layer the service may not import (the audit's issuing of the archived case file)
    step_hooks: list[Callable[[Any, Any, str], None]] = field(default_factory=list)
    # one context may serve concurrent requests (the HTTP server's threads): building an
    # engine or loading a file happens once, under this lock
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def calendar(self) -> Any:
        if self._calendar is None:
            with self._lock:
                if self._calendar is None:
                    assert self.load_calendar is not None, "no calendar loader configured"
                    self._calendar = self.load_calendar()
        return self._calendar

    @property
    def definitions(self) -> Any:
        if self._definitions is None:
            with self._lock:
                if self._definitions is None:
                    assert self.load_definitions is not None, "no definitions loader configured"
                    self._definitions = self.load_definitions()
        return self._definitions

    @property
    def catalogues(self) -> Mapping[str, Any]:
        """The evaluation standards by id (empty when no loader is configured)."""
        if self._catalogues is None:
            with self._lock:
                if self._catalogues is None:
                    load = self.load_catalogues
                    self._catalogues = dict(load()) if load is not None else {}
        return self._catalogues

    def definition(self, workflow_id: str, version: str | None = None) -> Any:
        return self.definitions.get(workflow_id, version=version)

    def adopter_settings(self, workflow_id: str) -> Mapping[str, Any]:
        """The adopter's parameter values for ``workflow_id`` (C2), read at each call: an
        operator who sets one need not restart a long-running process."""
        return self.load_settings(workflow_id) if self.load_settings is not None else {}

    def engine_for(self, workflow_id: str, version: str | None = None) -> Engine:
        """The engine of one definition version (one compiled machine, shared)."""
        from rongcuo.domain.engine import Engine

        definition = self.definition(workflow_id, version)
        key = (str(definition.id), str(definition.version))
        engine = self._engines.get(key)
        if engine is None:
            with self._lock:
                engine = self._engines.get(key)
                if engine is None:
                    engine = self._engines[key] = Engine(definition, self.calendar)
        return engine

    def use_calendar(self, calendar: Any) -> None:
        """Serve ``calendar`` from now on (a long-running process after a calendar file was
        imported); engines built on the old one are dropped."""
        with self._lock:
            self._calendar = calendar
            self._engines.clear()

    def preload(self) -> int:
        """Parse the calendar and every definition and build each version's engine now, so a
        long-running process (``scheduler run``, ``serve``) pays for it — and fails on a
        broken file — at start-up rather than in its first request.  Returns the number of
        engines built."""
        for definition in self.definitions:
            self.engine_for(str(definition.id), str(definition.version))
        return len(self._engines)

    def unit_of_work(self) -> UnitOfWork:
        """One write transaction (see :mod:`rongcuo.service.unit_of_work`)."""
        from rongcuo.service.unit_of_work import UnitOfWork

        return UnitOfWork(self.store, self.clock)

    def close(self) -> None:
        self.store.engine.dispose()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
