"""The store's own errors (one base for the adapter layer; the service layer maps them).

The store never raises a service or domain error: it says what happened to the *record*
(a write found the case already moved on, a key reused, a pattern that cannot format), and
the service layer decides what that means for the person who asked.
"""

from __future__ import annotations

from rongcuo.domain.errors import RongcuoError


class StoreError(RongcuoError):
    """Something the store could not do; nothing of the transaction was written."""

    code = "store.error"


class StaleWrite(StoreError):
    """The optimistic version check failed (another writer changed the case first), or a
    concurrent insert won a unique key: the transaction was rolled back, nothing written.
    ``details["case_ids"]`` names every stale case of a batched write."""

    code = "store.stale"


class KeyReused(StoreError):
    """An idempotency key already recorded for a *different* command."""

    code = "store.idempotency_key_reused"


class BadNumberPattern(StoreError):
    """A definition's case-number pattern that does not format."""

    code = "store.case_number_pattern"
