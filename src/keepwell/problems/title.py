"""Readable problem titles built from the problem's most representative tickets.

A title is what a quality engineer would write on the problem list, such as
"Mechanical seal leaking – KP-240": the key phrases most of the problem's
tickets use and the rest of the corpus does not, followed by the product or
model most of them mention. It is built in the language most of the
problem's tickets are written in, from those tickets only.

Key phrases are runs of content words: a function word of any known language
(:data:`keepwell.problems.language.STOP_WORDS`), a number, a code or
punctuation ends a phrase, so a title never holds a function word or a
fragment such as "of unit". Model mentions are codes mixing letters and a
few digits ("KP-240", "VP160", "SC-55"); serial and order numbers (more than
four digits) are left out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from keepwell.problems.language import is_stop_word
from keepwell.problems.text import clean_text

__all__ = [
    "MAX_PHRASE_WORDS",
    "Title",
    "TitleMaker",
    "is_symptom",
    "model_mentions",
    "phrases",
    "problem_title",
]

MAX_PHRASE_WORDS = 3
MIN_SHARE = 0.15
"""A phrase or model must appear in at least this share of the problem's tickets."""
EXTEND_SHARE = 0.5
"""A longer phrase replaces the best one when it is used at least this much as often."""
MODEL_SHARE = 0.3
LENGTH_BONUS = 0.0
"""Each further word makes a phrase this much more worth as a title."""
SECOND_LIFT = math.log(4.0)
"""A second phrase must be at least four times as common inside the problem as outside."""
GENERIC_SHARE = 0.2
"""Words in more than this share of the other tickets (greetings, "issue") never start a phrase."""

_TOKEN = re.compile(r"[^\W_](?:[\w.\-/]*[^\W_])?")
_CODE = re.compile(r"^(?=.*\d)(?=.*[^\W\d_])[^\W_]+(?:[-/.][^\W_]+)*$")
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class Title:
    """A problem's title, the key phrases it is built from and the model it names."""

    text: str
    phrases: tuple[str, ...]
    model: str | None
    language: str


def _is_model(token: str) -> bool:
    """A product or model code: letters and 1-4 digits (serial numbers have more)."""
    return _CODE.match(token) is not None and len(_DIGITS.findall(token)) <= 4


FILLER = frozenset(
    {"like", "want", "wanted", "hätten", "gern", "gerne", "möchten", "würden", "bitte"}
    | {"problem", "problems", "probleme", "issue", "issues", "störung"}
)
"""Words of asking ("we would like", "hätten gern") and the word "problem" itself (every
entry of the list is one): no title should hold them."""


def _is_content(token: str) -> bool:
    if token.casefold() in FILLER:
        return False
    return (
        token.isalpha() and len(token) > 1 and not is_stop_word(token) and not token.isupper()
    ) or (token.isalpha() and token.isupper() and 2 <= len(token) <= 5)


def _designation(tokens: Sequence[str], index: int) -> bool:
    """Whether the upper-case word at ``index`` belongs to a code or number beside it: the
    "OD" of "SC-55 OD", the "EN" of "EN 10204", the "PO" of "PO 7006522"."""
    token = tokens[index]
    if not (token.isalpha() and token.isupper()):
        return False
    return any(
        0 <= near < len(tokens) and _DIGITS.search(tokens[near]) is not None
        for near in (index - 1, index + 1)
    )


def phrases(text: str) -> tuple[set[str], dict[str, str]]:
    """Case-folded key-phrase candidates of ``text`` and the surface form of each."""
    tokens = _TOKEN.findall(clean_text(text, light=True))
    found: set[str] = set()
    surfaces: dict[str, str] = {}
    run: list[str] = []
    for index, token in enumerate([*tokens, ""]):
        if token and _is_content(token) and not _designation(tokens, index):
            run.append(token)
            continue
        for start in range(len(run)):
            for end in range(start + 1, min(start + MAX_PHRASE_WORDS, len(run)) + 1):
                words = run[start:end]
                key = " ".join(word.casefold() for word in words)
                found.add(key)
                surfaces.setdefault(key, " ".join(words))
        run = []
    return found, surfaces


VARIANT_LETTERS = 3
"""An upper-case word of at most this many letters right after a model names its variant
("SC-55 OD", an outdoor unit): it is part of the model's name."""


