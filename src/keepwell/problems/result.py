"""Result types of problem detection and incremental assignment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from keepwell.problems.represent import FloatArray, Representation

__all__ = ["UNASSIGNED", "Assignment", "Detection", "Problem"]

UNASSIGNED = -1
"""Label of a text that belongs to no problem."""


@dataclass(frozen=True, eq=False)
class Problem:
    """One recurring problem found in a corpus.

    ``members`` and ``representatives`` are indices into the texts given to
    detection; ``representatives`` are the members nearest the centroid.
    ``centroid`` is the unit-length mean of the members' vectors and
    ``threshold`` the lowest cosine similarity to it at which a new text is
    taken to describe this problem (derived from the members' spread).
    ``label`` is a readable title (see :mod:`keepwell.problems.title`), in
    ``language``, the language most members are written in; ``confidence``
    is how closely the members resemble each other: their median cosine
    similarity to the centroid (0 to 1).
    """

    id: int
    label: str
    terms: tuple[str, ...]
    members: tuple[int, ...]
    representatives: tuple[int, ...]
    centroid: FloatArray
    threshold: float
    confidence: float = 0.0
    language: str = ""

    @property
    def size(self) -> int:
        """Number of member texts."""
        return len(self.members)


@dataclass(frozen=True, eq=False)
class Detection:
    """Problems found in a corpus, plus the texts that fit none.

    ``labels[i]`` is the id of the problem of text ``i`` or :data:`UNASSIGNED`.
    ``representation`` is the fitted representation, needed to place new
    texts against these problems (see :func:`keepwell.problems.assign_to_problems`).
    """

    problems: tuple[Problem, ...]
    unassigned: tuple[int, ...]
    labels: NDArray[np.int64]
    representation: Representation
    algorithm: str

    @property
    def n_problems(self) -> int:
        """Number of problems found."""
        return len(self.problems)

    @property
    def coverage(self) -> float:
        """Share of texts assigned to a problem (1.0 for an empty corpus)."""
        total = len(self.labels)
        return 1.0 if total == 0 else 1.0 - len(self.unassigned) / total


@dataclass(frozen=True, eq=False)
class Assignment:
    """New texts placed against known problems.

    ``problem_ids[i]`` is the id of the problem text ``i`` joins or
    :data:`UNASSIGNED`; ``similarities[i]`` its cosine similarity to the
    nearest problem centroid. ``candidates`` lists the texts that fit no
    problem: material for new problems once enough of them recur.
    """

    problem_ids: NDArray[np.int64]
    similarities: FloatArray
    candidates: tuple[int, ...]
