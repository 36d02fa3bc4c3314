"""SQLModel, for the tables mapped to objects (the outbox, the scheduler's nodes), on the
store's one :data:`~rongcuo.adapters.db.tables.metadata`.

The case store's tables are SQLAlchemy Core (:mod:`rongcuo.adapters.db.tables`): a command
that reads a case must not pay for SQLModel and pydantic.  Modules that map objects import
``SQLModel`` from here, so every table — Core or mapped — is in the one MetaData that Alembic
compares the database with (``SQLModel.metadata`` is that same object).
"""

from __future__ import annotations

from sqlmodel import SQLModel

from rongcuo.adapters.db.tables import metadata

SQLModel.metadata = metadata

__all__ = ["SQLModel"]
