"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from keepwell.db.migrate import check
from keepwell.db.models import Base


def test_migrations_match_models(engine: Engine) -> None:
    check(engine)  # raises if autogenerate would find a difference


def test_every_table_exists(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
