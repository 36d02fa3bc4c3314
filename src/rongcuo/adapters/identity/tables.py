"""Tables of revision ``0010_identity``.

* ``units`` — 机构: id, name, kind (``supervision`` / ``agency`` / ``committee`` /
  ``other``), parent (a tree).  The migration creates the unit ``default`` that every case
  recorded before units existed belongs to.
* ``users`` — login (unique), display name, unit, roles (JSON list), active flag, whether the
  user also sees the units below their own (``sees_subunits``), the Argon2id password hash,
  and the lock-out counters (``failed_logins``, ``locked_until``).  Never logged, never in an
  event or an export.
* ``api_tokens`` — bearer tokens: only the SHA-256 of the token is stored (the token itself is
  shown once); ``kind`` ``api`` (an integration's token, scoped to a unit and roles) or
  ``session`` (issued by the password login, tied to its user); an expiry and a revocation
  instant.
* ``case_units`` — the unit that handles each case (one row per case, written in the unit of
  work that opens it); a case without a row belongs to ``default``.
"""

from __future__ import annotations

import sqlalchemy as sa

from rongcuo.adapters.db.tables import JSONType, metadata
from rongcuo.domain import identity as ident

_TS = sa.DateTime(timezone=True)

units = sa.Table(
    "units", metadata,
    sa.Column("id", sa.String(ident.UNIT_ID_MAX), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("parent", sa.String(ident.UNIT_ID_MAX),
              sa.ForeignKey("units.id", name="fk_units_parent"), nullable=True),
    sa.Column("created_at", _TS, nullable=False),
)

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("login", sa.String(ident.LOGIN_MAX), nullable=False, unique=True),
    sa.Column("display_name", sa.String(ident.NAME_MAX), nullable=False),
    sa.Column("unit_id", sa.String(ident.UNIT_ID_MAX),
              sa.ForeignKey("units.id", name="fk_users_unit"), nullable=False),
    sa.Column("roles", JSONType, nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("sees_subunits", sa.Boolean(), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("failed_logins", sa.Integer(), nullable=False),
    sa.Column("locked_until", _TS, nullable=True),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("name", sa.String(ident.NAME_MAX), nullable=False),
    sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id", name="fk_tokens_user"),
              nullable=True),
    sa.Column("unit_id", sa.String(ident.UNIT_ID_MAX),
              sa.ForeignKey("units.id", name="fk_tokens_unit"), nullable=False),
    sa.Column("roles", JSONType, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("expires_at", _TS, nullable=False),
    sa.Column("revoked_at", _TS, nullable=True),
)

case_units = sa.Table(
    "case_units", metadata,
    sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id", name="fk_case_units_case"),
              primary_key=True),
    sa.Column("unit_id", sa.String(ident.UNIT_ID_MAX),
              sa.ForeignKey("units.id", name="fk_case_units_unit"), nullable=False),
)
sa.Index("ix_case_units_unit", case_units.c.unit_id)
