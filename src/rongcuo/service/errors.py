"""Errors of the service layer (one base, :class:`ServiceError`).  Entry points map them to
exit codes and HTTP statuses; the service maps the store's own errors onto these."""

from __future__ import annotations

from rongcuo.domain.errors import RongcuoError


class ServiceError(RongcuoError):
    code = "service.error"


class CaseNotFound(ServiceError):
    """No case answers to the reference (or, once users exist, none the caller may see)."""

    code = "case.not_found"


class ConcurrencyConflict(ServiceError):
    """Another writer changed the case first and the step could not be re-decided in the
    attempts allowed; nothing was written."""

    code = "case.conflict"


class StaleVersion(ServiceError):
    """The caller named the version it expected (``--expect-version``, ``If-Match``) and the
    case has moved on since: nothing was written; ``details["version"]`` is the current one."""

    code = "case.version_stale"


class InvalidRequest(ServiceError):
    """A request the service cannot carry out as asked (an idempotency key reused for another
    command, a case-number pattern that does not format)."""

    code = "service.invalid_request"


class StorageError(ServiceError):
    """The database cannot be used (missing, unreachable, not migrated, not rongcuo's)."""

    code = "store.error"


class AuthenticationFailed(ServiceError):
    """No valid credentials: a wrong login or password, a locked account, an unknown, expired
    or revoked token (HTTP 401)."""

    code = "auth.failed"


class Forbidden(ServiceError):
    """The caller is known but holds no role that may do this (HTTP 403).  A case of another
    unit is never Forbidden: it is :class:`CaseNotFound`, so its existence does not leak."""

    code = "authz.forbidden"


class ReporterNotFound(CaseNotFound):
    """No reporter's identity to read: none was given with the report, or the reader may not
    read it — answered alike (404), so neither leaks (issue 14)."""

    code = "reporter.not_found"
