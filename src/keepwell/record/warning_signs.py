"""Warning signs the account team wrote down: a competitor's offer, falling volumes, a
complaint about late deliveries, an escalation, talk of ending the business.

Account managers and service engineers often hear that a customer is drifting months
before it shows in orders: "their buyer mentioned that a competitor quoted 12 % below
us", "one line will be closed next year", "Kunde verärgert über Lieferverzug". A note,
call or visit record whose subject or text says so is a *warning note*; the churn model
counts them (``warning_notes_180d``). The cues are phrases in English and German, each
in one of a few kinds that a reason can name; a cue right after a negation ("no
complaints", "keine Beschwerde") does not count. Routine words that sound alarming but
are not ("the spring shutdown", "asked for a revised price") are deliberately absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

CUES: dict[str, tuple[str, ...]] = {
    "competitor": (
        r"competitors?",
        r"competition",
        r"cheaper",
        r"below our prices?",
        r"lower prices? (?:elsewhere|from|at)",
        r"price reduction",
        r"switch\w* (?:to )?(?:another|a new|the other) (?:supplier|vendor)",
        r"second source",
        r"dual sourcing",
        r"wettbewerb\w*",
        r"konkurren\w*",
        r"günstiger",
        r"billiger",
        r"preisnachlass",
        r"lieferantenwechsel",
    ),
    "volumes": (
        r"(?:lower|reduced|falling|smaller|declining) volumes?",
        r"volumes? (?:are )?(?:down|dropp\w*|fall\w*|declin\w*)",
        r"fewer shifts",
        r"short[- ]time work\w*",
        r"line (?:will be |is being |is to be |to be )?(?:closed|shut down)",
        r"clos(?:e|es|ing|ure of) (?:a|the|one|their|its) (?:line|plant|site|factory)",
        r"plant closure",
        r"relocat\w* (?:the )?production",
        r"production cuts?",
        r"budget cuts?",
        r"insolven\w*",
        r"kurzarbeit",
        r"geringere mengen",
        r"weniger schichten",
        r"werksschließung",
        r"schließung (?:des|eines) (?:werks|standorts|werkes)",
        r"produktionsverlagerung",
        r"stellenabbau",
    ),
    "deliveries": (
        r"late deliver(?:y|ies)",
        r"missed delivery dates?",
        r"delivery delays?",
        r"delayed deliver(?:y|ies)",
        r"lieferverzug",
        r"lieferverzögerung\w*",
        r"verspätete lieferung\w*",
    ),
    "discontent": (
        r"escalat\w*",
        r"complain\w*",
        r"complaint\w*",
        r"frustrat\w*",
        r"unhappy",
        r"upset",
        r"dissatisf\w*",
        r"disappointed",
        r"question our quality",
        r"eskal\w*",
        r"beschwer\w*",
        r"unzufrieden\w*",
        r"verärgert",
        r"enttäuscht",
    ),
    "leaving": (
        r"not (?:to )?renew\w*",
        r"(?:cancel|terminat)\w* (?:the |their |our |its )?"
        r"(?:contract|agreement|framework|cooperation|orders?)",
        r"(?:account|customer) lost",
        r"closed lost",
        r"(?:ge)?kündig\w*",
    ),
}
"""Each kind of warning sign and its phrases (regular expressions, matched as whole words,
case-insensitive)."""

KIND_WORDS: dict[str, str] = {
    "competitor": "a competitor's offer",
    "volumes": "falling volumes",
    "deliveries": "late deliveries",
    "discontent": "complaints",
    "leaving": "the customer leaving",
}
"""How a reason names each kind."""

NEGATIONS = frozenset({"no", "not", "never", "without", "kein", "keine", "keinen", "nicht", "ohne"})
"""Words that cancel a cue when one of the three words before it."""
_NEGATION_SPAN = 3
_PATTERNS = {
    kind: re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)
    for kind, phrases in CUES.items()
}
_WORD = re.compile(r"\w+")


def _negated(text: str, start: int) -> bool:
    before = _WORD.findall(text[:start])[-_NEGATION_SPAN:]
    return any(word.lower() in NEGATIONS for word in before)


@lru_cache(maxsize=100_000)
def warning_signs(text: str) -> tuple[str, ...]:
    """The kinds of warning sign ``text`` records, in :data:`CUES` order (empty: none)."""
    found = []
    for kind, pattern in _PATTERNS.items():
        for match in pattern.finditer(text):
            own_negation = match.group(0).split()[0].lower() in NEGATIONS
            if own_negation or not _negated(text, match.start()):
                found.append(kind)
                break
    return tuple(found)


def note_warning_signs(subject: str | None, text: str | None) -> tuple[str, ...]:
    """The warning signs of a note, call or visit record from its subject and text."""
    return warning_signs(f"{subject or ''}. {text or ''}")


def in_words(kinds: Iterable[str]) -> str:
    """The kinds as a phrase: "a competitor's offer and late deliveries"."""
    words = [KIND_WORDS[kind] for kind in kinds]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
