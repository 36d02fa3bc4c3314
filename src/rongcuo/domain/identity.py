"""Who acts: the roles a definition may name, the kinds of unit, and how an actor is written
into an event (pure: no I/O).

Roles (issue 14): ``handler`` 承办人 (opens cases, records steps), ``investigator`` 调查人员
(records investigation steps on cases assigned to them — 历城办法第十六条), ``head`` 负责人
(approves extensions and the other approvals a definition names — 历城办法第十七条、第二十条),
``committee`` 党组/党委 (approves where a procedure requires the committee), ``auditor`` (reads,
replays, verifies, exports; changes nothing), ``reports`` (may read a reporter's identity),
``admin`` (units, users, tokens, calendar import, definition parameters).

An event's ``actor`` (a hashed field, :mod:`rongcuo.domain.chain`) is either

* an authenticated user or API token, written ``user:<id>:<login>@<unit>|<display name>``
  (``token:`` for a token) — :func:`principal_actor`, read back by :func:`parse_actor`; or
* an operator's free text (``rongcuo … --by``), which never starts with ``user:`` or
  ``token:`` (the service refuses such a text), so the two are told apart by the text alone
  and every stored history written before users existed reads as operator actions.
"""

from __future__ import annotations

from typing import Any

ROLES: dict[str, tuple[str, str]] = {
    "handler": ("承办人", "case handler"),
    "investigator": ("调查人员", "investigator"),
    "head": ("负责人", "head of the body"),
    "committee": ("党组（党委）", "party committee"),
    "auditor": ("审计人员", "auditor"),
    "reports": ("举报信息查阅人", "reader of reporters' identities"),
    "admin": ("系统管理员", "administrator"),
}
"""Every role a definition or a user may name: its Chinese and English label."""

UNIT_KINDS: dict[str, tuple[str, str]] = {
    "supervision": ("监督机构", "supervision body"),
    "agency": ("行政执法机关", "administrative law-enforcement agency"),
    "committee": ("党组·党委", "party committee"),
    "other": ("其他", "other"),
}

DEFAULT_UNIT = "default"
"""The unit of every case opened before units existed, and of a case an operator opens
without naming one (created by migration ``0010_identity``)."""

PRINCIPAL_KINDS = ("user", "token")
LOGIN_MAX = 60
NAME_MAX = 60
UNIT_ID_MAX = 40


def principal_actor(kind: str, pid: str, login: str, unit: str, name: str) -> str:
    """The ``actor`` text of an event recorded by an authenticated user or token."""
    return f"{kind}:{pid}:{login}@{unit}|{name}"


def is_principal_text(actor: str) -> bool:
    """Whether ``actor`` is written as an authenticated principal (not an operator's text)."""
    return any(actor.startswith(f"{k}:") for k in PRINCIPAL_KINDS)


def parse_actor(actor: str) -> dict[str, Any]:
    """What an event's ``actor`` says: ``{"kind": "user"|"token", "id", "login", "unit",
    "name"}`` for an authenticated principal, ``{"kind": "operator", "name": actor}``
    otherwise."""
    if is_principal_text(actor):
        kind, rest = actor.split(":", 1)
        pid, rest = rest.split(":", 1) if ":" in rest else ("", rest)
        who, _, name = rest.partition("|")
        login, _, unit = who.rpartition("@")
        return {"kind": kind, "id": pid, "login": login, "unit": unit, "name": name}
    return {"kind": "operator", "name": actor}


__all__ = ["DEFAULT_UNIT", "ROLES", "UNIT_KINDS", "is_principal_text", "parse_actor",
           "principal_actor"]
