"""banking77 NMI when a TF-IDF + SVD view is appended to the sentence vectors.

For each weight ``w`` given, the default sentence vectors and ``w`` times the
TF-IDF + SVD vectors are concatenated, L2-normalised and clustered with the
default detection; prints problems found and the scores of ``bench_problems``.
Both views are computed once (cached in ``--cache``).

    .venv/bin/python benchmarks/bench_problems_views.py 0 0.5 0.8 1.2 [--cache DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from bench_problems import DATA, Precomputed, load, scores

from keepwell.problems import MultilingualEncoder, TfidfSvd, detect_problems
from keepwell.problems.represent import FloatArray, Representation, l2_normalise


def cached(path: Path, representation: Representation, texts: list[str]) -> FloatArray:
    if path.exists():
        return np.asarray(np.load(path), dtype=np.float64)
    started = time.perf_counter()
    vectors = representation.fit_transform(texts)
    np.save(path, vectors)
    print(f"{representation.name}: {time.perf_counter() - started:.0f} s", flush=True)
    return vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", nargs="+", type=float, help="weights of the TF-IDF view")
    parser.add_argument("--cache", type=Path, default=Path("/tmp"), help="folder for vectors")
    args = parser.parse_args()
    texts, truth = load(DATA)
    sentence = cached(args.cache / "banking77-use.npy", MultilingualEncoder(), texts)
    tfidf = cached(args.cache / "banking77-tfidf.npy", TfidfSvd(seed=0), texts)
    print(f"{'w':>5} {'problems':>8} {'NMI':>6} {'NMI asg':>8} {'ARI':>6} {'coverage':>9} {'s':>6}")
    for weight in args.weights:
        vectors = l2_normalise(np.hstack([sentence, weight * tfidf]))
        started = time.perf_counter()
        found = detect_problems(texts, representation=Precomputed(f"w={weight}", vectors))
        s = scores(truth, found.labels)
        print(
            f"{weight:>5} {found.n_problems:>8} {s['nmi']:>6.3f} {s['nmi_asg']:>8.3f} "
            f"{s['ari']:>6.3f} {s['coverage']:>9.3f} {time.perf_counter() - started:>6.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
