"""User search text parsed once, rendered for FTS5 and for PostgreSQL.

The syntax is that of web search engines (PostgreSQL's ``websearch_to_tsquery``):
words must all occur, ``"quoted words"`` form a phrase, ``-word`` excludes, ``or``
between words accepts either side. Anything else (``*``, ``(``, ``:``, ``AND``, a lone
``"``) is plain text: every term reaches FTS5 quoted, so no input is a syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+")
MAX_TERMS = 32
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can did do does doing don down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own s same she should so some such t than that
    the their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with you your
    yours yourself yourselves
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""English stop words (PostgreSQL's list): left out of single-word terms on every database."""


@dataclass(frozen=True)
class Term:
    """A word or a phrase (several words in order)."""

    words: tuple[str, ...]

    def fts5(self) -> str:
        """The term as an FTS5 string (always quoted)."""
        return '"' + " ".join(self.words) + '"'

    def websearch(self) -> str:
        """The term for ``websearch_to_tsquery``."""
        return self.words[0] if len(self.words) == 1 else '"' + " ".join(self.words) + '"'


@dataclass
class Alternative:
    """Terms that must all occur, and terms that must not."""

    required: list[Term] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: documents matching any of the alternatives."""

    alternatives: tuple[Alternative, ...]

    @property
    def empty(self) -> bool:
        """True when nothing searchable is left."""
        return not self.alternatives

    def fts5(self) -> str:
        """The FTS5 MATCH expression."""
        return " OR ".join(f"({_fts5_alternative(a)})" for a in self.alternatives)

    def websearch(self) -> str:
        """The same query for ``websearch_to_tsquery``."""
        parts = []
        for alternative in self.alternatives:
            terms = [t.websearch() for t in alternative.required]
            terms += ["-" + t.websearch() for t in alternative.excluded]
            parts.append(" ".join(terms))
        return " or ".join(parts)


def parse(text: str, *, any_term: bool = False) -> SearchQuery:
    """Parse ``text``; with ``any_term`` every term is its own alternative (OR)."""
    alternatives = [Alternative()]
    count = 0
    for match in TOKEN.finditer(text.replace("\x00", " ")):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.lower() == "or":
            alternatives.append(Alternative())
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = tuple(w.lower() for w in WORD.findall(quoted if bare is None else bare))
        if not words or count >= MAX_TERMS or (len(words) == 1 and words[0] in STOPWORDS):
            continue
        count += 1
        target = alternatives[-1]
        if negated:
            target.excluded.append(Term(words))
        elif any_term:
            alternatives.append(Alternative(required=[Term(words)]))
        else:
            target.required.append(Term(words))
    return SearchQuery(tuple(a for a in alternatives if a.required))


def _fts5_alternative(alternative: Alternative) -> str:
    required = " AND ".join(t.fts5() for t in alternative.required)
    if not alternative.excluded:
        return required
    excluded = " OR ".join(t.fts5() for t in alternative.excluded)
    return f"({required}) NOT ({excluded})"
