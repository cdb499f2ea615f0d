"""Incremental assignment of new texts to known problems.

A new text joins the problem whose centroid is most similar (cosine) when
that similarity reaches the threshold: either one number for all problems,
or, by default, each problem's own ``threshold`` learnt at detection time.
Texts that fit no problem become candidates for new problems.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from keepwell.problems.represent import FloatArray, Representation
from keepwell.problems.result import UNASSIGNED, Assignment, Detection, Problem

__all__ = ["assign_to_problems", "assign_vectors"]


def _nothing_fits(rows: int) -> Assignment:
    return Assignment(
        problem_ids=np.full(rows, UNASSIGNED, dtype=np.int64),
        similarities=np.zeros(rows),
        candidates=tuple(range(rows)),
    )


def assign_vectors(
    vectors: FloatArray, problems: Sequence[Problem], *, threshold: float | None = None
) -> Assignment:
    """Assign unit ``vectors`` to ``problems`` (see :func:`assign_to_problems`)."""
    rows = len(vectors)
    if not problems or rows == 0:
        return _nothing_fits(rows)
    centres = np.vstack([np.asarray(p.centroid, dtype=np.float64) for p in problems])
    if vectors.ndim != 2 or vectors.shape[1] != centres.shape[1]:
        raise ValueError(
            f"vectors have shape {vectors.shape} but problem centroids have "
            f"{centres.shape[1]} dimensions: use the representation the problems came from"
        )
    similarity = vectors @ centres.T
    nearest = similarity.argmax(axis=1)
    best = similarity[np.arange(rows), nearest]
    if threshold is None:
        floor = np.array([p.threshold for p in problems])[nearest]
    else:
        floor = np.full(rows, threshold)
    ids = np.array([p.id for p in problems], dtype=np.int64)[nearest]
    fits = (best >= floor) & (np.linalg.norm(vectors, axis=1) > 0)
    return Assignment(
        problem_ids=np.where(fits, ids, UNASSIGNED),
        similarities=best,
        candidates=tuple(int(i) for i in np.flatnonzero(~fits)),
    )


def assign_to_problems(
    texts: Sequence[str],
    problems: Detection | Sequence[Problem],
    *,
    threshold: float | None = None,
    representation: Representation | None = None,
) -> Assignment:
    """Place new ``texts`` against known ``problems``.

    ``problems`` is a :class:`Detection` (its fitted representation is used)
    or a sequence of :class:`Problem`, which then needs the ``representation``
    that produced their centroids. ``threshold`` is the minimum cosine
    similarity to a centroid; ``None`` uses each problem's own threshold.
    """
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, not a single string")
    if isinstance(problems, Detection):
        known: Sequence[Problem] = problems.problems
        representation = representation or problems.representation
    else:
        known = problems
    if representation is None:
        raise ValueError("representation is required when problems are not a Detection")
    if threshold is not None and not -1.0 <= threshold <= 1.0:
        raise ValueError("threshold is a cosine similarity and must lie in [-1, 1]")
    if not texts or not known:
        return _nothing_fits(len(texts))
    return assign_vectors(representation.transform(list(texts)), known, threshold=threshold)
