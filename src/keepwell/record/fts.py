"""The tickets' full-text index, which lives outside the models (as the articles' does).

SQLite keeps an FTS5 table ``tickets_fts`` in sync with ``tickets`` through triggers;
PostgreSQL has a generated ``tsvector`` column with a GIN index. The ``simple`` text
configuration (no stemming, no stop words) suits tickets written in several languages.
Both are created by migration 0013; schema comparison ignores them.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

TICKETS_FTS_TABLE = "tickets_fts"
TICKETS_VECTOR_COLUMN = "search_vector"
TICKETS_VECTOR_INDEX = "ix_tickets_search_vector"
TICKETS_TEXT_CONFIG = "simple"


def include_name(
    name: str | None, type_: str, parent_names: MutableMapping[Any, str | None]
) -> bool:
    """Alembic filter: False for the tickets' full-text objects the models do not declare."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(TICKETS_FTS_TABLE)
    if parent_names.get("table_name") == "tickets":
        is_vector = type_ == "column" and name == TICKETS_VECTOR_COLUMN
        return not is_vector and name != TICKETS_VECTOR_INDEX
    return True
