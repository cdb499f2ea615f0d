"""Full-text search over articles: one API, FTS5 on SQLite and tsvector on PostgreSQL.

Hits come best first with a score (higher is better; scores compare within one
database only) and a snippet of the body with the matched words in ``<mark>``. The
snippet is escaped here: article text never reaches the page as HTML.

A query matching very many articles (a word that occurs nearly everywhere) ranks only the
``RANKED_POOL`` most recently written matches, so latency stays flat as the base grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import DateTime, Float, bindparam, text
from sqlalchemy.orm import Session

from keepwell.db.prepared import prepared, read
from keepwell.knowledge.fts import TEXT_SEARCH_CONFIG
from keepwell.knowledge.query import SearchQuery, parse

START, STOP = "\x02", "\x03"
"""Markers the database puts around matched words, turned into ``<mark>`` after escaping."""
SNIPPET_WORDS = 24
RANKED_POOL = 500
"""At most this many matches are ranked: the most recently written ones."""
FIRST_WINDOW = 2_000
"""PostgreSQL looks for matches among this many newest ids first, then 4x as many, ..."""
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
    params.update(limit=limit, pool=RANKED_POOL)
    if session.get_bind().dialect.name == "postgresql":
        params["query"] = parsed.websearch()
        params["ids"] = _postgres_pool(session, filters, params)
        statement = _postgres()
    else:
        params["query"] = parsed.fts5()
        statement = _sqlite(filters)
    return [_hit(row) for row in read(session, statement, **params).mappings()]


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


def _statement(statement: str, *, typed: bool = True, **values: Any) -> Any:
    """The SQL with list parameters expanded and result columns typed (dates on SQLite)."""
    query = text(statement).bindparams(**values)
    for name in ("tags", "exclude"):
        if f":{name}" in statement:
            query = query.bindparams(bindparam(name, expanding=True))
    return query.columns(updated_at=DateTime(), score=Float()) if typed else query


@lru_cache(maxsize=32)
def _sqlite(filters: str) -> Any:
    """bm25 (title and tags weigh more than the body) over the pool, then snippets of the top."""
    return _statement(
        "WITH pool AS (SELECT articles_fts.rowid AS id, articles_fts.rank AS rank "
        "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
        f"WHERE articles_fts MATCH :query{filters} "
        "ORDER BY articles_fts.rowid DESC LIMIT :pool), "
        "top AS (SELECT id, rank FROM pool ORDER BY rank, id DESC LIMIT :limit) "
        "SELECT a.id, a.title, a.status, a.updated_at, -top.rank AS score, "
        f"snippet(articles_fts, 2, char(2), char(3), '…', {SNIPPET_WORDS}) AS snippet "
        "FROM top JOIN articles a ON a.id = top.id "
        "JOIN articles_fts ON articles_fts.rowid = top.id "
        "WHERE articles_fts MATCH :query ORDER BY top.rank, top.id DESC"
    )


def _postgres_pool(session: Session, filters: str, params: dict[str, Any]) -> list[int]:
    """The most recent matches, found in id windows going backwards from the newest.

    Each window is a bitmap AND of the GIN index and the primary key, so only matching
    rows inside the window are read from the table. The first window is sized from the
    planner's estimate of how many articles match: a common word reads a small window,
    a rare one the whole range at once; a window too small grows fourfold.
    """
    newest = session.scalar(text("SELECT max(id) FROM articles")) or 0
    matches = f"a.search_vector @@ websearch_to_tsquery('{TEXT_SEARCH_CONFIG}'::regconfig, :query)"
    window_query = _statement(
        f"SELECT a.id FROM articles a WHERE {matches} AND a.id > :low AND a.id <= :high{filters}",
        typed=False,
    )
    estimate = _estimated_rows(session, f"SELECT a.id FROM articles a WHERE {matches}", params)
    share = min(max(estimate, 1) / max(newest, 1), 1.0)
    found: list[int] = []
    high, width = newest, max(FIRST_WINDOW, int(RANKED_POOL / share * 1.5))
    while high > 0 and len(found) < RANKED_POOL:
        low = max(high - width, 0)
        ids = session.scalars(window_query, {**params, "low": low, "high": high})
        found.extend(sorted(ids, reverse=True))
        high, width = low, width * 4
    return found[:RANKED_POOL]


def _estimated_rows(session: Session, query: str, params: dict[str, Any]) -> int:
    """The planner's estimate of the rows ``query`` returns (statistics only, nothing read)."""
    plan = session.scalar(text(f"EXPLAIN (FORMAT JSON) {query}"), {"query": params["query"]})
    return int(plan[0]["Plan"]["Plan Rows"]) if plan else 0


@prepared
def _postgres() -> Any:
    """Cover density over the pool; headlines for the top only."""
    config = f"'{TEXT_SEARCH_CONFIG}'::regconfig"
    return _statement(
        f"WITH q AS (SELECT websearch_to_tsquery({config}, :query) AS query), "
        "top AS (SELECT a.id, a.title, a.status, a.updated_at, a.body, "
        "ts_rank_cd(a.search_vector, q.query) AS score "
        "FROM articles a, q WHERE a.id = ANY(:ids) "
        "ORDER BY score DESC, a.id DESC LIMIT :limit) "
        "SELECT top.id, top.title, top.status, top.updated_at, top.score, "
        f"ts_headline({config}, top.body, q.query, :headline) AS snippet "
        "FROM top, q ORDER BY top.score DESC, top.id DESC",
        headline=HEADLINE_OPTIONS,
    )
