"""NPS and CSAT over time and by segment, and whether each detractor was followed up.

NPS answers score 0–10: promoters 9–10, passives 7–8, detractors 0–6; NPS is
the share of promoters minus the share of detractors, in points. CSAT answers
score 1–5; CSAT is the share of 4s and 5s. A detractor counts as followed up
when anyone logged an interaction (call, visit, email, note …) with that
account within ``follow_up_days`` after the answer. The same follow-up rule applies to
poor CSAT answers (1–2) and to survey comments whose sentiment is negative
(:func:`awaiting_follow_up`, which the "unheard detractor" playbook reads).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.record.models import Account, Interaction, SurveyResponse
from keepwell.voice.sentiment import sentiment

FOLLOW_UP_DAYS = 14
PROMOTER, DETRACTOR_MAX = 9, 6
CSAT_GOOD = 4
CSAT_POOR_MAX = 2
"""CSAT answers up to this score need a follow-up like NPS detractors."""


def band(score: float) -> str:
    """``promoter``, ``passive`` or ``detractor`` for an NPS score."""
    if score >= PROMOTER:
        return "promoter"
    return "passive" if score > DETRACTOR_MAX else "detractor"


def nps(scores: list[float]) -> float | None:
    """The NPS of ``scores`` in points (None without answers)."""
    if not scores:
        return None
    promoters = sum(s >= PROMOTER for s in scores)
    detractors = sum(s <= DETRACTOR_MAX for s in scores)
    return round(100.0 * (promoters - detractors) / len(scores), 1)


def csat(scores: list[float]) -> float | None:
    """The share (0–100) of CSAT answers of 4 or 5 (None without answers)."""
    if not scores:
        return None
    return round(100.0 * sum(s >= CSAT_GOOD for s in scores) / len(scores), 1)


def _quarter(day: datetime) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _answers(session: Session, as_of: date | None) -> list[Any]:
    end = datetime.combine(as_of, time.max) if as_of else datetime.max
    query = (
        select(
            SurveyResponse.id,
            SurveyResponse.account_id,
            SurveyResponse.kind,
            SurveyResponse.score,
            SurveyResponse.responded_at,
            SurveyResponse.comment,
            SurveyResponse.contact_id,
            Account.name,
            Account.segment,
        )
        .join(Account, Account.id == SurveyResponse.account_id)
        .where(SurveyResponse.responded_at <= end)
        .order_by(SurveyResponse.responded_at, SurveyResponse.id)
    )
    return list(session.execute(query).all())


MIN_ANSWERS = 10
"""Fewest answers behind an NPS or CSAT figure before it is judged; with fewer, one or
two answers swing it by tens of points, so the figure is shown as too few to judge."""


def too_few(answers: int) -> bool:
    """Whether ``answers`` are too few for an NPS or CSAT figure to be judged."""
    return answers < MIN_ANSWERS


def nps_trend(session: Session, as_of: date | None = None) -> list[dict[str, Any]]:
    """Per quarter: NPS answers by band, NPS, CSAT answers and CSAT.

    ``nps_too_few`` and ``csat_too_few`` mark figures from fewer than
    :data:`MIN_ANSWERS` answers.
    """
    quarters: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in _answers(session, as_of):
        quarters[_quarter(row.responded_at)][row.kind].append(row.score)
    return [
        {
            "period": period,
            "nps_answers": len(kinds["nps"]),
            "promoters": sum(band(s) == "promoter" for s in kinds["nps"]),
            "passives": sum(band(s) == "passive" for s in kinds["nps"]),
            "detractors": sum(band(s) == "detractor" for s in kinds["nps"]),
            "nps": nps(kinds["nps"]),
            "nps_too_few": too_few(len(kinds["nps"])),
            "csat_answers": len(kinds["csat"]),
            "csat": csat(kinds["csat"]),
            "csat_too_few": too_few(len(kinds["csat"])),
        }
        for period, kinds in sorted(quarters.items())
    ]


def nps_by_segment(
    session: Session, as_of: date | None = None, *, days: int = 365
) -> list[dict[str, Any]]:
    """NPS and CSAT per account segment over the last ``days`` days."""
    day = as_of or date.today()
    start = datetime.combine(day - timedelta(days=days), time.max)
    segments: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in _answers(session, day):
        if row.responded_at > start:
            segments[row.segment or "(none)"][row.kind].append(row.score)
    return [
        {
            "segment": segment,
            "nps_answers": len(kinds["nps"]),
            "nps": nps(kinds["nps"]),
            "nps_too_few": too_few(len(kinds["nps"])),
            "csat_answers": len(kinds["csat"]),
            "csat": csat(kinds["csat"]),
            "csat_too_few": too_few(len(kinds["csat"])),
        }
        for segment, kinds in sorted(segments.items())
    ]


@dataclass(frozen=True)
class Detractor:
    """A detractor answer and whether (and when) the account was contacted after it."""

    survey_id: int
    account_id: int
    account: str
    score: float
    responded_at: datetime
    comment: str | None
    followed_up_at: datetime | None
    due: bool
    """The follow-up window has passed (or ``as_of`` is past it)."""
    kind: str = "nps"
    """The survey: ``nps`` or ``csat``."""
    negative_comment: bool = False
    """Counted for its negative comment; the score alone would not count."""

    @property
    def followed_up(self) -> bool:
        return self.followed_up_at is not None

    @property
    def unheard(self) -> bool:
        """Nobody followed up within the window, and the window has passed."""
        return self.followed_up_at is None and self.due


def low_score(
    kind: str, score: float, *, nps_max: float = DETRACTOR_MAX, csat_max: float = CSAT_POOR_MAX
) -> bool:
    """An NPS detractor (0–``nps_max``) or a poor CSAT answer (1–``csat_max``)."""
    survey = kind.lower()
    return (survey == "nps" and score <= nps_max) or (survey == "csat" and score <= csat_max)


def negative_comment(comment: str | None) -> bool:
    """The comment's sentiment is negative (the same label the comment explorer shows)."""
    return sentiment(comment).label == "negative"


