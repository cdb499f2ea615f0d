"""Benchmark of recurring-problem detection: banking77, the demo company, and scale.

Part 1 runs detection on banking77 (10,003 queries, 77 intents) without the
labels for each representation and each candidate algorithm and scores the
problems found against the 77 intents. Part 2 scores each representation on
the demo company's six planted problems (English and German tickets, from a
database built by ``keepwell demo``): for each planted problem the detected
problem holding most of its tickets, its recall and precision. Part 3 times
detection end to end (representation, clustering, titles) on 10k and 100k
texts (100k: banking77 plus seeded word-level perturbations of it).

Scores: ``NMI`` and ``ARI`` count every unassigned text as its own singleton
cluster (the strict reading); ``NMI noise`` puts all unassigned texts under one
"noise" label instead; ``NMI asg`` scores the assigned texts only, and
``coverage`` is their share. Times are wall-clock seconds on this machine.

Run: ``.venv/bin/python benchmarks/bench_problems.py [--help]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from keepwell.problems import (
    Detection,
    DetectionSettings,
    MultilingualEncoder,
    SentenceEmbedding,
    TfidfSvd,
    default_representation,
    detect_problems,
    embedding_unavailable_reason,
    multilingual_unavailable_reason,
)
from keepwell.problems.represent import FloatArray, Representation

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "banking77" / "train.csv"

VARIANTS: dict[str, DetectionSettings] = {
    "hdbscan (default)": DetectionSettings(),
    "hdbscan previous": DetectionSettings(whiten=0.0, second_pass=False),
    "hdbscan no-refine": DetectionSettings(refine=False),
    "hdbscan leaf": DetectionSettings(selection="leaf"),
    "agglomerative": DetectionSettings(algorithm="agglomerative"),
    "kmeans+silhouette": DetectionSettings(algorithm="kmeans"),
}
FILLERS_BEFORE = ("hi,", "hello,", "quick question:", "please help -", "urgent:", "hey")
FILLERS_AFTER = ("thanks", "thank you!", "asap", "cheers", "any idea?", "please")


class Precomputed:
    """Representation returning vectors computed once, to compare algorithms fairly."""

    def __init__(self, name: str, vectors: FloatArray) -> None:
        self._name = name
        self.vectors = vectors

    @property
    def name(self) -> str:
        return self._name

    def fit(self, texts: Sequence[str]) -> Precomputed:
        return self

    def transform(self, texts: Sequence[str]) -> FloatArray:
        if len(texts) != len(self.vectors):
            raise ValueError("Precomputed only transforms the corpus it was built for")
        return self.vectors

    def fit_transform(self, texts: Sequence[str]) -> FloatArray:
        return self.transform(texts)


def load(path: Path) -> tuple[list[str], list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [row["category"] for row in rows]


def perturb(text: str, rng: np.random.Generator) -> str:
    """Seeded word-level noise: drops, swaps, typos and filler words."""
    words = text.split()
    kept = [w for w in words if rng.random() >= 0.1] or words[:1]
    for i in range(len(kept) - 1):
        if rng.random() < 0.1:
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
    for i, word in enumerate(kept):
        if len(word) > 3 and rng.random() < 0.05:
            j = int(rng.integers(1, len(word) - 2))
            kept[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    if rng.random() < 0.3:
        kept.insert(0, FILLERS_BEFORE[int(rng.integers(len(FILLERS_BEFORE)))])
    if rng.random() < 0.2:
        kept.append(FILLERS_AFTER[int(rng.integers(len(FILLERS_AFTER)))])
    return " ".join(kept)


def augment(
    texts: list[str], truth: list[str], size: int, seed: int
) -> tuple[list[str], list[str]]:
    """The corpus, then perturbed copies of it, cut to ``size`` texts."""
    rng = np.random.default_rng(seed)
    out_texts, out_truth = list(texts), list(truth)
    while len(out_texts) < size:
        out_texts.extend(perturb(text, rng) for text in texts)
        out_truth.extend(truth)
    return out_texts[:size], out_truth[:size]


def scores(truth: Sequence[str], labels: NDArray[np.int64]) -> dict[str, float]:
    assigned = labels >= 0
    singletons = np.where(assigned, labels, -1 - np.arange(len(labels)))
    truth_array = np.asarray(truth)
    return {
        "nmi": normalized_mutual_info_score(truth, singletons),
        "nmi_noise": normalized_mutual_info_score(truth, labels),
        "ari": adjusted_rand_score(truth, singletons),
        "nmi_asg": normalized_mutual_info_score(truth_array[assigned], labels[assigned])
        if assigned.any()
        else 0.0,
        "coverage": float(assigned.mean()),
    }


def representations(names: Sequence[str]) -> list[Representation]:
    chosen: list[Representation] = []
    for name in names:
        if name == "tfidf":
            chosen.append(TfidfSvd())
        elif name == "multilingual":
            if (reason := multilingual_unavailable_reason()) is None:
                chosen.append(MultilingualEncoder())
            else:
                print(f"(skipping the multilingual model: {reason})")
        elif (reason := embedding_unavailable_reason()) is None:
            chosen.append(SentenceEmbedding())
        else:
            print(f"(skipping MiniLM, the previous representation: {reason})")
    return chosen


def timed_detection(
    texts: list[str], vectors: Precomputed, settings: DetectionSettings
) -> tuple[Detection, float]:
    start = time.perf_counter()
    detection = detect_problems(texts, representation=vectors, settings=settings)
    return detection, time.perf_counter() - start


HEADER = (
    f"{'representation':<15}{'algorithm':<20}{'problems':>9}{'NMI':>7}{'NMI noise':>10}"
    f"{'ARI':>7}{'NMI asg':>9}{'coverage':>9}{'repr s':>8}{'cluster s':>10}"
)


def row(rep: str, algo: str, found: int, s: dict[str, float], t_rep: float, t_cl: float) -> str:
    return (
        f"{rep:<15}{algo:<20}{found:>9}{s['nmi']:>7.3f}{s['nmi_noise']:>10.3f}{s['ari']:>7.3f}"
        f"{s['nmi_asg']:>9.3f}{s['coverage']:>9.3f}{t_rep:>8.1f}{t_cl:>10.1f}"
    )


def quality(
    texts: list[str], truth: list[str], names: Sequence[str], variants: Sequence[str]
) -> None:
    print(f"\n## Quality on banking77 ({len(texts)} texts, {len(set(truth))} intents)\n")
    print(HEADER)
    for representation in representations(names):
        start = time.perf_counter()
        vectors = Precomputed(representation.name, representation.fit_transform(texts))
        t_rep = time.perf_counter() - start
        for variant in variants:
            detection, t_cl = timed_detection(texts, vectors, VARIANTS[variant])
            print(
                row(
                    representation.name,
                    variant,
                    detection.n_problems,
                    scores(truth, detection.labels),
                    t_rep,
                    t_cl,
                ),
                flush=True,
            )


def demo_corpus(database_url: str, files: Path) -> tuple[list[str], list[str], dict[str, set[str]]]:
    """Ticket texts and helpdesk ids of a demo database, and the planted problems' tickets."""
    from sqlalchemy.orm import Session

    from keepwell.db import make_engine
    from keepwell.demo import load_ground_truth
    from keepwell.problems.corpus import load_ticket_texts

    engine = make_engine(database_url)
    with Session(engine) as session:
        corpus = load_ticket_texts(session)
    engine.dispose()
    planted = {p.key: set(p.tickets) for p in load_ground_truth(files).problems}
    return corpus.texts, corpus.external_ids, planted


