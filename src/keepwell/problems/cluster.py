"""Clustering of unit vectors into groups whose number comes from the data.

Each algorithm returns one label per row, ``-1`` for rows it leaves out:

* ``hdbscan``: density-based (:class:`sklearn.cluster.HDBSCAN`) on cosine
  distances; ``min_size`` is the smallest group it reports and no group may
  hold more than ``max_share`` of the rows (excess-of-mass selection can
  otherwise return a few giant groups on weak representations).
* ``agglomerative``: average-linkage on cosine distances, cut where groups
  would merge beyond ``distance_threshold``.
* ``kmeans``: k-means with ``k`` chosen by the best silhouette over a grid.

:func:`refine` then polishes any partition with k-means started from its
centroids, and :func:`neighbourhood_mean` averages each vector with its
nearest neighbours, which makes k-means less sensitive to wording noise.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import HDBSCAN, AgglomerativeClustering, KMeans
from sklearn.metrics import silhouette_score

from keepwell.problems.represent import FloatArray, l2_normalise

__all__ = [
    "ALGORITHMS",
    "Algorithm",
    "Labels",
    "Selection",
    "centroids",
    "cluster",
    "cosine_distances",
    "nearest_rows",
    "neighbourhood_mean",
    "refine",
]

Algorithm = Literal["hdbscan", "agglomerative", "kmeans"]
Selection = Literal["leaf", "eom"]
ALGORITHMS: tuple[Algorithm, ...] = ("hdbscan", "agglomerative", "kmeans")
Labels = NDArray[np.int64]

AGGLOMERATIVE_DISTANCE = 0.5
"""Default cosine-distance cut of average-linkage clustering."""
MIN_SAMPLES = 5
"""HDBSCAN's neighbourhood size for core distances (capped by ``min_size``)."""


NEAREST_CHUNK = 1024
"""Rows whose nearest neighbours are found at once (bounds the index array's memory)."""


def _distances_from(vectors: FloatArray, start: int, stop: int) -> FloatArray:
    """Cosine distances of unit rows ``start:stop`` to every row, clipped to ``[0, 2]``,
    each row's distance to itself 0; computed in place, with no temporary of that size."""
    distances = vectors[start:stop] @ vectors.T
    np.subtract(1.0, distances, out=distances)
    np.clip(distances, 0.0, 2.0, out=distances)
    rows = np.arange(len(distances))
    distances[rows, start + rows] = 0.0
    return distances


def cosine_distances(vectors: FloatArray) -> FloatArray:
    """Pairwise cosine distances of unit rows, clipped to ``[0, 2]``."""
    return _distances_from(vectors, 0, len(vectors))


def nearest_rows(vectors: FloatArray, k: int) -> Labels:
    """The indices of each unit row's ``k`` nearest rows by cosine (itself included), in no
    order; a chunk of rows at a time, so no n × n array is made."""
    k = min(k, len(vectors))
    parts = []
    for start in range(0, len(vectors), NEAREST_CHUNK):
        distances = _distances_from(vectors, start, start + NEAREST_CHUNK)
        parts.append(np.argpartition(distances, k - 1, axis=1)[:, :k])
    return np.concatenate(parts) if parts else np.zeros((0, k), dtype=np.int64)


def neighbourhood_mean(vectors: FloatArray, nearest: Labels) -> FloatArray:
    """Each vector replaced by the normalised mean of its nearest rows (``nearest_rows``)."""
    if nearest.shape[1] <= 1:
        return vectors
    return l2_normalise(vectors[nearest].mean(axis=1))


def centroids(vectors: FloatArray, labels: Labels, n_groups: int) -> FloatArray:
    """Unit-length mean vector of each group ``0 .. n_groups - 1``."""
    sums = np.zeros((n_groups, vectors.shape[1]))
    kept = labels >= 0
    np.add.at(sums, labels[kept], vectors[kept])
    return l2_normalise(sums)


def _hdbscan(vectors: FloatArray, min_size: int, selection: Selection, max_share: float) -> Labels:
    """HDBSCAN on cosine distances, which it computes itself: given a precomputed matrix it
    checks its symmetry with several temporaries of the matrix's size (detection on
    10,003 texts peaked at 2.75 GB that way, 2.2 GB this way, with the same groups)."""
    model = HDBSCAN(
        min_cluster_size=min_size,
        min_samples=min(MIN_SAMPLES, min_size),
        metric="cosine",
        algorithm="brute",
        cluster_selection_method=selection,
        max_cluster_size=max(min_size + 1, round(max_share * len(vectors))),
        copy=True,  # of the vectors (small), never of the distance matrix it builds
    )
    return np.asarray(model.fit_predict(vectors), dtype=np.int64)


def _agglomerative(distances: FloatArray, threshold: float) -> Labels:
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    return np.asarray(model.fit_predict(distances), dtype=np.int64)


def _k_grid(n_rows: int, min_size: int) -> list[int]:
    """Geometric grid of cluster counts from 2 to ``n_rows / min_size``."""
    largest = max(2, n_rows // min_size)
    grid = np.unique(np.geomspace(2, largest, num=12).round().astype(int))
    return [int(k) for k in grid if 2 <= k < n_rows]


def _kmeans_by_silhouette(vectors: FloatArray, min_size: int, seed: int) -> Labels:
    best_labels = np.zeros(len(vectors), dtype=np.int64)
    best_score = -np.inf
    sample = min(len(vectors), 4000)
    for k in _k_grid(len(vectors), min_size):
        labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(vectors)
        if len(np.unique(labels)) < 2:
            continue
        score = silhouette_score(
            vectors, labels, metric="cosine", sample_size=sample, random_state=seed
        )
        if score > best_score:
            best_score, best_labels = score, np.asarray(labels, dtype=np.int64)
    return best_labels


def cluster(
    vectors: FloatArray,
    *,
    algorithm: Algorithm,
    min_size: int,
    seed: int,
    distance_threshold: float = AGGLOMERATIVE_DISTANCE,
    selection: Selection = "eom",
    max_share: float = 0.5,
) -> Labels:
    """Initial partition of unit ``vectors`` by their cosine distances."""
    if len(vectors) < max(2, min_size):
        return np.full(len(vectors), -1, dtype=np.int64)
    if algorithm == "hdbscan":
        return _hdbscan(vectors, min_size, selection, max_share)
    if algorithm == "agglomerative":
        return _agglomerative(cosine_distances(vectors), distance_threshold)
    if algorithm == "kmeans":
        return _kmeans_by_silhouette(vectors, min_size, seed)
    raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {ALGORITHMS}")


def refine(vectors: FloatArray, labels: Labels, seed: int) -> Labels:
    """K-means over all rows, started from the centroids of ``labels``' groups."""
    n_groups = int(labels.max()) + 1
    if n_groups < 1:
        return labels
    start = centroids(vectors, labels, n_groups)
    model = KMeans(n_clusters=n_groups, init=start, n_init=1, random_state=seed)
    return np.asarray(model.fit_predict(vectors), dtype=np.int64)
