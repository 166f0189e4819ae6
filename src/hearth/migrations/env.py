"""Alembic environment: runs with the connection ``hearth.kit.migrate`` hands it."""

from __future__ import annotations

from alembic import context

import hearth.models  # noqa: F401  (registers every table on the metadata)
from hearth.kit.db import Base, include_in_autogenerate

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_in_autogenerate,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
