"""Who is acting, and what they may do (issue 14): units, users, API tokens, authentication
and the authorization every entry point goes through.

* :mod:`.principal` — :class:`Principal`: an authenticated user or API token (id, login,
  display name, unit, roles, the units whose cases it sees), or an operator (``--by``).
* :mod:`.accounts` — units, users, tokens; :func:`authenticate` (login and password) and
  :func:`authenticate_token` (a bearer token), both given ``now``.
* :mod:`.passwords` — Argon2id hashing and the password policy.
* :mod:`.authz` — the checks the case handlers and queries make: a case of another unit is
  not found; a trigger's ``roles:``; an investigator acts only on cases assigned to them
  (历城办法第十六条); approvals are four-eyed.
"""

from rongcuo.service.identity.accounts import (
    add_unit,
    add_user,
    authenticate,
    authenticate_token,
    create_token,
    issue_session,
    list_units,
    list_users,
    principal_for_login,
    revoke_token,
)
from rongcuo.service.identity.principal import OPERATOR_KIND, Principal

__all__ = ["OPERATOR_KIND", "Principal", "add_unit", "add_user", "authenticate",
           "authenticate_token", "create_token", "issue_session", "list_units", "list_users",
           "principal_for_login", "revoke_token"]
