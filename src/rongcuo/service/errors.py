"""Errors of the service layer (storage-facing).  Entry points map them to exit codes."""

from __future__ import annotations

from rongcuo.domain.errors import DomainError


class ServiceError(DomainError):
    code = "service.error"


class CaseNotFound(ServiceError):
    code = "case.not_found"


class ConcurrencyConflict(ServiceError):
    """Another writer changed the case first (optimistic version check); nothing was written."""

    code = "case.conflict"


class StoreError(ServiceError):
    code = "store.error"
