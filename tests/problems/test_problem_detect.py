"""Detection of planted recurring problems with the no-model representation."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from tests.problems.corpus import PLANTED, Corpus, IndexedVectors, blobs, planted_corpus

from keepwell.problems import (
    ALGORITHMS,
    UNASSIGNED,
    Detection,
    DetectionSettings,
    TfidfSvd,
    default_min_size,
    detect_problems,
)
from keepwell.problems.detect import _second_pass, whitened


def _detect(corpus: Corpus, **settings: object) -> Detection:
    tuning = DetectionSettings(**settings)  # type: ignore[arg-type]
    return detect_problems(corpus.texts, representation=TfidfSvd(), min_size=5, settings=tuning)


def _ari(corpus: Corpus, detection: Detection) -> float:
    truth = [name or f"noise-{i}" for i, name in enumerate(corpus.truth)]
    found = [int(x) if x >= 0 else -1 - i for i, x in enumerate(detection.labels)]
    return float(adjusted_rand_score(truth, found))


@pytest.fixture(scope="module")
def detection(corpus: Corpus) -> Detection:
    return _detect(corpus)


def test_planted_problems_are_found(corpus: Corpus, detection: Detection) -> None:
    assert detection.n_problems == len(PLANTED)
    assert _ari(corpus, detection) > 0.9
    for problem in detection.problems:
        planted = Counter(corpus.truth[i] for i in problem.members).most_common(1)[0]
        assert planted[0] is not None
        assert planted[1] / problem.size >= 0.85


def test_noise_texts_mostly_unassigned(corpus: Corpus, detection: Detection) -> None:
    noise = {i for i, name in enumerate(corpus.truth) if name is None}
    assert len(noise & set(detection.unassigned)) >= len(noise) // 2


def test_labels_hold_distinctive_terms(corpus: Corpus, detection: Detection) -> None:
    expected = {
        "seal": {"seal", "pump", "oil"},
        "delivery": {"spare", "parts", "delivery"},
        "invoice": {"invoice", "price", "wrong"},
        "firmware": {"firmware", "controller"},
        "conveyor": {"conveyor", "belt", "noise"},
    }
    for problem in detection.problems:
        planted = Counter(corpus.truth[i] for i in problem.members).most_common(1)[0][0]
        assert planted is not None
        words = {word for term in problem.terms for word in term.split()}
        assert words & expected[planted], problem.terms
        title = set(problem.label.casefold().replace(",", " ").split())
        assert title & expected[planted], problem.label


def test_result_is_consistent(detection: Detection) -> None:
    members = [i for problem in detection.problems for i in problem.members]
    assert len(members) == len(set(members))
    assert sorted(members + list(detection.unassigned)) == list(range(len(detection.labels)))
    sizes = [problem.size for problem in detection.problems]
    assert sizes == sorted(sizes, reverse=True)
    for problem in detection.problems:
        assert set(problem.representatives) <= set(problem.members)
        assert len(problem.representatives) == 3
        assert np.isclose(np.linalg.norm(problem.centroid), 1.0)
        assert all(detection.labels[i] == problem.id for i in problem.members)
    assert all(detection.labels[i] == UNASSIGNED for i in detection.unassigned)
    assert 0.0 < detection.coverage <= 1.0


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_gives_a_valid_partition(corpus: Corpus, algorithm: str) -> None:
    detection = _detect(corpus, algorithm=algorithm)
    assert detection.algorithm == algorithm
    assert detection.n_problems >= 1
    assert all(problem.size >= 5 for problem in detection.problems)
    assert len(detection.unassigned) + sum(p.size for p in detection.problems) == len(corpus.texts)


def test_detection_is_deterministic(corpus: Corpus) -> None:
    first, second = _detect(corpus), _detect(corpus)
    assert np.array_equal(first.labels, second.labels)
    assert [p.label for p in first.problems] == [p.label for p in second.problems]


@pytest.mark.parametrize("sample_size", [300, 10_000])
def test_sampling_then_assigning_recovers_the_groups(sample_size: int) -> None:
    vectors, groups = blobs(n_groups=6, per_group=250)
    texts = [str(i) for i in range(len(vectors))]
    detection = detect_problems(
        texts,
        representation=IndexedVectors(vectors),
        min_size=20,
        settings=DetectionSettings(sample_size=sample_size),
    )
    assert detection.n_problems == 6
    assert adjusted_rand_score(groups, detection.labels) > 0.95
    assert detection.coverage > 0.95


def test_empty_and_tiny_inputs_give_empty_results() -> None:
    empty = detect_problems([], representation=TfidfSvd())
    assert empty.n_problems == 0
    assert empty.unassigned == ()
    assert empty.coverage == 1.0
    tiny = detect_problems(["pump leaks", "pump leaks again"], representation=TfidfSvd())
    assert tiny.n_problems == 0
    assert tiny.unassigned == (0, 1)
    blank = detect_problems(["", "123", "  "] * 4, representation=TfidfSvd(), min_size=3)
    assert blank.n_problems == 0
    assert len(blank.unassigned) == 12


def test_identical_texts_form_one_problem() -> None:
    texts = ["The pump seal leaks oil"] * 6 + ["Invoice shows the wrong price"] * 6
    detection = detect_problems(texts, representation=TfidfSvd(), min_size=5)
    assert detection.n_problems == 2
    assert detection.coverage == 1.0


def test_invalid_arguments_raise_clear_errors() -> None:
    with pytest.raises(TypeError, match="single string"):
        detect_problems("pump leaks", representation=TfidfSvd())
    with pytest.raises(TypeError, match="strings"):
        detect_problems(["ok", 3], representation=TfidfSvd())  # type: ignore[list-item]
    with pytest.raises(ValueError, match="min_size"):
        detect_problems(["a", "b"], representation=TfidfSvd(), min_size=1)
    with pytest.raises(ValueError, match="sample_size"):
        DetectionSettings(sample_size=1)
    with pytest.raises(ValueError, match="unknown algorithm"):
        _detect(planted_corpus(), algorithm="spectral")


def test_default_min_size_scales_with_corpus() -> None:
    assert default_min_size(50) == 5
    assert default_min_size(10_000) == 20
    assert default_min_size(100_000) == 200


def test_whitening_keeps_groups_apart_and_zero_rows_zero() -> None:
    vectors, groups = blobs(n_groups=4, per_group=150)
    vectors = np.vstack([vectors, np.zeros((1, vectors.shape[1]))])
    sample = np.arange(len(vectors) - 1)
    result = whitened(vectors, sample, 0.5, 256)
    assert result.shape == vectors.shape
    assert np.allclose(np.linalg.norm(result[:-1], axis=1), 1.0)
    assert np.allclose(result[-1], 0.0)
    means = np.array([result[:-1][groups == g].mean(axis=0) for g in range(4)])
    assert ((result[:-1] @ means.T).argmax(axis=1) == groups).mean() > 0.99
    assert whitened(vectors, sample[:100], 0.5, 256) is vectors
    assert whitened(vectors, sample, 0.0, 256) is vectors


def test_second_pass_finds_groups_the_first_pass_left_out() -> None:
    vectors, groups = blobs(n_groups=4, per_group=60)
    first = np.where(groups < 2, groups, UNASSIGNED)
    labels = _second_pass(vectors, first, 10, DetectionSettings(), seed=0)
    assert np.array_equal(labels[groups < 2], groups[groups < 2])
    left = groups >= 2
    assert set(labels[left].tolist()) <= {2, 3, UNASSIGNED}
    assert adjusted_rand_score(groups[left], labels[left]) > 0.9
