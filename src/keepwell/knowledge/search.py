"""Full-text search over articles: one API, FTS5 on SQLite and tsvector on PostgreSQL.

Hits come best first with a score (higher is better; scores compare within one
database only) and a snippet of the body with the matched words in ``<mark>``. The
snippet is escaped here: article text never reaches the page as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from keepwell.knowledge.fts import TEXT_SEARCH_CONFIG
from keepwell.knowledge.query import SearchQuery, parse

START, STOP = "\x02", "\x03"
"""Markers the database puts around matched words, turned into ``<mark>`` after escaping."""
SNIPPET_WORDS = 24
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


@dataclass(frozen=True)
class Hit:
    """One article found: its rank score and a highlighted snippet (safe HTML)."""

    article_id: int
    title: str
    status: str
    updated_at: datetime
    score: float
    snippet: Markup


def search(
    session: Session,
    query: str | SearchQuery,
    limit: int = 20,
    *,
    tags: Sequence[str] = (),
    status: str | None = None,
    exclude: Sequence[int] = (),
) -> list[Hit]:
    """Articles matching ``query`` (text in web-search syntax), best first.

    ``tags`` keeps articles carrying all of them, ``status`` those in that status,
    ``exclude`` leaves out article ids. An empty or unsearchable query finds nothing.
    """
    parsed = parse(query) if isinstance(query, str) else query
    if parsed.empty or limit <= 0:
        return []
    filters, params = _filters(tags, status, exclude)
    params["limit"] = limit
    if session.get_bind().dialect.name == "postgresql":
        params["query"] = parsed.websearch()
        statement = _postgres(filters)
    else:
        params["query"] = parsed.fts5()
        statement = _sqlite(filters)
    rows = session.execute(statement, params).mappings()
    return [_hit(row) for row in rows]


def highlight(raw: str) -> Markup:
    """Escape ``raw`` and turn the database's match markers into ``<mark>`` elements."""
    escaped = str(escape(raw))
    return Markup(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))


def _hit(row: Any) -> Hit:
    return Hit(
        article_id=row["id"],
        title=row["title"],
        status=row["status"],
        updated_at=row["updated_at"],
        score=float(row["score"]),
        snippet=highlight(row["snippet"] or ""),
    )


def _filters(
    tags: Sequence[str], status: str | None, exclude: Sequence[int]
) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    wanted = sorted({t.strip().lower() for t in tags if t.strip()})
    if wanted:
        clauses.append(
            "a.id IN (SELECT article_id FROM article_tags WHERE tag IN :tags "
            "GROUP BY article_id HAVING count(*) = :tag_count)"
        )
        params.update(tags=wanted, tag_count=len(wanted))
    if status is not None:
        clauses.append("a.status = :status")
        params["status"] = status
    if exclude:
        clauses.append("a.id NOT IN :exclude")
        params["exclude"] = list(exclude)
    return "".join(f" AND {c}" for c in clauses), params


def _expanding(statement: str) -> Any:
    query = text(statement)
    if ":tags" in statement:
        query = query.bindparams(bindparam("tags", expanding=True))
    if ":exclude" in statement:
        query = query.bindparams(bindparam("exclude", expanding=True))
    return query


def _sqlite(filters: str) -> Any:
    """Rank by bm25 (title and tags weigh more than the body) in FTS5, then snippet."""
    return _expanding(
        "SELECT a.id, a.title, a.status, a.updated_at, -articles_fts.rank AS score, "
        f"snippet(articles_fts, 2, char(2), char(3), '…', {SNIPPET_WORDS}) AS snippet "
        "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
        f"WHERE articles_fts MATCH :query{filters} "
        "ORDER BY articles_fts.rank LIMIT :limit"
    )


def _postgres(filters: str) -> Any:
    """Rank by cover density on the GIN-indexed vector; headline only the hits shown."""
    config = f"'{TEXT_SEARCH_CONFIG}'::regconfig"
    return _expanding(
        f"WITH q AS (SELECT websearch_to_tsquery({config}, :query) AS query), "
        "top AS (SELECT a.id, a.title, a.status, a.updated_at, a.body, "
        "ts_rank_cd(a.search_vector, q.query) AS score "
        f"FROM articles a, q WHERE a.search_vector @@ q.query{filters} "
        "ORDER BY score DESC, a.id LIMIT :limit) "
        "SELECT top.id, top.title, top.status, top.updated_at, top.score, "
        f"ts_headline({config}, top.body, q.query, :headline) AS snippet "
        "FROM top, q ORDER BY top.score DESC, top.id"
    ).bindparams(headline=HEADLINE_OPTIONS)
