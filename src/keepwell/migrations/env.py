"""Alembic environment: runs migrations on the engine handed in by Keepwell."""

from __future__ import annotations

import warnings
from typing import Any

from alembic import context
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import SAWarning

from keepwell.knowledge.fts import include_name as article_index_names
from keepwell.migrations.tables import Base
from keepwell.record.fts import include_name as ticket_index_names
from keepwell.record.models import EXPRESSION_INDEXES
from keepwell.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    return create_engine(get_settings().resolved_database_url())


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave the full-text objects (articles, tickets) out of the comparison."""
    return article_index_names(name, type_, parent_names) and ticket_index_names(
        name, type_, parent_names
    )


def include_object(
    item: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave indexes on expressions out of the comparison: SQLite cannot reflect them."""
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


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
            include_object=include_object,
        )
        with context.begin_transaction(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", ".*expression-based index", SAWarning)
            warnings.filterwarnings("ignore", ".*expression-based index", UserWarning)
            context.run_migrations()


run_migrations_online()
