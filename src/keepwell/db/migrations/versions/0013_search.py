"""search everywhere: the tickets' full-text index and indexes on the ids people type

SQLite gets an external-content FTS5 table over ticket subjects and texts, kept in sync by
triggers; PostgreSQL a generated ``tsvector`` column (``simple`` configuration: tickets
come in several languages) with a GIN index. Schema comparison ignores both
(``keepwell.record.fts.include_name``). Ticket numbers and the accounts' ids in other
systems get plain indexes, so a typed number is found without reading every row.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 20:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "rowid, subject, text"
_NEW = "new.id, new.subject, new.text"
_OLD = "'delete', old.id, old.subject, old.text"
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE tickets_fts USING fts5(subject, text, content='tickets', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN "
    f"INSERT INTO tickets_fts({_COLUMNS}) VALUES ({_NEW}); END",
    f"CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN "
    f"INSERT INTO tickets_fts(tickets_fts, {_COLUMNS}) VALUES ({_OLD}); END",
    f"CREATE TRIGGER tickets_fts_au AFTER UPDATE OF subject, text ON tickets BEGIN "
    f"INSERT INTO tickets_fts(tickets_fts, {_COLUMNS}) VALUES ({_OLD}); "
    f"INSERT INTO tickets_fts({_COLUMNS}) VALUES ({_NEW}); END",
    "INSERT INTO tickets_fts(tickets_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
    "INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')",
)
POSTGRES_FTS = (
    "ALTER TABLE tickets ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(subject, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(text, '')), 'B')) STORED",
    "CREATE INDEX ix_tickets_search_vector ON tickets USING gin (search_vector)",
)
PLAIN = {
    "ix_tickets_external_id": ("tickets", ["external_id"]),
    "ix_account_external_ids_external_id": ("account_external_ids", ["external_id"]),
}


def upgrade() -> None:
    for name, (table, columns) in PLAIN.items():
        op.create_index(name, table, columns)
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": SQLITE_FTS, "postgresql": POSTGRES_FTS}.get(dialect, ())
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("tickets_fts_ai", "tickets_fts_ad", "tickets_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS tickets_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_tickets_search_vector")
        op.execute("ALTER TABLE tickets DROP COLUMN IF EXISTS search_vector")
    for name, (table, _columns) in PLAIN.items():
        op.drop_index(name, table_name=table)
