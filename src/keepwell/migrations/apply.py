"""Applying and checking Alembic migrations from code."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration pointing at the packaged migrations and ``engine``."""
    config = Config()
    config.set_main_option("script_location", "keepwell:migrations")
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def check(engine: Engine) -> None:
    """Raise if the models and the migrations disagree (``alembic check``)."""
    command.check(alembic_config(engine))
