"""Readable labels for problems: class-based TF-IDF terms and representative texts.

All texts of a problem form one "class document". A term scores high for a
problem when it is frequent in that problem and rare in the others (the
texts that fit no problem count as one more class, so generic words shared
with them score low too). Word unigrams and bigrams are scored; a term is
skipped when it repeats a word (or a word of the same stem) of a term
already chosen, or when it starts or ends with a word that nearly every
class uses (a function word, found from the data rather than from a
stop-word list, so any language works).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer

from keepwell.problems.represent import FloatArray
from keepwell.problems.text import clean_texts

__all__ = ["LABEL_SEPARATOR", "class_terms", "label_from_terms", "representatives"]

LABEL_SEPARATOR = " · "
GENERIC_SHARE = 0.9
"""Words in at least this share of class documents never start or end a term."""
GENERIC_MIN_CLASSES = 3
STEM_LENGTH = 5


def _class_counts(
    cleaned: Sequence[str], labels: NDArray[np.int64], n_classes: int
) -> tuple[csr_matrix, NDArray[np.str_]]:
    """Term counts per class (row ``n_classes`` gathers the unlabelled texts)."""
    vectorizer = CountVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\w+(?:['’]\w+)*")
    counts = vectorizer.fit_transform(cleaned)
    rows = np.where(labels >= 0, labels, n_classes)
    membership = csr_matrix(
        (np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(n_classes + 1, len(rows))
    )
    return csr_matrix(membership @ counts), vectorizer.get_feature_names_out()


def _scores(class_counts: csr_matrix) -> FloatArray:
    """c-TF-IDF: in-class frequency times how few classes use the term."""
    dense = np.asarray(class_counts.todense(), dtype=np.float64)
    totals = dense.sum(axis=1, keepdims=True)
    frequency = np.divide(dense, totals, out=np.zeros_like(dense), where=totals > 0)
    classes_with_term = (dense > 0).sum(axis=0)
    idf = np.log((1.0 + len(dense)) / (1.0 + classes_with_term))
    average_words = float(totals.mean())
    rarity = np.log1p(average_words / np.maximum(dense.sum(axis=0), 1.0))
    scores: FloatArray = frequency * (idf + rarity)
    return scores


def _generic_words(class_counts: csr_matrix, names: NDArray[np.str_]) -> set[str]:
    """Words used by nearly every class: function words in any language."""
    n_rows = class_counts.shape[0]
    if n_rows < GENERIC_MIN_CLASSES:
        return set()
    coverage = np.asarray((class_counts > 0).sum(axis=0)).ravel() / n_rows
    return {
        str(name)
        for name, share in zip(names, coverage, strict=True)
        if share >= GENERIC_SHARE and " " not in str(name)
    }


def _same_word(first: str, second: str) -> bool:
    """Crude language-agnostic stemming: one word extends the other's stem."""
    stem = min(len(first), len(second), STEM_LENGTH)
    return first == second or (stem >= 3 and first[:stem] == second[:stem])


def _pick_terms(
    order: NDArray[np.intp], names: NDArray[np.str_], n_terms: int, generic: set[str]
) -> list[str]:
    chosen: list[str] = []
    used_words: set[str] = set()
    for index in order:
        term = str(names[index])
        sequence = term.split()
        if sequence[0] in generic or sequence[-1] in generic:
            continue
        if any(_same_word(word, used) for word in sequence for used in used_words):
            continue
        chosen.append(term)
        used_words.update(sequence)
        if len(chosen) == n_terms:
            break
    return chosen


def class_terms(
    texts: Sequence[str], labels: NDArray[np.int64], n_classes: int, *, n_terms: int = 3
) -> list[tuple[str, ...]]:
    """Most distinctive terms of each class ``0 .. n_classes - 1``, best first."""
    cleaned = clean_texts(texts)
    if n_classes == 0:
        return []
    if not any(cleaned):
        return [() for _ in range(n_classes)]
    counts, names = _class_counts(cleaned, labels, n_classes)
    generic = _generic_words(counts, names)
    scores = _scores(counts)[:n_classes]
    result: list[tuple[str, ...]] = []
    for row in scores:
        order = np.argsort(-row, kind="stable")
        positive = order[row[order] > 0]
        result.append(tuple(_pick_terms(positive, names, n_terms, generic)))
    return result


def label_from_terms(terms: Sequence[str], fallback: str) -> str:
    """Terms joined with :data:`LABEL_SEPARATOR`, or ``fallback`` when there are none."""
    return LABEL_SEPARATOR.join(terms) if terms else fallback


def representatives(
    vectors: FloatArray,
    members: NDArray[np.intp],
    centroid: FloatArray,
    texts: Sequence[str],
    *,
    count: int = 3,
) -> tuple[int, ...]:
    """Up to ``count`` members nearest the centroid, one per distinct text."""
    order = members[np.argsort(-(vectors[members] @ centroid), kind="stable")]
    chosen: list[int] = []
    seen: set[str] = set()
    for index in order:
        key = " ".join(texts[index].split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        chosen.append(int(index))
        if len(chosen) == count:
            break
    return tuple(chosen)
