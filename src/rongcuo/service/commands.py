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
    # a reporter's identity (信访举报人): never step data, never an event; kept encrypted
    # apart and referred to by the step's ``reporter_ref`` (repr=False: never in a log line)
    reporter: str | None = field(default=None, repr=False)
    principal: Principal | None = None  # None: the operator ``actor`` (``--by``)


@dataclass(frozen=True)
class RevealReporter:
    """Read a reporter's identity; the reading is itself recorded as an event of the case."""

    case_ref: str
    report_id: str
    actor: str
    reason: str
    principal: Principal | None = None  # None: the operator ``actor`` (``--by``)


@dataclass(frozen=True)
class RecomputeDeadlines:
    """Re-derive every provisional (暂定) due date with the calendar now loaded, recording a
    ``deadline.recomputed`` notice for each one that moved (a calendar file was imported)."""

    on: date
    actor: str


@dataclass(frozen=True)
class AmendStep:
    """更正: step ``seq`` of a case happened on ``on`` (None: the date stays) and/or with the
    step data ``data`` (only the fields given change), not as recorded.  ``actor`` asks for
    the correction; ``approved_by`` approved it (the four-eyes rule: not the entry's author).
    Recorded by a signed-in user (``principal``), the user is the approver: a ``head`` of
    the case's unit (:func:`rongcuo.service.identity.authz.check_correction`)."""

    case_ref: str
    seq: int
    reason: str
    actor: str
    on: date | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    approved_by: str | None = None
    principal: Principal | None = None  # None: the operator ``actor`` (``--by``)


@dataclass(frozen=True)
class VoidStep:
    """撤销: step ``seq`` of a case never happened."""

    case_ref: str
    seq: int
    reason: str
    actor: str
    approved_by: str | None = None
    principal: Principal | None = None  # None: the operator ``actor`` (``--by``)


@dataclass(frozen=True)
class WithdrawCase:
    """误录撤回: the case was opened by mistake; close it as withdrawn on ``on``."""

    case_ref: str
    on: date
    reason: str
    actor: str
    approved_by: str | None = None
    principal: Principal | None = None  # None: the operator ``actor`` (``--by``)


@dataclass(frozen=True)
class DeliverDocument:
    """Record that issued document ``kind`` of a case was served (送达): how, to whom, and
    the date it was received — the date the periods that run from receipt start on
    (历城办法第十九条: 15 days to request a review "自收到认定决定之日起")."""

    case_ref: str
    kind: str
    received_on: date
    method: str
    received_by: str
    actor: str
    idempotency_key: str | None = None
