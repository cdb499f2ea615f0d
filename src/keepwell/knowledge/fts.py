"""Names of the full-text index objects, which live outside the models.

SQLite keeps an FTS5 table ``articles_fts`` (and its shadow tables) in sync with
``articles`` through triggers; PostgreSQL has a generated ``tsvector`` column with a GIN
index. Both are created by the migration; schema comparison ignores them.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

FTS_TABLE = "articles_fts"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_articles_search_vector"
TEXT_SEARCH_CONFIG = "english"


def include_name(
    name: str | None, type_: str, parent_names: MutableMapping[Any, str | None]
) -> bool:
    """Alembic filter: False for the full-text objects that the models do not declare."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE)
    if parent_names.get("table_name") == "articles":
        return not (type_ == "column" and name == VECTOR_COLUMN) and name != VECTOR_INDEX
    return True
