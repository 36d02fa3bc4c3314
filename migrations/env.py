"""Alembic environment: URL from ``-x url=…``, else ``RONGCUO_DATABASE_URL``, else the embedded
default; or a connection handed in by :func:`rongcuo.adapters.db.migrate.upgrade`."""

from __future__ import annotations

import contextlib

from alembic import context

from rongcuo.adapters.db import tables
from rongcuo.adapters.db.engine import make_engine
from rongcuo.paths import default_database_url

# later revisions' tables (0002_outbox, issue 5; 0004_documents) join the same metadata for
# autogenerate
with contextlib.suppress(ImportError):
    import rongcuo.scheduler.tables
with contextlib.suppress(ImportError):
    import rongcuo.adapters.documents.tables  # noqa: F401

config = context.config
target_metadata = tables.metadata


def _url() -> str:
    x = context.get_x_argument(as_dictionary=True)
    return x.get("url") or config.get_main_option("rongcuo.url") or default_database_url()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
