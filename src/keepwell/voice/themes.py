"""Themes across survey comments, tickets and notes, and how strongly each goes with churn.

Themes come from the same pipeline as recurring problems
(:func:`keepwell.problems.detect_problems`). For each theme, the accounts that
mention it are compared with every account that wrote anything: the **churn
lift** is the share of lost accounts among those that mention the theme divided
by the share among all (``2.3`` reads "accounts that mention it churn 2.3× as
often"); the **risk lift** does the same for accounts lost or at risk in the
latest scoring run. Lifts need at least ``MIN_ACCOUNTS`` mentioning accounts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import fmean
from typing import Any

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from keepwell.insight.snapshots import accounts_in_band
from keepwell.problems import (
    Detection,
    Representation,
    default_min_size,
    default_representation,
    detect_vectors,
)
from keepwell.problems.represent import FloatArray
from keepwell.record.models import Account
from keepwell.voice.comments import SOURCES, Comment, load_comments

MIN_ACCOUNTS = 5


class ClusteringCounter:
    """How many times this process clustered comments into themes (a real count, read by
    tests and benchmarks to show that reading themes never clusters)."""

    runs = 0


def cluster_comments(
    texts: list[str],
    *,
    representation: Representation | None = None,
    min_size: int | None = None,
    seed: int = 0,
) -> tuple[Detection, FloatArray]:
    """Group ``texts`` into themes with the recurring-problem pipeline; also their vectors."""
    ClusteringCounter.runs += 1
    chosen = representation or default_representation(seed=seed)
    size = default_min_size(len(texts)) if min_size is None else min_size
    vectors = chosen.fit_transform(texts) if len(texts) >= size else np.zeros((len(texts), 0))
    return detect_vectors(texts, vectors, chosen, min_size=size, seed=seed), vectors


@dataclass
class Theme:
    """One theme: its label, where it is voiced, its sentiment and its lift."""

    id: int
    label: str
    size: int
    sources: dict[str, int]
    sentiment: float
    negative_share: float
    accounts: int
    examples: list[str]
    churn_lift: float | None = None
    risk_lift: float | None = None
    sentence: str | None = None
    comment_keys: list[tuple[str, int]] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (without the member keys)."""
        data = dict(self.__dict__)
        data.pop("comment_keys")
        return data


@dataclass
class ThemeReport:
    """Themes with the base rates their lifts compare against."""

    themes: list[Theme]
    comments: int
    unassigned: int
    accounts: int
    lost_rate: float
    risk_rate: float
    representation: str
    computed_at: datetime | None = None


def lost_and_risk(session: Session, ids: set[int], as_of: date | None) -> tuple[set[int], set[int]]:
    day = as_of or date.today()
    lost = set(
        session.scalars(
            select(Account.id).where(
                Account.id.in_(sorted(ids)), or_(Account.status == "lost", Account.ended_on <= day)
            )
        )
    )
    at_risk = accounts_in_band(session, "at_risk") & ids
    return lost, lost | at_risk


def rate(part: set[int], whole: set[int]) -> float:
    return len(part & whole) / len(whole) if whole else 0.0


def lift(part: set[int], whole: set[int], base: float) -> float | None:
    if len(whole) < MIN_ACCOUNTS or base == 0:
        return None
    return round(rate(part, whole) / base, 2)


def churn_sentence(theme: Theme) -> str | None:
    """The sentence "accounts that mention … churn 2.3× as often", if the theme has a lift."""
    if theme.churn_lift is None:
        return None
    return f"accounts that mention “{theme.label}” churn {theme.churn_lift:.1f}× as often"


def _theme(group: Any, comments: list[Comment], texts: list[str]) -> Theme:
    members = [comments[i] for i in group.members]
    return Theme(
        id=group.id,
        label=group.label,
        size=group.size,
        sources=dict(Counter(c.source for c in members)),
        sentiment=round(fmean(c.compound for c in members), 3),
        negative_share=round(sum(c.label == "negative" for c in members) / len(members), 3),
        accounts=len({c.account_id for c in members}),
        examples=[texts[i] for i in group.representatives],
        comment_keys=[(c.source, c.id) for c in members],
    )


def find_themes(
    session: Session,
    *,
    as_of: date | None = None,
    sources: tuple[str, ...] = SOURCES,
    representation: Representation | None = None,
    min_size: int | None = None,
    seed: int = 0,
) -> ThemeReport:
    """Cluster every comment into themes and compute each theme's churn and risk lift."""
    comments = load_comments(session, sources=sources, as_of=as_of)
    texts = [c.text for c in comments]
    detection, _ = cluster_comments(
        texts, representation=representation, min_size=min_size, seed=seed
    )
    everyone = {c.account_id for c in comments}
    lost, risky = lost_and_risk(session, everyone, as_of)
    lost_rate, risk_rate = rate(lost, everyone), rate(risky, everyone)
    themes = []
    for group in detection.problems:
        theme = _theme(group, comments, texts)
        mentioning = {comments[i].account_id for i in group.members}
        theme.churn_lift = lift(lost, mentioning, lost_rate)
        theme.risk_lift = lift(risky, mentioning, risk_rate)
        theme.sentence = churn_sentence(theme)
        themes.append(theme)
    return ThemeReport(
        themes=themes,
        comments=len(comments),
        unassigned=len(detection.unassigned),
        accounts=len(everyone),
        lost_rate=round(lost_rate, 4),
        risk_rate=round(risk_rate, 4),
        representation=detection.representation.name,
    )
