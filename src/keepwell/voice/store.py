"""Themes kept current: clustered by the scheduled run, new comments placed as they arrive.

* :func:`recompute_themes` clusters every comment (the recurring-problem pipeline) and
  stores the themes with their centroids, similarity floors and the representation's
  per-language means, and every comment's theme and sentiment.
* :func:`place_comments` / :func:`place_unseen` embed only new or changed comments and
  place each against the stored themes, like new tickets against known problems
  (:func:`keepwell.problems.assign_vectors`): nearest centroid above its floor, else
  no theme. Writing a note or a call record and importing tickets, interactions or
  surveys call them.
* :func:`refresh_themes` is what ``keepwell run`` does: the first clustering, then only
  placing new comments.
* :func:`stored_themes` is the read path of pages, API and CLI: a handful of SQL
  aggregates over the stored rows, never a clustering run.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import date, datetime, time
from time import perf_counter
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, case, delete, func, insert, select, tuple_
from sqlalchemy.orm import Session

from keepwell.problems import Problem, Representation, assign_vectors, default_representation
from keepwell.problems.represent import (
    LanguageCentring,
    MultilingualEncoder,
    SentenceEmbedding,
)
from keepwell.voice.comments import Comment, load_comments
from keepwell.voice.models import VoiceTheme, VoiceThemeComment, VoiceThemeRun
from keepwell.voice.themes import (
    Theme,
    ThemeReport,
    churn_sentence,
    cluster_comments,
    lift,
    lost_and_risk,
    rate,
)

log = logging.getLogger(__name__)

Encoder = MultilingualEncoder | SentenceEmbedding
_loaded: dict[str, Encoder] = {}
_lock = threading.Lock()


def _centring(representation: Representation) -> dict[str, Any]:
    centring = getattr(representation, "centring_", None)
    if not isinstance(centring, LanguageCentring) or centring.overall_ is None:
        return {}
    return {
        "min_texts": centring.min_texts,
        "overall": centring.overall_.tolist(),
        "means": {k: v.tolist() for k, v in centring.means_.items()},
    }


def _restored(data: dict[str, Any]) -> LanguageCentring:
    centring = LanguageCentring(int(data.get("min_texts", 20)))
    overall = data.get("overall")
    centring.overall_ = np.asarray(overall, dtype=np.float64) if overall else None
    centring.means_ = {k: np.asarray(v, dtype=np.float64) for k, v in data["means"].items()}
    return centring


def _encoder(run: VoiceThemeRun) -> Encoder | None:
    """The run's sentence model with its language means, loaded once per process; None when
    the run used TF-IDF (fitted on the corpus, so new texts wait for the next clustering)."""
    if not run.centring:
        return None
    with _lock:
        shared = _loaded.get(run.representation)
        if shared is None:
            chosen = default_representation()
            if not isinstance(chosen, MultilingualEncoder | SentenceEmbedding):
                return None
            chosen._load()
            shared = _loaded.setdefault(chosen.name, chosen)
    if shared.name != run.representation:
        return None
    encoder = copy.copy(shared)  # shares the loaded model, not the language means
    encoder.centring_ = _restored(run.centring)
    return encoder


def _latest_run(session: Session) -> VoiceThemeRun | None:
    return session.scalars(select(VoiceThemeRun).order_by(VoiceThemeRun.id.desc()).limit(1)).first()


def _row(
    comment: Comment, theme: int | None, origin: str, similarity: float | None
) -> dict[str, Any]:
    return {
        "source": comment.source,
        "comment_id": comment.id,
        "theme_id": theme,
        "account_id": comment.account_id,
        "at": comment.at,
        "compound": comment.compound,
        "label": comment.label,
        "origin": origin,
        "similarity": similarity,
    }


def recompute_themes(
    session: Session,
    *,
    representation: Representation | None = None,
    min_size: int | None = None,
    seed: int = 0,
) -> VoiceThemeRun:
    """Cluster every comment into themes and store them (replacing the previous run)."""
    started = perf_counter()
    comments = load_comments(session)
    texts = [c.text for c in comments]
    detection, vectors = cluster_comments(
        texts, representation=representation, min_size=min_size, seed=seed
    )
    session.execute(delete(VoiceThemeComment))
    session.execute(delete(VoiceTheme))
    session.execute(delete(VoiceThemeRun))
    run = VoiceThemeRun(
        representation=detection.representation.name,
        centring=_centring(detection.representation),
        comments=len(comments),
    )
    session.add(run)
    session.flush()
    theme_of: dict[int, tuple[int, float]] = {}
    for group in detection.problems:
        theme = VoiceTheme(
            run_id=run.id,
            label=group.label,
            language=group.language,
            examples=[texts[i] for i in group.representatives],
            centroid=[float(x) for x in group.centroid],
            threshold=float(group.threshold),
            confidence=float(group.confidence),
        )
        session.add(theme)
        session.flush()
        similarities = vectors[list(group.members)] @ group.centroid
        for member, similarity in zip(group.members, similarities, strict=True):
            theme_of[member] = (theme.id, float(similarity))
    rows = []
    for i, comment in enumerate(comments):
        theme_id, similarity = theme_of.get(i, (None, None))
        rows.append(_row(comment, theme_id, "detected", similarity))
    if rows:
        session.execute(insert(VoiceThemeComment), rows)
    run.seconds = round(perf_counter() - started, 2)
    session.flush()
    return run


def _place(session: Session, run: VoiceThemeRun, comments: list[Comment]) -> int | None:
    """Store ``comments`` against the run's themes; how many joined one. When they cannot
    be placed (a TF-IDF run, or another model since), they are stored as ``pending``, in
    no theme, and None is returned: the next clustering places them."""
    encoder = _encoder(run)
    placed = None
    if encoder is not None:
        themes = session.execute(
            select(VoiceTheme.id, VoiceTheme.centroid, VoiceTheme.threshold).where(
                VoiceTheme.run_id == run.id
            )
        ).all()
        known = [
            Problem(
                id=t.id,
                label="",
                terms=(),
                members=(),
                representatives=(),
                centroid=np.asarray(t.centroid, dtype=np.float64),
                threshold=float(t.threshold),
            )
            for t in themes
        ]
        try:
            placed = assign_vectors(encoder.transform([c.text for c in comments]), known)
        except ValueError:
            log.warning("the stored themes come from another model; new comments wait for a run")
    if placed is None:
        rows = [_row(c, None, "pending", None) for c in comments]
        session.execute(insert(VoiceThemeComment), rows)
        return None
    rows = [
        _row(c, int(pid) if pid >= 0 else None, "assigned", float(sim))
        for c, pid, sim in zip(comments, placed.problem_ids, placed.similarities, strict=True)
    ]
    session.execute(insert(VoiceThemeComment), rows)
    return sum(1 for r in rows if r["theme_id"] is not None)


def place_comments(session: Session, ids: Mapping[str, Collection[int]]) -> int:
    """(Re)place the comments with ``ids`` (per source) against the stored themes.

    Called when a comment is written or changed; a comment that is no longer the
    customer's voice (now a staff note, say) leaves its theme. Returns how many
    joined a theme (0 while no themes are stored yet: the first run clusters them).
    """
    run = _latest_run(session)
    if run is None:
        return 0
    keys = [(source, i) for source, found in ids.items() for i in found]
    if keys:
        session.execute(
            delete(VoiceThemeComment).where(
                tuple_(VoiceThemeComment.source, VoiceThemeComment.comment_id).in_(keys)
            )
        )
    comments = load_comments(session, ids=ids)
    if not comments:
        return 0
    return _place(session, run, comments) or 0


def place_unseen(session: Session) -> int | None:
    """Place every comment the stored themes have not seen; None when there are no stored
    themes yet or the new comments wait for the next clustering (see :func:`_place`)."""
    run = _latest_run(session)
    if run is None:
        return None
    comments = load_comments(session, unseen=True)
    if not comments:
        return 0
    return _place(session, run, comments)


def refresh_themes(session: Session) -> dict[str, Any]:
    """What ``keepwell run`` does: the first clustering, then placing new comments only."""
    placed = place_unseen(session)
    pending = select(VoiceThemeComment.comment_id).where(VoiceThemeComment.origin == "pending")
    if placed is not None and session.scalar(pending.limit(1)) is None:
        return {"placed": placed, "clustered": False}
    run = recompute_themes(session)
    return {"placed": 0, "clustered": True, "comments": run.comments, "seconds": run.seconds}


def stored_themes(session: Session, as_of: date | None = None) -> ThemeReport:
    """The stored themes with their figures over comments up to ``as_of`` (no clustering)."""
    run = _latest_run(session)
    if run is None:
        return ThemeReport([], 0, 0, 0, 0.0, 0.0, "", None)
    end = datetime.combine(as_of, time.max) if as_of else datetime.max
    rows = VoiceThemeComment
    figures = session.execute(
        select(
            rows.theme_id,
            rows.source,
            func.count(),
            func.sum(rows.compound),
            func.sum(case((rows.label == "negative", 1), else_=0)),
        )
        .where(rows.at <= end)
        .group_by(rows.theme_id, rows.source)
    ).all()
    pairs = session.execute(
        select(rows.theme_id, rows.account_id).where(rows.at <= end).distinct()
    ).all()
    themes = session.execute(
        select(VoiceTheme.id, VoiceTheme.label, VoiceTheme.examples).where(
            VoiceTheme.run_id == run.id
        )
    ).all()
    sources: dict[int | None, dict[str, int]] = defaultdict(dict)
    totals: dict[int | None, list[float]] = defaultdict(lambda: [0, 0.0, 0])
    for theme_id, source, count, compound, negative in figures:
        sources[theme_id][source] = int(count)
        total = totals[theme_id]
        total[0] += int(count)
        total[1] += float(compound or 0.0)
        total[2] += int(negative or 0)
    mentioning: dict[int | None, set[int]] = defaultdict(set)
    for theme_id, account_id in pairs:
        mentioning[theme_id].add(int(account_id))
    everyone = set().union(*mentioning.values()) if mentioning else set()
    lost, risky = lost_and_risk(session, everyone, as_of)
    lost_rate, risk_rate = rate(lost, everyone), rate(risky, everyone)
    report = []
    for theme_id, label, examples in themes:
        size, compound, negative = totals.get(theme_id, [0, 0.0, 0])
        if not size:
            continue
        accounts = mentioning[theme_id]
        theme = Theme(
            id=theme_id,
            label=label,
            size=int(size),
            sources=sources[theme_id],
            sentiment=round(compound / size, 3),
            negative_share=round(negative / size, 3),
            accounts=len(accounts),
            examples=list(examples),
            churn_lift=lift(lost, accounts, lost_rate),
            risk_lift=lift(risky, accounts, risk_rate),
        )
        theme.sentence = churn_sentence(theme)
        report.append(theme)
    return ThemeReport(
        themes=report,
        comments=int(sum(t[0] for t in totals.values())),
        unassigned=int(totals[None][0]) if None in totals else 0,
        accounts=len(everyone),
        lost_rate=round(lost_rate, 4),
        risk_rate=round(risk_rate, 4),
        representation=run.representation,
        computed_at=run.computed_at,
    )


def themes_stored(session: Session) -> bool:
    """True once a clustering run is stored: every comment since has a row (see above)."""
    return _latest_run(session) is not None


def stored_sentiment(
    session: Session, as_of: date | None
) -> dict[tuple[str, str], tuple[int, float]]:
    """(source, label) → (comments, sum of compounds) up to ``as_of``, from the stored rows."""
    end = datetime.combine(as_of, time.max) if as_of else datetime.max
    rows = VoiceThemeComment
    found = session.execute(
        select(rows.source, rows.label, func.count(), func.sum(rows.compound))
        .where(rows.at <= end)
        .group_by(rows.source, rows.label)
    )
    return {(str(s), str(lb)): (int(n), float(c or 0.0)) for s, lb, n, c in found}


def stored_page(
    session: Session,
    *,
    source: str | None,
    label: str | None,
    account_id: int | None,
    since: datetime | None,
    until: datetime | None,
    theme_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[str, int]], int]:
    """Keys of one page of stored comments matching the filters, newest first, and the total."""
    rows = VoiceThemeComment
    where: list[ColumnElement[bool]] = []
    if source is not None:
        where.append(rows.source == source)
    if label is not None:
        where.append(rows.label == label)
    if account_id is not None:
        where.append(rows.account_id == account_id)
    if since is not None:
        where.append(rows.at >= since)
    if until is not None:
        where.append(rows.at <= until)
    if theme_id is not None:
        where.append(rows.theme_id == theme_id)
    total = session.scalar(select(func.count()).select_from(rows).where(*where)) or 0
    keys = session.execute(
        select(rows.source, rows.comment_id)
        .where(*where)
        .order_by(rows.at.desc(), rows.source.desc(), rows.comment_id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(str(s), int(i)) for s, i in keys], int(total)


def theme_comment_keys(session: Session, theme_id: int) -> set[tuple[str, int]]:
    """The (source, id) of every comment in theme ``theme_id``."""
    found = session.execute(
        select(VoiceThemeComment.source, VoiceThemeComment.comment_id).where(
            VoiceThemeComment.theme_id == theme_id
        )
    )
    return {(str(s), int(i)) for s, i in found}
