"""The voice of the customer as the CLI, the API and the page ask for it.

:func:`voice_summary` gathers sentiment by source, NPS/CSAT over time and by
segment, detractor follow-up, the say–do gap and (optionally) themes with
their churn lift. Themes are read as stored by the scheduled run and kept current
as comments arrive (:mod:`keepwell.voice.store`): reading never clusters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.record.models import Account
from keepwell.voice.comments import SOURCES, Comment, load_comments
from keepwell.voice.nps import Detractor, detractors, nps_by_segment, nps_trend
from keepwell.voice.saydo import say_do_gap
from keepwell.voice.store import (
    stored_page,
    stored_sentiment,
    stored_themes,
    theme_comment_keys,
    themes_stored,
)
from keepwell.voice.themes import ThemeReport

LABELS = ("positive", "neutral", "negative")


def current_themes(session: Session, as_of: date | None = None) -> ThemeReport:
    """The themes as stored, with their figures up to ``as_of`` (never a clustering run)."""
    return stored_themes(session, as_of)


def sentiment_by_source(comments: list[Comment]) -> dict[str, dict[str, Any]]:
    """Per source: how many comments are positive, neutral, negative, and the mean compound."""
    groups: dict[str, list[Comment]] = defaultdict(list)
    for comment in comments:
        groups[comment.source].append(comment)
    result = {}
    for source in SOURCES:
        rows = groups.get(source, [])
        counts = Counter(c.label for c in rows)
        mean = sum(c.compound for c in rows) / len(rows) if rows else None
        result[source] = {
            "comments": len(rows),
            **{label: counts[label] for label in LABELS},
            "mean": round(mean, 3) if mean is not None else None,
        }
    return result


def stored_sentiment_by_source(session: Session, as_of: date | None) -> dict[str, dict[str, Any]]:
    """:func:`sentiment_by_source` from the stored comment rows (one SQL statement)."""
    counts = stored_sentiment(session, as_of)
    result = {}
    for source in SOURCES:
        found = {label: counts.get((source, label), (0, 0.0)) for label in LABELS}
        total = sum(n for n, _ in found.values())
        compound = sum(c for _, c in found.values())
        result[source] = {
            "comments": total,
            **{label: n for label, (n, _) in found.items()},
            "mean": round(compound / total, 3) if total else None,
        }
    return result


def detractor_dict(d: Detractor) -> dict[str, Any]:
    """A detractor as JSON-ready data; status: followed_up, unheard, or open (still in time)."""
    return {
        "survey_id": d.survey_id,
        "account_id": d.account_id,
        "account": d.account,
        "score": d.score,
        "responded_at": d.responded_at.isoformat(),
        "comment": d.comment,
        "followed_up_at": d.followed_up_at.isoformat() if d.followed_up_at else None,
        "status": "followed_up" if d.followed_up else ("unheard" if d.due else "open"),
    }


def theme_dicts(report: ThemeReport) -> dict[str, Any]:
    """JSON-ready themes, largest first, with the base rates of their lifts."""
    return {
        "comments": report.comments,
        "unassigned": report.unassigned,
        "accounts": report.accounts,
        "lost_rate": report.lost_rate,
        "risk_rate": report.risk_rate,
        "representation": report.representation,
        "computed_at": report.computed_at.isoformat() if report.computed_at else None,
        "themes": [t.as_dict() for t in sorted(report.themes, key=lambda t: (-t.size, t.id))],
    }


def voice_summary(
    session: Session, as_of: date | None = None, *, with_themes: bool = True
) -> dict[str, Any]:
    """Everything the voice page shows, as one JSON-ready document."""
    day = as_of or date.today()
    if themes_stored(session):
        sentiment = stored_sentiment_by_source(session, day)
    else:
        sentiment = sentiment_by_source(load_comments(session, as_of=day))
    found = detractors(session, day)
    statuses = Counter(detractor_dict(d)["status"] for d in found)
    gaps = say_do_gap(session, day)
    summary: dict[str, Any] = {
        "as_of": day.isoformat(),
        "sentiment": sentiment,
        "nps_trend": nps_trend(session, day),
        "nps_by_segment": nps_by_segment(session, day),
        "detractors": {
            "total": len(found),
            "followed_up": statuses["followed_up"],
            "unheard": statuses["unheard"],
            "open": statuses["open"],
            "items": [detractor_dict(d) for d in found],
        },
        "say_do_gap": [g.as_dict() for g in gaps],
    }
    if with_themes:
        summary["themes"] = theme_dicts(current_themes(session, day))
    return summary


@dataclass(frozen=True)
class CommentPage:
    """One page of the comment explorer and how many comments match in all."""

    items: list[Comment]
    total: int


def explore_comments(
    session: Session,
    *,
    search: str | None = None,
    source: str | None = None,
    label: str | None = None,
    account_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    theme_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> CommentPage:
    """Comments matching every filter given (``theme_id``: in that stored theme), newest first.

    Without a search, the stored comment rows are paged in SQL (once themes are stored);
    a search reads every comment's text.
    """
    if source is not None and source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    if label is not None and label not in LABELS:
        raise ValueError(f"sentiment must be one of {', '.join(LABELS)}")
    sources = (source,) if source else SOURCES
    needle = (search or "").casefold().strip()
    if not needle and themes_stored(session):
        page_keys, total = stored_page(
            session,
            source=source,
            label=label,
            account_id=account_id,
            since=since,
            until=until,
            theme_id=theme_id,
            limit=limit,
            offset=offset,
        )
        ids: dict[str, list[int]] = defaultdict(list)
        for key_source, key in page_keys:
            ids[key_source].append(key)
        found = {(c.source, c.id): c for c in load_comments(session, ids=ids)}
        return CommentPage([found[k] for k in page_keys if k in found], total)
    keys = theme_comment_keys(session, theme_id) if theme_id is not None else None
    matched = [
        c
        for c in load_comments(session, sources=sources, as_of=until.date() if until else None)
        if (label is None or c.label == label)
        and (account_id is None or c.account_id == account_id)
        and (since is None or c.at >= since)
        and (until is None or c.at <= until)
        and (not needle or needle in c.text.casefold())
        and (keys is None or (c.source, c.id) in keys)
    ]
    matched.reverse()
    return CommentPage(matched[offset : offset + limit], len(matched))


def comment_dict(comment: Comment, names: dict[int, str]) -> dict[str, Any]:
    """A comment as JSON-ready data with its account's name."""
    data = dict(comment.__dict__)
    data["at"] = comment.at.isoformat()
    data["account"] = names.get(comment.account_id)
    return data


def account_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Names of the accounts with ``ids``."""
    rows = session.execute(select(Account.id, Account.name).where(Account.id.in_(sorted(ids))))
    return {int(r.id): str(r.name) for r in rows}
