"""Search everywhere: what a person types in the top bar, found across the record.

One query goes to every kind of thing a person looks for, each answered by an index:
accounts by name and by their id in any source system, contacts by name or e-mail,
tickets by number and by the words of their subject and text (the full-text index of
migration 0013), machines by serial or model, recurring problems by title, articles by
full text. Each kind returns its best few; the results keep that grouping.

Every result is readable with the read permission and carries no money, so the same
results serve every role; callers check the read permission.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, TextClause, bindparam, case, func, select, text
from sqlalchemy.orm import Session

from keepwell.db.prepared import prepared, read
from keepwell.knowledge.search import search as search_articles
from keepwell.people.presence import is_present
from keepwell.problems.models import LIVE_STATUSES
from keepwell.problems.models import ProblemRecord as Problem
from keepwell.record.fts import TEXT_CONFIG, VECTOR_COLUMN, fts_table
from keepwell.record.models import Account, AccountExternalId, Asset, Contact, Ticket
from keepwell.record.timeline import TICKET_LABELS

KINDS = ("account", "contact", "ticket", "asset", "problem", "article")
"""The kinds of result, in the order they are shown."""
PER_KIND = 5
MAX_QUERY = 200
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
POOL = 200
"""At most this many matches of a kind are ordered: the newest (a word nearly every ticket
has would otherwise make the query read them all)."""


@dataclass(frozen=True)
class Found:
    """One thing found: what it is, what to call it, a line that tells it apart, a link."""

    kind: str
    id: int
    title: str
    subtitle: str
    url: str


@dataclass(frozen=True)
class SearchResults:
    """The results of one query, grouped by kind in the order of :data:`KINDS`."""

    query: str
    results: list[Found]
    took_ms: float

    def by_kind(self) -> dict[str, list[Found]]:
        """The results per kind, kinds without results left out."""
        grouped: dict[str, list[Found]] = {}
        for found in self.results:
            grouped.setdefault(found.kind, []).append(found)
        return grouped


def search_everything(
    session: Session, query: str, kinds: Sequence[str] = KINDS, per_kind: int = PER_KIND
) -> SearchResults:
    """The best ``per_kind`` results of each of ``kinds`` for ``query``."""
    started = time.perf_counter()
    typed = " ".join(query.split())[:MAX_QUERY]
    results: list[Found] = []
    if typed:
        for kind in KINDS:
            if kind in kinds:
                results += _SEARCHES[kind](session, typed, per_kind)
    took = round((time.perf_counter() - started) * 1000, 1)
    return SearchResults(query=typed, results=results, took_ms=took)


def _accounts(session: Session, typed: str, limit: int) -> list[Found]:
    found: dict[int, Found] = {}
    for row in read(session, _accounts_by_external_id(), ids=_id_forms(typed), limit=limit):
        system = _source_name(row.source)
        subtitle = f"{system} customer number {row.external_id}"
        found.setdefault(row.id, Found("account", row.id, row.name, subtitle, _account(row.id)))
    for row in _word_matches(session, "accounts", typed, _accounts_named(), limit):
        subtitle = " · ".join(p for p in (row.segment, row.region, _lost(row.status)) if p)
        found.setdefault(row.id, Found("account", row.id, row.name, subtitle, _account(row.id)))
    return list(found.values())[:limit]


@prepared
def _accounts_by_external_id() -> Select[*tuple[Any, ...]]:
    return (
        select(Account.id, Account.name, AccountExternalId.source, AccountExternalId.external_id)
        .join(Account, Account.id == AccountExternalId.account_id)
        .where(AccountExternalId.external_id.in_(bindparam("ids", expanding=True)))
        .order_by(Account.id)
        .limit(bindparam("limit"))
    )


@prepared
def _accounts_named() -> Select[*tuple[Any, ...]]:
    columns = (Account.id, Account.name, Account.segment, Account.region, Account.status)
    return _ranked(select(*columns), Account.id, Account.name)


def _ranked(statement: Select[*tuple[Any, ...]], key: Any, name: Any) -> Select[*tuple[Any, ...]]:
    """``statement`` narrowed to the ``ids`` bound later, those whose ``name`` starts with
    what was typed first, then by name."""
    lowered = func.lower(name)
    starts = case((lowered.like(bindparam("starts"), escape="\\"), 0), else_=1)
    return (
        statement.where(key.in_(bindparam("ids", expanding=True)))
        .order_by(starts, lowered)
        .limit(bindparam("limit"))
    )


def _contacts(session: Session, typed: str, limit: int) -> list[Found]:
    found = []
    for row in _word_matches(session, "contacts", typed, _contacts_named(), limit):
        role = row.title or row.role
        parts = [f"{role} at {row.account_name}" if role else row.account_name]
        if not is_present(row.left_at, row.active, date.today()):
            parts.append("has left")
        url = _account(row.account_id, "contacts-title")
        found.append(Found("contact", row.id, row.name, " · ".join(parts), url))
    return found


@prepared
def _contacts_named() -> Select[*tuple[Any, ...]]:
    statement = select(
        Contact.id,
        Contact.name,
        Contact.title,
        Contact.role,
        Contact.active,
        Contact.left_at,
        Contact.account_id,
        Account.name.label("account_name"),
    ).join(Account, Account.id == Contact.account_id)
    return _ranked(statement, Contact.id, Contact.name)


def _tickets(session: Session, typed: str, limit: int) -> list[Found]:
    rows = list(read(session, _tickets_by_number(), ids=_id_forms(typed), limit=limit))
    if len(rows) < limit:
        rows += _word_matches(session, "tickets", typed, _tickets_with_ids(), limit)
    found: dict[int, Found] = {}
    for row in rows:
        kind = TICKET_LABELS.get(row.kind, row.kind.capitalize())
        status = "closed" if row.closed_at is not None else row.status
        opened = row.opened_at.date().isoformat()
        subtitle = f"{kind} {row.external_id} · {row.account_name} · opened {opened} · {status}"
        url = f"/tickets/{row.id}"
        found.setdefault(row.id, Found("ticket", row.id, row.subject, subtitle, url))
    return list(found.values())[:limit]


_TICKET_COLUMNS = (
    Ticket.id,
    Ticket.external_id,
    Ticket.subject,
    Ticket.kind,
    Ticket.status,
    Ticket.opened_at,
    Ticket.closed_at,
    Account.name.label("account_name"),
)


@prepared
def _tickets_by_number() -> Select[*tuple[Any, ...]]:
    return (
        select(*_TICKET_COLUMNS)
        .join(Account, Account.id == Ticket.account_id)
        .where(Ticket.external_id.in_(bindparam("ids", expanding=True)))
        .order_by(Ticket.id)
        .limit(bindparam("limit"))
    )


@prepared
def _tickets_with_ids() -> Select[*tuple[Any, ...]]:
    """The matched tickets, newest first (the word index returns the newest matches)."""
    return (
        select(*_TICKET_COLUMNS)
        .join(Account, Account.id == Ticket.account_id)
        .where(Ticket.id.in_(bindparam("ids", expanding=True)))
        .order_by(Ticket.id.desc())
        .limit(bindparam("limit"))
    )


def _assets(session: Session, typed: str, limit: int) -> list[Found]:
    found = []
    for row in _word_matches(session, "assets", typed, _assets_with_ids(), limit):
        model = row.model or row.product_line or "Machine"
        subtitle = f"{model} at {row.account_name}"
        if row.status != "active":
            subtitle += f" · {row.status}"
        url = _account(row.account_id, "assets-title")
        found.append(Found("asset", row.id, row.serial, subtitle, url))
    return found


@prepared
def _assets_with_ids() -> Select[*tuple[Any, ...]]:
    statement = select(
        Asset.id,
        Asset.serial,
        Asset.model,
        Asset.product_line,
        Asset.status,
        Asset.account_id,
        Account.name.label("account_name"),
    ).join(Account, Account.id == Asset.account_id)
    return _ranked(statement, Asset.id, Asset.serial)


def _word_matches(
    session: Session, table: str, typed: str, rows: Select[*tuple[Any, ...]], limit: int
) -> list[Any]:
    """``rows`` (a statement over ``ids``) for the newest ``POOL`` matches of ``typed``'s
    words in ``table``'s word index: every word must begin a word of the record, the last
    may be unfinished (typing goes on)."""
    words = WORD.findall(typed.lower())[:MAX_WORDS]
    if not words:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        match = " ".join([f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*'])
    else:
        match = " & ".join([*words[:-1], f"{words[-1]}:*"])
    ids = list(read(session, _matching_ids(dialect, table), match=match, pool=POOL).scalars())
    if not ids:
        return []
    return list(read(session, rows, ids=ids, starts=_like(typed)["starts"], limit=limit))


@prepared
def _matching_ids(dialect: str, table: str) -> TextClause:
    if dialect == "sqlite":
        fts = fts_table(table)
        sql = f"SELECT rowid FROM {fts} WHERE {fts} MATCH :match ORDER BY rowid DESC LIMIT :pool"
    else:
        sql = (
            f"SELECT id FROM {table} WHERE {VECTOR_COLUMN} @@ "
            f"to_tsquery('{TEXT_CONFIG}'::regconfig, :match) ORDER BY id DESC LIMIT :pool"
        )
    return text(sql)


PROBLEM_STATUS_WORDS = {
    "candidate": "found in the tickets, not yet confirmed",
    "confirmed": "confirmed",
    "contained": "contained",
    "corrected": "corrected",
    "closed": "closed",
}


def _problems(session: Session, typed: str, limit: int) -> list[Found]:
    found = []
    for row in read(session, _problems_by_label(), **_like(typed), limit=limit):
        status = PROBLEM_STATUS_WORDS.get(row.status, row.status)
        subtitle = f"Recurring problem · {status}"
        found.append(Found("problem", row.id, row.label, subtitle, f"/problems/{row.id}"))
    return found


@prepared
def _problems_by_label() -> Select[*tuple[Any, ...]]:
    label = func.lower(Problem.label)
    return (
        select(Problem.id, Problem.label, Problem.status)
        .where(
            label.like(bindparam("contains"), escape="\\"),
            Problem.status.in_(LIVE_STATUSES),
        )
        .order_by(case((label.like(bindparam("starts"), escape="\\"), 0), else_=1), Problem.id)
        .limit(bindparam("limit"))
    )


def _articles(session: Session, typed: str, limit: int) -> list[Found]:
    return [
        Found(
            "article",
            hit.article_id,
            hit.title,
            f"Article · updated {hit.updated_at.date().isoformat()}",
            f"/knowledge/{hit.article_id}",
        )
        for hit in search_articles(session, typed, limit, status="published")
    ]


_SEARCHES: dict[str, Callable[[Session, str, int], list[Found]]] = {
    "account": _accounts,
    "contact": _contacts,
    "ticket": _tickets,
    "asset": _assets,
    "problem": _problems,
    "article": _articles,
}


def _like(typed: str) -> dict[str, str]:
    """``contains`` and ``starts`` patterns for a case-insensitive LIKE, wildcards escaped."""
    escaped = typed.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return {"contains": f"%{escaped}%", "starts": f"{escaped}%"}


def _id_forms(typed: str) -> list[str]:
    """The forms in which a typed id may be stored: as typed, upper and lower case."""
    return sorted({typed, typed.upper(), typed.lower()})


def _account(account_id: int, anchor: str = "") -> str:
    return f"/accounts/{account_id}" + (f"#{anchor}" if anchor else "")


def _lost(status: str) -> str:
    return "lost customer" if status == "lost" else ""


def _source_name(source: str) -> str:
    """``crm`` → ``CRM``, ``helpdesk`` → ``Helpdesk``: how people name their systems."""
    return source.upper() if len(source) <= 4 else source.capitalize()
