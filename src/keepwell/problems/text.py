"""Language-agnostic cleaning of ticket, complaint and comment texts.

Cleaning removes what describes the channel rather than the problem: quoted
replies, signatures, URLs, e-mail addresses and tokens made only of digits.
What remains is Unicode-normalised, case-folded and whitespace-collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["SIGN_OFFS", "clean_text", "clean_texts"]

SIGN_OFFS: tuple[str, ...] = (
    "best",
    "best regards",
    "br",
    "cheers",
    "cordialement",
    "distinti saluti",
    "freundliche grüße",
    "groeten",
    "kind regards",
    "many thanks",
    "met vriendelijke groet",
    "mfg",
    "mit freundlichen grüßen",
    "regards",
    "saludos",
    "sincerely",
    "thank you",
    "thanks",
    "viele grüße",
    "warm regards",
    "yours sincerely",
)
"""Case-folded sign-offs that start a signature block when alone on a line."""

_SIGNATURE_DELIMITER = re.compile(r"^\s*(--|__+|—)\s*$")
_SIGN_OFFS_FOLDED = "|".join(re.escape(s.casefold()) for s in SIGN_OFFS)
_SIGN_OFF_LINE = re.compile(r"^\s*(?:(?:" + _SIGN_OFFS_FOLDED + r")[\s,.!]*|sent from my\b.*)$")
_QUOTED_LINE = re.compile(r"^\s*>")
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CODE_JOINER = re.compile(r"(?<=[^\W\d_])[-_/](?=\d)|(?<=\d)[-_/](?=[^\W\d_])")
_NUMBER = re.compile(r"(?<!\w)[+\-#]?\d[\d.,:/\-]*(?!\w)")
_NON_WORD = re.compile(r"[^\w\s'’]|_")
_APOSTROPHE = re.compile(r"(?<!\w)['’]|['’](?!\w)")
_SPACE = re.compile(r"\s+")


def _strip_replies_and_signature(text: str) -> str:
    """Drop quoted reply lines and everything from the signature block on."""
    kept: list[str] = []
    lines = text.splitlines()
    for position, line in enumerate(lines):
        if _QUOTED_LINE.match(line):
            continue
        folded = line.casefold()
        is_delimiter = _SIGNATURE_DELIMITER.match(line) is not None
        is_sign_off = position > 0 and _SIGN_OFF_LINE.match(folded) is not None
        if is_delimiter or is_sign_off:
            break
        kept.append(line)
    return "\n".join(kept)


def clean_text(text: str, *, light: bool = False) -> str:
    """Return ``text`` normalised for problem detection.

    The result is NFKC-normalised, without quoted replies, signature blocks,
    URLs or e-mail addresses, with single spaces between words. Unless
    ``light``, it is also case-folded and loses numeric tokens and
    punctuation; codes mixing letters and digits (``E-42``, ``XR7``) are kept
    as one token (``e42``, ``xr7``). The light form suits models with their
    own tokenizer. No language-specific resources are used beyond the list of
    common sign-offs in :data:`SIGN_OFFS`.
    """
    body = _strip_replies_and_signature(unicodedata.normalize("NFKC", text))
    body = _URL.sub(" ", body)
    body = _EMAIL.sub(" ", body)
    if not light:
        body = _CODE_JOINER.sub("", body.casefold())
        body = _NUMBER.sub(" ", body)
        body = _NON_WORD.sub(" ", body)
        body = _APOSTROPHE.sub(" ", body)
    return _SPACE.sub(" ", body).strip()


def clean_texts(texts: Iterable[str], *, light: bool = False) -> list[str]:
    """Apply :func:`clean_text` to every text, keeping the order."""
    return [clean_text(text, light=light) for text in texts]