def detractors(
    session: Session,
    as_of: date | None = None,
    *,
    days: int | None = 365,
    follow_up_days: int = FOLLOW_UP_DAYS,
) -> list[Detractor]:
    """NPS detractors of the last ``days`` days (all when ``None``), newest first."""
    day = as_of or date.today()
    rows = [
        r
        for r in _answers_since(session, day, days)
        if r.kind.lower() == "nps" and low_score(r.kind, r.score)
    ]
    return _followed_up(session, rows, day, follow_up_days)


def awaiting_follow_up(
    session: Session,
    as_of: date | None = None,
    *,
    days: int | None = 30,
    nps_max: float = DETRACTOR_MAX,
    csat_max: float = CSAT_POOR_MAX,
    follow_up_days: int = FOLLOW_UP_DAYS,
) -> list[Detractor]:
    """Detractors, poor CSAT answers and negative survey comments nobody followed up.

    Both the still open ones (no interaction yet, the window runs) and the unheard ones
    (none within the window), of the last ``days`` days, newest first.
    """
    day = as_of or date.today()

    def low(kind: str, score: float) -> bool:
        return low_score(kind, score, nps_max=nps_max, csat_max=csat_max)

    rows = [
        r
        for r in _answers_since(session, day, days)
        if low(r.kind, r.score) or negative_comment(r.comment)
    ]
    return [
        replace(d, negative_comment=not low(d.kind, d.score))
        for d in _followed_up(session, rows, day, follow_up_days)
        if not d.followed_up
    ]


def _answers_since(session: Session, day: date, days: int | None) -> list[Any]:
    """Survey answers up to the end of ``day`` and after the ``days`` days before it."""
    start = datetime.combine(day - timedelta(days=days), time.max) if days else datetime.min
    return [r for r in _answers(session, day) if r.responded_at > start]


def _followed_up(
    session: Session, rows: list[Any], day: date, follow_up_days: int
) -> list[Detractor]:
    """Each answer with its first interaction within ``follow_up_days`` after it, newest first."""
    end = datetime.combine(day, time.max)
    accounts = sorted({r.account_id for r in rows})
    touches: dict[int, list[datetime]] = defaultdict(list)
    if accounts:
        query = select(Interaction.account_id, Interaction.occurred_at).where(
            Interaction.account_id.in_(accounts), Interaction.occurred_at <= end
        )
        for account, at in session.execute(query).all():
            touches[account].append(at)
    window = timedelta(days=follow_up_days)
    found = []
    for r in rows:
        after = [t for t in touches[r.account_id] if r.responded_at < t <= r.responded_at + window]
        found.append(
            Detractor(
                survey_id=r.id,
                account_id=r.account_id,
                account=r.name,
                score=r.score,
                responded_at=r.responded_at,
                comment=r.comment,
                followed_up_at=min(after) if after else None,
                due=r.responded_at + window <= end,
                kind=r.kind.lower(),
            )
        )
    return sorted(found, key=lambda d: (d.responded_at, d.survey_id), reverse=True)


def unheard_detractors(
    session: Session, as_of: date | None = None, *, days: int | None = 365
) -> list[Detractor]:
    """Detractors nobody followed up in time (for the "unheard detractor" playbook)."""
    return [d for d in detractors(session, as_of, days=days) if d.unheard]
