"""search everywhere: word indexes on accounts, contacts, machines and tickets

Each searched table gets a word index over the columns people type into the search box
(a name, an e-mail, a serial, a ticket's words). SQLite: an external-content FTS5 table
kept in sync by triggers. PostgreSQL: a generated ``tsvector`` column (``simple``
configuration: the record comes in several languages) with a GIN index. Schema comparison
ignores both (``keepwell.record.fts.include_name``). Ticket numbers and the accounts' ids
in other systems get plain indexes, so a typed number is found without reading every row.

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

SEARCHED = {
    "accounts": ("name",),
    "contacts": ("name", "email"),
    "assets": ("serial", "model"),
    "tickets": ("subject", "text"),
}
SEPARATORS = "[-@./_:,;#+()]+"
PLAIN = {
    "ix_tickets_external_id": ("tickets", ["external_id"]),
    "ix_account_external_ids_external_id": ("account_external_ids", ["external_id"]),
}


def _sqlite(table: str, columns: tuple[str, ...]) -> list[str]:
    fts = f"{table}_fts"
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {listed} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def _postgres(table: str, columns: tuple[str, ...]) -> list[str]:
    # Punctuation separates words, as in SQLite's tokenizer: PostgreSQL's parser would read
    # "KP240-2012" as "kp240" and the negative number "-2012", and an e-mail as one word.
    weighted = " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, regexp_replace(coalesce({c}, ''), "
        f"'{SEPARATORS}', ' ', 'g')), '{'AB'[min(i, 1)]}')"
        for i, c in enumerate(columns)
    )
    return [
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({weighted}) STORED",
        # No pending list: a search right after a large import reads the index, not an
        # unsorted list of the new rows (which only a vacuum would merge).
        f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector) "
        "WITH (fastupdate = off)",
    ]


def upgrade() -> None:
    for name, (table, indexed) in PLAIN.items():
        op.create_index(name, table, indexed)
    dialect = op.get_bind().dialect.name
    build = {"sqlite": _sqlite, "postgresql": _postgres}.get(dialect)
    for table, columns in SEARCHED.items():
        for statement in build(table, columns) if build else ():
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in SEARCHED:
        if dialect == "sqlite":
            for trigger in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    for name, (table, _columns) in PLAIN.items():
        op.drop_index(name, table_name=table)
