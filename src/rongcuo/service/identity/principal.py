"""The one value every entry point hands the service layer about who is acting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rongcuo.domain.identity import principal_actor

OPERATOR_KIND = "operator"


@dataclass(frozen=True)
class Principal:
    """An authenticated user (``kind="user"``) or API token (``"token"``), or the operator at
    the server's shell (``"operator"``: ``rongcuo … --by TEXT``; not restricted, and recorded
    as an operator action).

    ``units``: the units whose cases it sees and acts on — its own, and the units below it
    when the user is configured so (``sees_subunits``)."""

    kind: str
    id: str
    login: str
    name: str
    unit_id: str
    roles: frozenset[str] = frozenset()
    units: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def operator(cls, by: str) -> Principal:
        return cls(OPERATOR_KIND, "", "", by, "")

    @property
    def is_operator(self) -> bool:
        return self.kind == OPERATOR_KIND

    @property
    def actor(self) -> str:
        """What an event records as its actor (:mod:`rongcuo.domain.identity`)."""
        if self.is_operator:
            return self.name
        return principal_actor(self.kind, self.id, self.login, self.unit_id, self.name)

    def has(self, *roles: str) -> bool:
        """Whether it holds any of ``roles`` (the operator holds every role)."""
        return self.is_operator or bool(self.roles & set(roles))

    def sees(self, unit_id: str) -> bool:
        return self.is_operator or unit_id in self.units

    def to_json(self) -> dict[str, Any]:
        """For ``GET /api/v1/me`` and logs: never a secret."""
        return {"kind": self.kind, "id": self.id, "login": self.login, "name": self.name,
                "unit": self.unit_id, "roles": sorted(self.roles)}
