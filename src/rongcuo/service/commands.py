"""Commands: what a person or a program asks the service layer to do (imperative names).

Every entry point — the CLI, the HTTP API, the web workplace, the scheduler — builds one of
these and hands it to its handler in :mod:`rongcuo.service.handlers`.  ``principal`` says
who is acting (:class:`~rongcuo.service.identity.Principal`): a signed-in user or token is
authorized and recorded as such; without one, ``actor`` is the operator's own text.
Values are already parsed (dates are ``date``; step data may still be text, which the
engine coerces by the definition's declared fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rongcuo.service.identity.principal import Principal


@dataclass(frozen=True)
class OpenCase:
    """Open a case under ``workflow_id`` on the date it was opened (its opening trigger)."""

    workflow_id: str
    subject: str
    agency: str
    on: date
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None
    principal: Principal | None = None  # None: the operator ``actor`` (``--by``)
    unit_id: str | None = None  # None: the user's unit (an operator's: ``default``)


@dataclass(frozen=True)
class FireStep:
    """Record step ``trigger`` on a case (its id or readable number) on the date it
    happened.  ``expected_version``: refuse, writing nothing, when the case is no longer at
    that version (the version ``case show --json`` printed); None: re-decide on the fresh
    state when another writer was first."""

    case_ref: str
    trigger: str
    on: date
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None
    expected_version: int | None = None
    principal: Principal | None = None  # None: the operator ``actor`` (``--by``)


@dataclass(frozen=True)
class RecomputeDeadlines:
    """Re-derive every provisional (暂定) due date with the calendar now loaded, recording a
    ``deadline.recomputed`` notice for each one that moved (a calendar file was imported)."""

    on: date
    actor: str
