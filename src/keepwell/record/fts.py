"""The record's full-text indexes for search everywhere, which live outside the models.

People type the beginnings of words: a name, an e-mail, a serial, words of a ticket.
Each searched table has a word index over the columns people type into the search box:
SQLite keeps an FTS5 table ``<table>_fts`` in sync through triggers; PostgreSQL has a
generated ``tsvector`` column ``search_vector`` with a GIN index. The ``simple`` text
configuration (no stemming, no stop words) suits records written in several languages.
All are created by migration 0013; schema comparison ignores them.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

SEARCHED = {
    "accounts": ("name",),
    "contacts": ("name", "email"),
    "assets": ("serial", "model"),
    "tickets": ("subject", "text"),
}
"""The word-indexed columns of each searched table, the most telling first."""
VECTOR_COLUMN = "search_vector"
TEXT_CONFIG = "simple"


def fts_table(table: str) -> str:
    """The SQLite FTS5 table that indexes ``table``."""
    return f"{table}_fts"


def vector_index(table: str) -> str:
    """The PostgreSQL GIN index on ``table``'s search vector."""
    return f"ix_{table}_search_vector"


def include_name(
    name: str | None, type_: str, parent_names: MutableMapping[Any, str | None]
) -> bool:
    """Alembic filter: False for the full-text objects that the models do not declare."""
    if name is None:
        return True
    if type_ == "table":
        return not any(name.startswith(fts_table(t)) for t in SEARCHED)
    table = parent_names.get("table_name")
    if table in SEARCHED:
        is_vector = type_ == "column" and name == VECTOR_COLUMN
        return not is_vector and name != vector_index(table)
    return True
