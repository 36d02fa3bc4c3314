"""The start-up's "is the database at the head?" without Alembic (issue 16) agrees with
Alembic, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from rongcuo.adapters.db import migrate, revisions
from rongcuo.adapters.db.engine import make_engine


def test_the_heads_read_from_the_files_are_alembics() -> None:
    assert revisions.head_revisions() == tuple(sorted(migrate.head_revisions()))
    assert revisions._revisions_of('revision = "b"\ndown_revision = ("a", "c")\n') == (
        "b", ("a", "c"))
    assert revisions._revisions_of('revision: str = "a"\ndown_revision: str | None = None\n') \
        == ("a", ())


def test_current_revisions_and_up_to_date_agree_with_alembic(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert revisions.current_revisions(engine) == ()
        assert not revisions.is_up_to_date(engine)
        first = migrate.ScriptDirectory.from_config(migrate.alembic_config()).get_base()
        migrate.upgrade(engine, str(first))
        assert revisions.current_revisions(engine) == migrate.current_revisions(engine)
        assert not revisions.is_up_to_date(engine) and not migrate.is_up_to_date(engine)
        migrate.upgrade(engine)
        assert revisions.current_revisions(engine) == tuple(
            sorted(migrate.current_revisions(engine)))
        assert revisions.is_up_to_date(engine) and migrate.is_up_to_date(engine)
        with engine.begin() as conn:  # a database from a newer rongcuo
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
        assert not revisions.is_up_to_date(engine)
    finally:
        engine.dispose()
