"""Every text in the customer's voice: survey comments, tickets, and records of calls,
e-mails, meetings and visits (the team's own notes are left out).

All three are read with one statement each and returned as :class:`Comment`
rows, each with its sentiment from :func:`keepwell.voice.sentiment.sentiment`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from keepwell.problems.corpus import ticket_text
from keepwell.record.models import Interaction, SurveyResponse, Ticket
from keepwell.voice.models import VoiceThemeComment as Seen
from keepwell.voice.sentiment import sentiment

SOURCES = ("survey", "ticket", "interaction")
"""Where a comment comes from."""
STAFF_NOTE_KINDS = ("note",)
"""Interaction kinds the team writes for itself (such as "Account lost"): the team's
voice, not the customer's, so they are left out. Calls, e-mails, meetings and visits
record what the customer said and stay in."""


@dataclass(frozen=True)
class Comment:
    """One text with where it came from, whose account it is, and its sentiment."""

    source: str
    id: int
    account_id: int
    at: datetime
    kind: str
    text: str
    score: float | None
    compound: float
    label: str


Narrowing = list[ColumnElement[bool]]


@lru_cache(maxsize=200_000)
def _feeling(text: str) -> tuple[float, str]:
    """The sentiment of ``text`` (kept per process: reading the same comments again is free)."""
    found = sentiment(text)
    return found.compound, found.label


def _make(
    source: str, id_: int, account: int, at: datetime, kind: str, text: str, score: float | None
) -> Comment:
    compound, label = _feeling(text)
    return Comment(source, id_, account, at, kind, text, score, compound, label)


def _surveys(session: Session, end: datetime, narrow: Narrowing) -> list[Comment]:
    rows = session.execute(
        select(
            SurveyResponse.id,
            SurveyResponse.account_id,
            SurveyResponse.responded_at,
            SurveyResponse.kind,
            SurveyResponse.comment,
            SurveyResponse.score,
        ).where(SurveyResponse.comment.is_not(None), SurveyResponse.responded_at <= end, *narrow)
    ).all()
    return [
        _make("survey", r.id, r.account_id, r.responded_at, r.kind, r.comment or "", r.score)
        for r in rows
        if (r.comment or "").strip()
    ]


def _tickets(session: Session, end: datetime, narrow: Narrowing) -> list[Comment]:
    rows = session.execute(
        select(
            Ticket.id, Ticket.account_id, Ticket.opened_at, Ticket.kind, Ticket.subject, Ticket.text
        ).where(Ticket.opened_at <= end, *narrow)
    ).all()
    return [
        _make(
            "ticket", r.id, r.account_id, r.opened_at, r.kind, ticket_text(r.subject, r.text), None
        )
        for r in rows
    ]


def _interactions(session: Session, end: datetime, narrow: Narrowing) -> list[Comment]:
    rows = session.execute(
        select(
            Interaction.id,
            Interaction.account_id,
            Interaction.occurred_at,
            Interaction.kind,
            Interaction.subject,
            Interaction.text,
        ).where(Interaction.occurred_at <= end, Interaction.kind.not_in(STAFF_NOTE_KINDS), *narrow)
    ).all()
    return [
        _make(
            "interaction",
            r.id,
            r.account_id,
            r.occurred_at,
            r.kind,
            ticket_text(r.subject, r.text),
            None,
        )
        for r in rows
        if (r.text or r.subject or "").strip()
    ]


LOADERS = {"survey": _surveys, "ticket": _tickets, "interaction": _interactions}
ID_COLUMNS: dict[str, InstrumentedAttribute[int]] = {
    "survey": SurveyResponse.id,
    "ticket": Ticket.id,
    "interaction": Interaction.id,
}


def _narrowing(source: str, ids: Mapping[str, Collection[int]] | None, unseen: bool) -> Narrowing:
    column = ID_COLUMNS[source]
    narrow: Narrowing = []
    if ids is not None:
        narrow.append(column.in_(sorted(ids.get(source, ()))))
    if unseen:
        narrow.append(~exists().where(and_(Seen.source == source, Seen.comment_id == column)))
    return narrow


def load_comments(
    session: Session,
    *,
    sources: tuple[str, ...] = SOURCES,
    as_of: date | None = None,
    ids: Mapping[str, Collection[int]] | None = None,
    unseen: bool = False,
) -> list[Comment]:
    """Every non-empty comment up to the end of ``as_of`` (all when ``None``), oldest first.

    ``ids`` keeps only the given ids per source; ``unseen`` only comments the stored
    themes have not placed yet (see :mod:`keepwell.voice.store`).
    """
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        raise ValueError(
            f"unknown comment source(s) {', '.join(unknown)}; use {', '.join(SOURCES)}"
        )
    end = datetime.combine(as_of, time.max) if as_of else datetime.max
    if ids is not None:
        sources = tuple(s for s in sources if ids.get(s))
    found = [
        c
        for source in sources
        for c in LOADERS[source](session, end, _narrowing(source, ids, unseen))
    ]
    found.sort(key=lambda c: (c.at, c.source, c.id))
    return found