def demo_quality(database_url: str, files: Path, names: Sequence[str]) -> None:
    texts, ids, planted = demo_corpus(database_url, files)
    print(f"\n## Demo company: {len(texts)} tickets, {len(planted)} planted problems\n")
    print(
        f"{'representation':<18}{'problem':<16}{'tickets':>8}{'recall':>8}{'precision':>10}"
        f"  {'title of the detected problem'}"
    )
    ticket_ids = np.asarray(ids)
    for representation in representations(names):
        start = time.perf_counter()
        detection = detect_problems(texts, representation=representation)
        elapsed = time.perf_counter() - start
        worst = 1.0
        for key, tickets in planted.items():
            rows = np.flatnonzero(np.isin(ticket_ids, sorted(tickets)))
            groups = detection.labels[rows]
            values, counts = np.unique(groups[groups >= 0], return_counts=True)
            best = int(values[np.argmax(counts)]) if len(values) else -1
            hits = int(counts.max()) if best >= 0 else 0
            size = int((detection.labels == best).sum()) if best >= 0 else 0
            recall, precision = hits / len(rows), hits / max(size, 1)
            worst = min(worst, recall, precision)
            title = detection.problems[best].label if best >= 0 else "(unassigned)"
            print(
                f"{representation.name:<18}{key:<16}{len(rows):>8}{recall:>8.2f}"
                f"{precision:>10.2f}  {title}",
                flush=True,
            )
        print(
            f"{representation.name:<18}{detection.n_problems} problems, lowest recall or "
            f"precision {worst:.2f}, {elapsed:.1f} s\n",
            flush=True,
        )


def scale(texts: list[str], truth: list[str], sizes: Sequence[int], name: str, seed: int) -> None:
    print(f"\n## Detection time by corpus size ({name} representation, default settings)\n")
    print(HEADER)
    for size in sizes:
        corpus, labels = augment(texts, truth, size, seed)
        if name == "default":
            representation = default_representation(seed=seed)
        else:
            representation = representations([name])[0]
        start = time.perf_counter()
        vectors = Precomputed(representation.name, representation.fit_transform(corpus))
        t_rep = time.perf_counter() - start
        detection, t_cl = timed_detection(corpus, vectors, DetectionSettings())
        print(
            row(
                representation.name,
                f"hdbscan n={size}",
                detection.n_problems,
                scores(labels, detection.labels),
                t_rep,
                t_cl,
            ),
            flush=True,
        )
        load = os.getloadavg()[0]
        print(
            f"{'':<15}total {t_rep + t_cl:.1f} s on {os.cpu_count()} cores, "
            f"load average {load:.1f} (other jobs share the machine when it is above the cores)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--representations", default="tfidf,minilm,multilingual")
    parser.add_argument(
        "--demo-database",
        help="URL of a database built by `keepwell demo` (e.g. sqlite:///demo/demo.sqlite3)",
    )
    parser.add_argument("--demo-files", type=Path, help="its --out folder (ground_truth.json)")
    parser.add_argument("--algorithms", default=",".join(VARIANTS))
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument(
        "--scale-with", default="default", choices=["default", "tfidf", "minilm", "multilingual"]
    )
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    texts, truth = load(args.data)
    if not args.skip_quality:
        quality(texts, truth, args.representations.split(","), args.algorithms.split(","))
    if args.demo_database and args.demo_files:
        demo_quality(args.demo_database, args.demo_files, args.representations.split(","))
    if not args.skip_scale:
        sizes = [int(size) for size in args.sizes.split(",")]
        scale(texts, truth, sizes, args.scale_with, args.seed)


if __name__ == "__main__":
    main()
