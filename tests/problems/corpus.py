"""Crafted corpora with planted recurring problems for the detection tests."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

PLANTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "seal": (
        (
            "the hydraulic pump seal",
            "the pump seal",
            "the seal on the hydraulic pump",
            "our pump's shaft seal",
            "the main pump seal",
        ),
        (
            "is leaking oil",
            "leaks oil again",
            "keeps leaking hydraulic oil",
            "started dripping oil",
            "has an oil leak",
        ),
    ),
    "delivery": (
        (
            "the spare parts delivery",
            "our order of spare parts",
            "the replacement parts shipment",
            "the spare parts we ordered",
            "delivery of the spare parts",
        ),
        (
            "is late again",
            "has not arrived yet",
            "is delayed by two weeks",
            "still hasn't shipped",
            "missed the promised delivery date",
        ),
    ),
    "invoice": (
        (
            "the latest invoice",
            "your invoice",
            "this month's invoice",
            "the invoice for our order",
            "the invoice we received",
        ),
        (
            "shows the wrong price",
            "has an incorrect unit price",
            "charges us twice",
            "lists a price that does not match the quote",
            "bills the wrong amount",
        ),
    ),
    "firmware": (
        (
            "the controller firmware update",
            "updating the controller firmware",
            "the firmware upgrade on the controller",
            "the new controller firmware",
            "flashing firmware to the controller",
        ),
        (
            "fails with an error",
            "fails halfway and the controller reboots",
            "aborts with an error code",
            "bricks the controller",
            "does not complete",
        ),
    ),
    "conveyor": (
        (
            "the conveyor belt",
            "our conveyor",
            "the belt on conveyor line",
            "the conveyor drive belt",
            "the packaging conveyor belt",
        ),
        (
            "makes a loud grinding noise",
            "vibrates and squeals",
            "is very noisy and shakes",
            "rattles loudly when running",
            "makes a screeching noise",
        ),
    ),
}

OPENERS = ("", "Hi team,\n", "Hello, ", "Urgent: ", "Again - ")
CLOSERS = (
    "",
    "\n\nKind regards,\nAnna Berg\nBerg Metal GmbH",
    " Order 45512.",
    " See https://portal.example.com/t/8841",
    " Please call me at ops@example.com",
)

NOISE: tuple[str, ...] = (
    "Can we schedule a meeting next Tuesday to discuss the annual contract?",
    "Happy new year to everyone in your sales team!",
    "What is the postal address of your Munich office?",
    "Please add my colleague to the newsletter mailing list.",
    "Do you sponsor the regional trade fair this autumn?",
    "Our accountant changed, please update the contact person.",
    "Is your cafeteria open to visitors during the plant tour?",
    "We would like to visit your factory with three engineers.",
)

NEW_PARAPHRASES: dict[str, str] = {
    "seal": "Oil is leaking from the seal of the hydraulic pump once more.",
    "delivery": "Where are our spare parts? The delivery is two weeks late.",
    "invoice": "The invoice price is wrong, it does not match our quote.",
    "firmware": "Controller firmware update fails with an error every time.",
    "conveyor": "The conveyor belt is making a grinding noise and vibrates.",
}

OFF_TOPIC: tuple[str, ...] = (
    "Recipe suggestions for a vegetarian lasagne, please.",
    "Who won the football match yesterday evening?",
)
"""Texts about no planted problem; the second shares the word "match" with the
invoice problem, a lexical trap that only a semantic representation avoids."""


@dataclass(frozen=True)
class Corpus:
    """Texts with the planted problem of each (``None`` for noise)."""

    texts: list[str]
    truth: list[str | None]


def planted_corpus(per_problem: int = 16, with_noise: bool = True) -> Corpus:
    """Paraphrases of the five planted problems, interleaved, plus noise texts."""
    texts: list[str] = []
    truth: list[str | None] = []
    for name, (subjects, complaints) in PLANTED.items():
        pairs = list(itertools.product(subjects, complaints))
        for i in range(per_problem):
            subject, complaint = pairs[(i * 7) % len(pairs)]
            opener, closer = OPENERS[i % len(OPENERS)], CLOSERS[(i // 2) % len(CLOSERS)]
            sentence = f"{subject} {complaint}."
            texts.append(f"{opener}{sentence[0].upper()}{sentence[1:]}{closer}")
            truth.append(name)
    if with_noise:
        texts.extend(NOISE)
        truth.extend([None] * len(NOISE))
    order = sorted(range(len(texts)), key=lambda i: (i * 37) % len(texts))
    return Corpus([texts[i] for i in order], [truth[i] for i in order])


class IndexedVectors:
    """Representation of texts that are row numbers of a fixed matrix (for pipeline tests)."""

    def __init__(self, vectors: NDArray[np.float64]) -> None:
        self.vectors = vectors

    @property
    def name(self) -> str:
        return "indexed"

    def fit(self, texts: Sequence[str]) -> IndexedVectors:
        return self

    def transform(self, texts: Sequence[str]) -> NDArray[np.float64]:
        return self.vectors[[int(text) for text in texts]]

    def fit_transform(self, texts: Sequence[str]) -> NDArray[np.float64]:
        return self.transform(texts)


def blobs(
    n_groups: int, per_group: int, *, dims: int = 16, spread: float = 0.25, seed: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Unit vectors scattered around ``n_groups`` random directions, with their group."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_groups, dims))
    groups = np.repeat(np.arange(n_groups), per_group)
    points = centres[groups] / np.linalg.norm(centres[groups], axis=1, keepdims=True)
    points = points + rng.normal(scale=spread / np.sqrt(dims), size=points.shape)
    return points / np.linalg.norm(points, axis=1, keepdims=True), groups