def model_mentions(text: str) -> dict[str, str]:
    """Model codes in ``text``: normalised key (letters and digits only) → surface form
    (with its variant, when one follows)."""
    mentions: dict[str, str] = {}
    tokens = _TOKEN.findall(clean_text(text, light=True))
    for index, token in enumerate(tokens):
        if _is_model(token):
            after = tokens[index + 1] if index + 1 < len(tokens) else ""
            if after.isalpha() and after.isupper() and len(after) <= VARIANT_LETTERS:
                surface = f"{token} {after}"
            else:
                surface = token
            mentions.setdefault(re.sub(r"[\W_]", "", token).upper(), surface)
    return mentions


def _counts(sets: Sequence[set[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for found in sets:
        counts.update(found)
    return counts


@dataclass(frozen=True)
class _Evidence:
    inside: Counter[str]
    """Tickets using each phrase, plus those using it in their subject line."""
    body: Counter[str]
    """Tickets using each phrase anywhere."""
    outside: Counter[str]
    n_inside: int
    n_outside: int

    def lift(self, key: str) -> float:
        share_in = self.inside[key] / max(self.n_inside, 1)
        share_out = self.outside.get(key, 0) / max(self.n_outside, 1)
        return math.log((share_in + 0.01) / (share_out + 0.01))

    def generic(self) -> set[str]:
        bar = GENERIC_SHARE * self.n_outside
        return {key for key, count in self.outside.items() if " " not in key and count > bar}


def _allowed(key: str, generic: set[str], skip: set[str]) -> bool:
    words = key.split()
    return words[0] not in generic and words[-1] not in generic and not skip & set(words)


def _best_phrase(
    evidence: _Evidence, skip: set[str], min_lift: float, *, symptom: bool | None = None
) -> str | None:
    """The phrase most typical of the problem (frequent inside, rare outside), extended
    to a longer phrase holding it when most of its uses are in that longer phrase;
    ``symptom`` keeps to phrases that name a fault (True) or that do not (False). Ties
    go to the phrase first in alphabetical order, so titles do not depend on hashing."""
    generic = evidence.generic()
    best, best_score = None, 0.0
    for key, count in sorted(evidence.inside.items()):
        share = count / max(evidence.n_inside, 1)
        if share < MIN_SHARE or not _allowed(key, generic, skip):
            continue
        if symptom is not None and is_symptom(key) != symptom:
            continue
        lift = evidence.lift(key)
        if lift < min_lift:
            continue
        score = share * lift * (1.0 + LENGTH_BONUS * (len(key.split()) - 1))
        if score > best_score:
            best, best_score = key, score
    if best is None:
        return None
    longer = [
        key
        for key in sorted(evidence.inside)
        if f" {best} " in f" {key} "
        and key != best
        and evidence.body[key] >= EXTEND_SHARE * evidence.body[best]
        and _allowed(key, generic, skip)
    ]
    return max(longer, key=lambda key: (evidence.body[key], len(key))) if longer else best


SYMPTOM_STEMS = (
    "leak", "drip", "noise", "noisy", "vibrat", "rattl", "grind", "squeal", "corro", "rust",
    "blister", "peel", "crack", "broke", "fail", "fault", "defect", "error", "reset",
    "restart", "reboot", "trip", "overheat", "wear", "worn", "delay", "missing",
    "stuck", "clog", "shut", "damage", "wrong", "incorrect",
    "undicht", "leck", "tropf", "geräusch", "vibration", "ratter", "schleif", "korrosion",
    "rost", "blasen", "abplatz", "riss", "bruch", "ausfall", "defekt", "fehler", "neustart",
    "überhitz", "verschleiß", "verschlissen", "verspät", "verzug", "verzöger", "fehl",
    "klemmt", "verstopf", "stillstand", "schäden", "schaden", "falsch",
)  # fmt: skip
SYMPTOM_WORDS = frozenset({"late", "klemmen", "hängt"})
"""Fault words whose beginning starts other words too ("later", "Klemmenkasten")."""
"""Word beginnings (and, for German compounds, endings) that name what goes wrong: a title
names the part *and* its fault ("Mechanical seal, leaking"), not two parts."""
SYMPTOM_LIFT = math.log(2.0)
"""A fault phrase must be at least twice as common inside the problem as outside."""


def is_symptom(key: str) -> bool:
    """Whether the case-folded phrase ``key`` names a fault (see :data:`SYMPTOM_STEMS`)."""
    return any(
        word in SYMPTOM_WORDS
        or word.startswith(SYMPTOM_STEMS)
        or (len(word) > 8 and word.endswith(SYMPTOM_STEMS))
        for word in key.split()
    )


CASED_LANGUAGES = frozenset({"de"})
"""Languages whose nouns are capitalised: their words keep the case they are written in."""


def _surface(key: str, surfaces: Sequence[dict[str, str]], first: bool, language: str) -> str:
    """The most used written form: acronyms keep their capitals, other words are lower-case
    (except in languages that capitalise nouns); the first word starts with a capital."""
    forms = Counter(found[key] for found in surfaces if key in found)
    form = forms.most_common(1)[0][0] if forms else key
    keep = language in CASED_LANGUAGES
    words = [
        word if keep or (word.isupper() and len(word) > 1) else word.lower()
        for word in form.split()
    ]
    if first and words and not words[0].isupper():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


class TitleMaker:
    """Titles for the problems of one corpus; phrases of each text are found once."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self._found: dict[int, tuple[set[str], dict[str, str]]] = {}
        self._subjects: dict[int, set[str]] = {}

    def _phrases(self, index: int) -> tuple[set[str], dict[str, str]]:
        if index not in self._found:
            self._found[index] = phrases(self.texts[index])
        return self._found[index]

    def _subject(self, index: int) -> set[str]:
        """Phrases of the first line: customers write subject lines as titles."""
        if index not in self._subjects:
            first_line = self.texts[index].strip().split("\n", 1)[0]
            self._subjects[index] = phrases(first_line)[0]
        return self._subjects[index]

    def title(
        self, members: Sequence[int], others: Sequence[int], *, language: str, fallback: str
    ) -> Title:
        """Title from ``members`` (the problem's representative tickets, in its main
        language) against ``others`` (tickets outside it, a sample is enough)."""
        found = [self._phrases(i) for i in members]
        body = _counts([keys for keys, _ in found])
        evidence = _Evidence(
            inside=body + _counts([self._subject(i) for i in members]),
            body=body,
            outside=_counts([self._phrases(i)[0] for i in others]),
            n_inside=len(members),
            n_outside=len(others),
        )
        chosen = _key_phrases(evidence)
        model = _main_model([self.texts[i] for i in members])
        surfaces = [forms for _, forms in found]
        words = [
            _surface(key, surfaces, position == 0, language) for position, key in enumerate(chosen)
        ]
        text = ", ".join(words)
        if model is not None:
            text = f"{text} – {model}" if text else model
        return Title(text=text or fallback, phrases=tuple(chosen), model=model, language=language)


def _key_phrases(evidence: _Evidence) -> list[str]:
    """The title's phrases: the part, then what goes wrong with it, when both are typical
    (one phrase may name both: "Laufrad defekt"); else the most typical phrase and, when
    it stands out as much, a second one."""
    first = _best_phrase(evidence, set(), 0.0)
    if first is None:
        return []
    skip = set(first.split())
    fault = is_symptom(first)
    if fault and not all(is_symptom(word) for word in skip):
        return [first]  # it names the part and the fault
    pair = _best_phrase(evidence, skip, SYMPTOM_LIFT, symptom=not fault)
    if pair is not None:
        return [pair, first] if fault else [first, pair]
    second = _best_phrase(evidence, skip, SECOND_LIFT)
    if (
        second is not None
        and " " in second
        and evidence.inside[second] >= EXTEND_SHARE * evidence.inside[first]
    ):
        return [first, second]
    return [first]


def _main_model(texts: Sequence[str]) -> str | None:
    """The model code most of ``texts`` mention, in its most used written form (with its
    variant when most mentions name it)."""
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for key, form in model_mentions(text).items():
            counts[key] += 1
            forms.setdefault(key, Counter())[form] += 1
    if not counts:
        return None
    key, count = counts.most_common(1)[0]
    if count < MODEL_SHARE * len(texts):
        return None
    return forms[key].most_common(1)[0][0]


def problem_title(
    texts: Sequence[str], others: Sequence[str], *, language: str = "", fallback: str = ""
) -> Title:
    """Title for a problem whose representative tickets are ``texts`` (see :class:`TitleMaker`)."""
    maker = TitleMaker([*texts, *others])
    members = list(range(len(texts)))
    rest = list(range(len(texts), len(texts) + len(others)))
    return maker.title(members, rest, language=language, fallback=fallback)
