"""The sentiment lexicon: English and German words of B2B customer feedback, valence −3…+3.

General evaluative words (good, poor, gut, schlecht …) plus the vocabulary of
service and quality complaints in manufacturing (late, leak, broken,
Lieferverzug, undicht …). An entry ending in ``*`` matches every word that
starts with it (``disappoint*``, ``enttäusch*``); one starting with ``*`` also
matches German compounds that end with it (``*verzug`` in ``Lieferverzug``).
Words that signal recurrence (``again``, ``ständig``) count as mildly negative:
in customer feedback they almost always report a problem coming back.
"""

from __future__ import annotations

# fmt: off
POSITIVE_EN: dict[str, float] = {
    "good": 1.9, "great": 3.1, "excellent": 3.2, "outstanding": 3.2, "perfect": 2.8,
    "reliable": 2.0, "satisfied": 1.8, "happy": 2.7, "pleased": 2.0, "helpful": 1.8,
    "fast": 1.2, "quick": 1.2, "quickly": 1.1, "competent": 1.7, "professional": 1.5,
    "thank": 1.5, "thanks": 1.9, "appreciate*": 1.8, "recommend*": 1.6, "fine": 0.8,
    "ok": 0.4, "okay": 0.4, "solved": 1.4, "resolved": 1.4, "fixed": 1.2, "love*": 2.9,
    "friendly": 2.2, "smooth*": 1.2, "responsive": 1.5, "impressed": 2.2, "well": 1.0,
    "best": 3.2, "nice": 1.8, "superb": 3.1, "fantastic": 2.6, "amazing": 2.8,
    "on-time": 1.2, "punctual": 1.4, "trust*": 1.4, "satisf*": 1.6, "improv*": 1.0,
    "knowledgeable": 1.7, "know": 0.3, "cooperation": 0.9, "works": 0.6, "working": 0.5,
}
NEGATIVE_EN: dict[str, float] = {
    "bad": -2.5, "poor": -2.1, "terrible": -2.9, "awful": -2.9, "horrible": -2.9,
    "worst": -3.1, "unacceptable": -2.8, "disappoint*": -2.2, "frustrat*": -2.1,
    "angry": -2.3, "annoy*": -1.8, "late": -1.4, "delay*": -1.5, "slow": -1.2,
    "expensive": -1.3, "overpriced": -2.0, "broken": -2.1, "fail*": -2.0, "fault*": -1.7,
    "defect*": -2.0, "leak*": -1.8, "noise": -0.9, "noisy": -1.2, "vibrat*": -0.8,
    "corrosion": -1.5, "rust*": -1.3, "crack*": -1.4, "problem*": -1.5, "issue*": -1.1,
    "complain*": -1.8, "wrong": -2.1, "missing": -1.4, "lost": -1.3, "never": -1.0,
    "nobody": -1.2, "worthless": -2.7, "useless": -2.3, "mess": -1.7, "waste*": -1.8,
    "damage*": -1.9, "error*": -1.4, "reset*": -0.6, "recurring": -1.4, "repeated": -1.1,
    "again": -0.5, "constant": -0.8, "worse": -2.1, "down": -0.4, "less": -0.3,
    "cancel*": -1.3, "switch*": -0.6, "competitor*": -0.5, "unreliable": -2.2,
    "dissatisfied": -2.1, "unhappy": -2.3, "unresolved": -1.9, "ignored": -1.8,
    "overdue": -1.6, "too": -0.3, "weeks": -0.3, "missed": -1.4, "standstill": -1.8,
    "downtime": -1.8, "urgent*": -0.8, "costs": -0.6, "worn": -1.2, "trips": -0.8,
}
POSITIVE_DE: dict[str, float] = {
    "gut": 1.9, "gute": 1.9, "guter": 1.9, "gutes": 1.9, "super": 2.6,
    "toll": 2.6, "hervorragend*": 3.1, "ausgezeichnet*": 3.1, "perfekt*": 2.8,
    "zuverlässig*": 2.0, "zufrieden*": 1.8, "schnell*": 1.2, "kompetent*": 1.7,
    "danke": 1.8, "dank": 1.5, "freundlich*": 2.0, "prima": 2.3, "empfehl*": 1.6,
    "gelöst": 1.4, "behoben": 1.3, "passt": 0.8, "ordnung": 0.6, "klasse": 2.3,
    "professionell*": 1.5, "pünktlich*": 1.4, "hilfreich*": 1.8, "lob*": 1.8,
    "funktioniert": 0.6, "läuft": 0.5,
}
NEGATIVE_DE: dict[str, float] = {
    "schlecht*": -2.3, "mangelhaft*": -2.3, "inakzeptabel": -2.8, "enttäusch*": -2.2,
    "ärger*": -2.0, "unzufrieden*": -2.1, "verspät*": -1.5, "*verzug": -1.5,
    "*verzögerung": -1.5, "langsam*": -1.2, "teuer": -1.3, "zu": -0.3, "defekt*": -2.0,
    "kaputt*": -2.1, "undicht*": -1.8, "leck*": -1.8, "*ausfall": -1.9, "fehler*": -1.4,
    "*fehler": -1.4, "*problem": -1.5, "problem*": -1.5, "mangel": -1.6, "*mängel": -1.6,
    "reklamation*": -1.6, "beschwerde*": -1.8, "niemand": -1.2, "nie": -1.0,
    "ständig*": -0.8, "wieder": -0.5, "nachgelassen": -1.6,
    "korrosion": -1.5, "rost*": -1.3, "geräusch*": -0.9, "laut": -0.8, "falsch*": -2.0,
    "fehlend*": -1.4, "lange": -0.6, "verloren": -1.3, "wechsel*": -0.6,
    "nachlässig*": -1.8, "katastroph*": -3.0, "ärgerlich": -2.0, "beschädig*": -1.9,
    "verstopft": -1.2, "klemmt": -1.0, "stillstand": -1.8,
}
ROUTINE_EN: dict[str, float] = {
    "please": 0.0, "like": 0.0, "hope": 0.0, "support": 0.0, "help": 0.0, "care": 0.0,
    "interest": 0.0, "interested": 0.0, "pressure": 0.0, "share": 0.0, "free": 0.0,
    "sure": 0.0, "yes": 0.0, "credit": 0.0, "kind": 0.0, "dear": 0.0, "true": 0.0,
    "clear": 0.0, "block": 0.0, "blocked": 0.0, "fire": 0.0, "resolve": 0.0, "promise*": 0.0,
}
"""Words a general English lexicon rates but that are routine in service requests and
machine talk (*we would like*, *please send*, *support ticket*, *pressure*, *fire pump*,
*to resolve*, *delivery promise*, *free of charge*): they carry no feeling here."""
NEGATORS: frozenset[str] = frozenset(
    {"not", "no", "nor", "without", "hardly", "isn't", "aren't", "doesn't", "don't",
     "didn't", "wasn't", "weren't", "can't", "cannot", "won't", "never",
     "nicht", "kein", "keine", "keinen", "keiner", "keinem", "ohne", "kaum"}
)
"""Words that flip the valence of the words right after them."""
INTENSIFIERS: dict[str, float] = {
    "very": 1.3, "really": 1.3, "extremely": 1.5, "totally": 1.4, "far": 1.3,
    "absolutely": 1.5, "so": 1.2, "completely": 1.4, "highly": 1.3, "always": 1.1,
    "sehr": 1.3, "wirklich": 1.3, "extrem": 1.5, "völlig": 1.4, "absolut": 1.5,
    "total": 1.4, "viel": 1.2, "äußerst": 1.5,
}
"""Words that strengthen the next evaluative word."""
# fmt: on
