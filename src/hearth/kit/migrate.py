"""Schema migrations, driven from code so `hearth db upgrade` works wherever Hearth is installed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new revision from the models (developer command)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def head_revision() -> str | None:
    script = ScriptDirectory.from_config(alembic_config_for_scripts())
    return script.get_current_head()


def alembic_config_for_scripts() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_at_head(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


if __name__ == "__main__":  # `make migration m="…"`: autogenerate against a scratch database
    import sys
    import tempfile

    from hearth.kit.db import make_engine

    with tempfile.TemporaryDirectory() as scratch:
        scratch_engine = make_engine(f"sqlite:///{scratch}/scratch.db")
        upgrade(scratch_engine)
        revision(scratch_engine, sys.argv[1] if len(sys.argv) > 1 else "schema change")
