"""Alembic environment: runs migrations on the engine handed in by Keepwell."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from keepwell.db.models import Base
from keepwell.knowledge.fts import include_name
from keepwell.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    return create_engine(get_settings().resolved_database_url())


def run_migrations_online() -> None:
    """Run migrations inside one transaction on the configured engine."""
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
