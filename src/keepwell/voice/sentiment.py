"""Offline sentiment of feedback texts in English and German, from a lexicon with rules.

Each word found in :mod:`keepwell.voice.lexicon` (the vocabulary of B2B service and
quality feedback) adds its valence; in a text that is not in another language, a word
that lexicon lacks takes its valence from VADER's general English lexicon (about 7,500
words rated by people, MIT licence, shipped in the ``vadersentiment`` package), scaled
to the same −3…+3 range. A negator (``not``, ``nicht``, ``kein`` …) flips the next
three words at 75 % strength and an intensifier (``very``, ``sehr`` …) scales the next
word. The sum is squashed to ``compound`` in [−1, 1] like VADER does
(``x / sqrt(x² + 15)``). Nothing is downloaded and no model is loaded: a text takes
microseconds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from keepwell.problems.language import detect_language
from keepwell.problems.text import clean_text
from keepwell.voice.lexicon import (
    INTENSIFIERS,
    NEGATIVE_DE,
    NEGATIVE_EN,
    NEGATORS,
    POSITIVE_DE,
    POSITIVE_EN,
    ROUTINE_EN,
)

__all__ = [
    "NEGATIVE_BELOW",
    "POSITIVE_ABOVE",
    "Sentiment",
    "feedback_body",
    "general_english",
    "label_of",
    "sentiment",
    "word_valence",
]

POSITIVE_ABOVE = 0.05
NEGATIVE_BELOW = -0.05
NEGATION_SPAN = 3
NEGATION_SCALE = -0.75
ALPHA = 15.0
GENERAL_SCALE = 0.75
"""VADER rates words from −4 to +4; this lexicon from −3 to +3."""
GENERAL_LANGUAGES = ("en", "")
"""Texts whose words are looked up in the general English lexicon too: English ones, and
ones too short to tell (German words such as *die* or *war* mean something else there)."""
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|guten (?:morgen|tag)|"
    r"sehr geehrte[rs]?|liebe[rs]?)\b.{0,40}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentiment:
    """A text's sentiment: ``compound`` in [−1, 1] and its label."""

    compound: float
    label: str


def _entries() -> tuple[dict[str, float], list[tuple[str, float]], list[tuple[str, float]]]:
    exact: dict[str, float] = {}
    prefixes: list[tuple[str, float]] = []
    suffixes: list[tuple[str, float]] = []
    for table in (POSITIVE_EN, NEGATIVE_EN, ROUTINE_EN, POSITIVE_DE, NEGATIVE_DE):
        for entry, value in table.items():
            if entry.startswith("*"):
                suffixes.append((entry[1:], value))
            elif entry.endswith("*"):
                prefixes.append((entry[:-1], value))
            else:
                exact[entry] = value
    prefixes.sort(key=lambda p: -len(p[0]))
    suffixes.sort(key=lambda p: -len(p[0]))
    return exact, prefixes, suffixes


_EXACT, _PREFIXES, _SUFFIXES = _entries()


@lru_cache(maxsize=1)
def general_english() -> dict[str, float]:
    """VADER's lexicon of general English words, scaled to this lexicon's range."""
    lexicon = resources.files("vaderSentiment").joinpath("vader_lexicon.txt")
    words: dict[str, float] = {}
    for line in lexicon.read_text(encoding="utf-8").splitlines():
        token, _, rest = line.partition("\t")
        if token.isalpha() or "'" in token or "-" in token:
            words[token] = round(float(rest.split("\t", 1)[0]) * GENERAL_SCALE, 3)
    return words


@lru_cache(maxsize=65_536)
def word_valence(word: str, general: bool = False) -> float:
    """The valence of one case-folded word (0 when no lexicon knows it); ``general`` also
    looks in the general English lexicon when the feedback lexicon lacks the word."""
    if word in _EXACT:
        return _EXACT[word]
    for stem, value in _PREFIXES:
        if word.startswith(stem):
            return value
    for tail, value in _SUFFIXES:
        if word.endswith(tail):
            return value
    return general_english().get(word, 0.0) if general else 0.0


def label_of(compound: float) -> str:
    """``positive``, ``negative`` or ``neutral``."""
    if compound > POSITIVE_ABOVE:
        return "positive"
    if compound < NEGATIVE_BELOW:
        return "negative"
    return "neutral"


def feedback_body(text: str) -> str:
    """``text`` without greeting lines, quoted replies and signature blocks (the polite frame).

    A text that is nothing but frame (``Thanks!``) is kept whole.
    """
    lines = [line for line in text.splitlines() if not _GREETING.match(line)]
    return clean_text("\n".join(lines), light=True) or text


def sentiment(text: str | None) -> Sentiment:
    """The sentiment of ``text`` (neutral for empty text); the polite frame does not count."""
    body = feedback_body(text or "")
    words = _WORD.findall(body.casefold())
    general = detect_language(body) in GENERAL_LANGUAGES
    total, negated, boost = 0.0, 0, 1.0
    for word in words:
        value = word_valence(word, general) * boost
        if negated:
            value *= NEGATION_SCALE
        total += value
        boost = INTENSIFIERS.get(word, 1.0)
        if word in NEGATORS:
            negated = NEGATION_SPAN
        elif negated:
            negated -= 1
    compound = total / math.sqrt(total * total + ALPHA) if total else 0.0
    return Sentiment(round(compound, 4), label_of(compound))
