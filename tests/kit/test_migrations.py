from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from hearth.kit import migrate
from hearth.kit.db import EXPRESSION_INDEXES, Base, include_in_autogenerate, make_engine


def test_upgrade_from_empty_reaches_head_with_every_table(database_url: str) -> None:
    engine = make_engine(database_url)
    assert migrate.is_at_head(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    engine.dispose()


def test_models_and_migrations_do_not_drift(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": include_in_autogenerate},
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models differ from migrations; run `make migration`: {diff}"


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    assert migrate.is_at_head(engine)
    engine.dispose()


def test_hand_written_indexes_exist(database_url: str) -> None:
    """The indexes autogenerate cannot compare are checked by name instead."""
    engine = make_engine(database_url)
    inspector = inspect(engine)
    names = {i["name"] for t in ("conversations", "mentions") for i in inspector.get_indexes(t)}
    engine.dispose()
    assert names >= EXPRESSION_INDEXES
