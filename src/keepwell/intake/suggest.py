"""Suggestions for mapping a file's columns to Keepwell fields, by name and by sample values.

Pure functions: the column mapper page reads a file's first rows and asks these which
field each column probably holds, which date formats its samples parse with (in words),
and which Keepwell value each distinct source value probably means.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keepwell.intake.fields import FieldSpec, KindSpec

MAX_DISTINCT = 12
"""Columns with more distinct values than this get no value translations."""

SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": (
        "id",
        "key",
        "number",
        "no",
        "nr",
        "code",
        "customer id",
        "customer no",
        "customer number",
        "account id",
        "account no",
        "kundennummer",
        "kundennr",
        "kunden nr",
        "kundenid",
        "nummer",
        "schluessel",
        "ticket id",
        "ticketnummer",
        "order id",
        "order no",
        "bestellnummer",
        "auftragsnummer",
        "auftragsnr",
        "angebotsnummer",
        "quote id",
        "rfq id",
        "kontakt id",
        "personalnummer",
        "mitarbeiternummer",
        "employee id",
        "asset id",
        "anlagennummer",
        "survey id",
        "umfrage id",
    ),
    "account": (
        "account",
        "customer",
        "client",
        "kunde",
        "kunden",
        "firma id",
        "customer ref",
        "kundennummer",
        "kundennr",
        "kunden nr",
        "customer id",
        "customer no",
        "account id",
    ),
    "name": (
        "name",
        "company",
        "company name",
        "account name",
        "customer name",
        "firma",
        "firmenname",
        "unternehmen",
        "kundenname",
        "full name",
        "vollstaendiger name",
        "mitarbeiter",
        "ansprechpartner",
    ),
    "segment": ("segment", "kundensegment", "market", "markt"),
    "region": ("region", "sales region", "gebiet", "vertriebsgebiet", "bezirk"),
    "tier": ("tier", "class", "klasse", "kategorie", "abc", "abc klasse", "rating"),
    "industry": ("industry", "sector", "branche", "industrie", "wirtschaftszweig"),
    "country": ("country", "land", "staat", "nation"),
    "status": ("status", "state", "stage", "zustand", "stand", "phase"),
    "started_on": (
        "customer since",
        "since",
        "start",
        "start date",
        "kunde seit",
        "seit",
        "beginn",
        "startdatum",
        "vertragsbeginn",
        "erstkauf",
    ),
    "ended_on": ("ended", "end date", "lost on", "churn date", "verloren am", "ende", "enddatum"),
    "lost_reason": ("lost reason", "churn reason", "reason", "verlustgrund", "grund"),
    "contract_value": (
        "contract value",
        "acv",
        "arr",
        "annual value",
        "vertragswert",
        "jahreswert",
        "umsatz",
        "jahresumsatz",
    ),
    "contract_end": ("contract end", "vertragsende", "laufzeitende", "vertrag bis"),
    "renewal_date": ("renewal", "renewal date", "verlaengerung", "verlaengerungsdatum"),
    "email": ("email", "e mail", "mail", "email address", "e mail adresse", "emailadresse"),
    "phone": ("phone", "telephone", "tel", "telefon", "telefonnummer", "mobile", "handy"),
    "title": ("title", "job title", "position", "funktion", "titel", "stelle"),
    "role": ("role", "buying role", "rolle"),
    "department": ("department", "abteilung", "bereich", "team"),
    "hired_at": ("hired", "hire date", "eintritt", "eintrittsdatum", "eingestellt"),
    "left_at": ("left", "leaving date", "austritt", "austrittsdatum", "ausgeschieden"),
    "ordered_at": ("order date", "ordered", "date", "datum", "bestelldatum", "auftragsdatum"),
    "amount": (
        "amount",
        "total",
        "value",
        "net",
        "betrag",
        "summe",
        "wert",
        "nettobetrag",
        "gesamtbetrag",
        "auftragswert",
        "bestellwert",
    ),
    "value": ("value", "quote value", "angebotswert", "wert", "betrag", "summe"),
    "currency": ("currency", "curr", "waehrung"),
    "quantity": ("quantity", "qty", "menge", "anzahl", "stueck"),
    "product_line": ("product line", "product", "produkt", "produktlinie", "sparte"),
    "received_at": ("received", "rfq date", "anfragedatum", "eingang", "eingangsdatum"),
    "subject": ("subject", "betreff", "titel", "thema"),
    "opened_at": ("opened", "created", "erstellt", "eroeffnet", "angelegt", "datum"),
    "closed_at": ("closed", "geschlossen", "erledigt", "abgeschlossen"),
    "severity": ("severity", "priority", "prioritaet", "schweregrad", "dringlichkeit"),
    "text": ("text", "description", "beschreibung", "notes", "notiz", "inhalt"),
    "comment": ("comment", "kommentar", "bemerkung", "anmerkung"),
    "score": ("score", "punkte", "bewertung", "note"),
    "kind": ("kind", "type", "art", "typ"),
    "serial": ("serial", "serial number", "seriennummer", "serien nr"),
    "model": ("model", "modell", "typ"),
    "installed_at": ("installed", "installation date", "installiert", "inbetriebnahme"),
    "warranty_end": ("warranty end", "gewaehrleistung bis", "garantie bis", "garantieende"),
}
"""Column names (normalised: lower case, umlauts folded, words split by spaces) by field."""

VALUE_SYNONYMS: dict[str, str] = {
    "aktiv": "active",
    "kunde": "active",
    "customer": "active",
    "verloren": "lost",
    "gekuendigt": "lost",
    "churned": "lost",
    "interessent": "prospect",
    "lead": "prospect",
    "inaktiv": "inactive",
    "ruhend": "inactive",
    "offen": "open",
    "gewonnen": "won",
    "abgelehnt": "lost",
    "kein angebot": "no_bid",
    "zurueckgezogen": "withdrawn",
    "geliefert": "delivered",
    "berechnet": "invoiced",
    "fakturiert": "invoiced",
    "bezahlt": "paid",
    "storniert": "cancelled",
    "niedrig": "low",
    "mittel": "medium",
    "hoch": "high",
    "kritisch": "critical",
    "wartend": "pending",
    "geloest": "resolved",
    "geschlossen": "closed",
    "reklamation": "complaint",
    "beschwerde": "complaint",
    "garantie": "warranty",
    "anruf": "call",
    "besuch": "visit",
    "termin": "meeting",
    "notiz": "note",
    "eingehend": "inbound",
    "ausgehend": "outbound",
    "ja": "true",
    "nein": "false",
    "yes": "true",
    "no": "false",
    "stillgelegt": "decommissioned",
}
"""Source values (normalised) by the Keepwell value they usually mean."""

DATE_FORMATS: tuple[tuple[str, str], ...] = (
    ("", "2026-12-31 (year-month-day, the standard form)"),
    ("%d.%m.%Y", "31.12.2026 (day.month.year)"),
    ("%d.%m.%y", "31.12.26 (day.month.two-digit year)"),
    ("%d/%m/%Y", "31/12/2026 (day/month/year)"),
    ("%m/%d/%Y", "12/31/2026 (month/day/year, American)"),
    ("%d-%m-%Y", "31-12-2026 (day-month-year)"),
    ("%Y/%m/%d", "2026/12/31 (year/month/day)"),
    ("%Y%m%d", "20261231 (yearmonthday, no separators)"),
    ("%d.%m.%Y %H:%M", "31.12.2026 14:30 (day.month.year hour:minute)"),
    ("%d.%m.%Y %H:%M:%S", "31.12.2026 14:30:05 (day.month.year hour:minute:second)"),
    ("%d/%m/%Y %H:%M", "31/12/2026 14:30 (day/month/year hour:minute)"),
    ("%m/%d/%Y %H:%M", "12/31/2026 14:30 (month/day/year hour:minute, American)"),
    ("%Y-%m-%d %H:%M", "2026-12-31 14:30 (year-month-day hour:minute)"),
)
"""Date formats the mapper offers: (strptime format, "" for ISO 8601; words for people)."""

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
MONEY = re.compile(r"^-?(?:\d{1,3}(?:[.,' ]\d{3})+|\d+)(?:[.,]\d{1,2})?\s*(?:€|\$|EUR|USD)?$")
IDENTIFIER = re.compile(r"^[A-Za-z]{0,6}[-_/]?\d{1,12}$")


@dataclass(frozen=True)
class Suggestion:
    """The field suggested for one column, and why (``name``, ``values`` or nothing)."""

    column: str
    field: str | None
    reason: str


def normalise(text: str) -> str:
    """Lower case, German umlauts and accents folded, words split by single spaces."""
    folded = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text.strip()).lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        folded = folded.replace(umlaut, plain)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return " ".join(re.split(r"[^a-z0-9]+", folded)).strip()


def name_matches(column: str, spec: KindSpec) -> list[str]:
    """The fields of ``spec`` whose name or a synonym is the column's name, best first."""
    key = normalise(column)
    found: list[str] = []
    for field in spec.fields:
        if key in (field.name.replace("_", " "), normalise(field.name)):
            found.append(field.name)
    ordered = sorted(spec.fields, key=lambda f: f.name != "account")  # a customer's id
    for field in ordered:
        if field.name not in found and key in SYNONYMS.get(field.name, ()):
            found.append(field.name)
    return found


def texts(samples: Iterable[Any]) -> list[str]:
    """The non-empty sample values as stripped text."""
    return [str(s).strip() for s in samples if s is not None and str(s).strip()]


def date_formats(samples: Iterable[Any]) -> list[tuple[str, str]]:
    """The offered date formats every non-empty sample parses with: (format, words)."""
    values = texts(samples)
    if not values:
        return []
    return [(fmt, words) for fmt, words in DATE_FORMATS if all(_parses(v, fmt) for v in values)]


def _parses(text: str, fmt: str) -> bool:
    try:
        if fmt:
            datetime.strptime(text, fmt)
        else:
            datetime.fromisoformat(text)
    except ValueError:
        return False
    return fmt != "" or len(text) >= 10


def looks_like(samples: Iterable[Any]) -> str | None:
    """What the samples look like: ``date``, ``email``, ``money``, ``id`` or None."""
    values = texts(samples)
    if not values:
        return None
    if date_formats(values):
        return "date"
    if all(EMAIL.match(v) for v in values):
        return "email"
    if all(IDENTIFIER.match(v) for v in values) and any(not v.isdigit() for v in values):
        return "id"
    if all(MONEY.match(v) for v in values) and any(not v.isdigit() for v in values):
        return "money"
    return None


def _value_candidates(spec: KindSpec, kind: str, samples: Sequence[str]) -> list[str]:
    fields = spec.fields
    if kind == "date":
        return [f.name for f in fields if f.type in ("date", "datetime")]
    if kind == "email":
        return [f.name for f in fields if f.name == "email"]
    if kind == "money":
        return [f.name for f in fields if f.type == "float"]
    if kind == "id":
        unique = len(set(samples)) == len(samples)
        first = "external_id" if unique else "account"
        return [f.name for f in fields if f.name == first] + [
            f.name for f in fields if f.ref and f.name != first
        ]
    return []


def suggest_fields(spec: KindSpec, samples: dict[str, list[Any]]) -> list[Suggestion]:
    """A field for each column (``samples``: column -> its first values), each field once:
    name matches first, then the first free field whose type fits the sample values."""
    taken: set[str] = set()
    chosen: dict[str, Suggestion] = {}
    for column in samples:
        for name in name_matches(column, spec):
            if name not in taken:
                taken.add(name)
                chosen[column] = Suggestion(column, name, "name")
                break
    for column, values in samples.items():
        if column in chosen:
            continue
        kind = looks_like(values)
        candidates = _value_candidates(spec, kind, texts(values)) if kind else []
        free = [name for name in candidates if name not in taken]
        if free:
            taken.add(free[0])
            chosen[column] = Suggestion(column, free[0], "values")
        else:
            chosen[column] = Suggestion(column, None, "")
    return [chosen[column] for column in samples]


def distinct_values(samples: Iterable[Any], limit: int = MAX_DISTINCT) -> list[str] | None:
    """The distinct non-empty sample values in order of first appearance; None if more
    than ``limit`` (a column of free text or ids, not a set of states)."""
    seen: dict[str, None] = {}
    for value in texts(samples):
        seen.setdefault(value, None)
        if len(seen) > limit:
            return None
    return list(seen)


def translation_targets(field: FieldSpec) -> tuple[str, ...]:
    """The Keepwell values a source value of ``field`` can be translated to."""
    if field.choices:
        return field.choices
    if field.type == "bool":
        return ("true", "false")
    return ()


def suggest_translation(value: str, targets: Sequence[str]) -> str | None:
    """The target ``value`` probably means: itself, a synonym, or None (kept as is)."""
    key = normalise(value)
    for target in targets:
        if key == normalise(target):
            return target
    meant = VALUE_SYNONYMS.get(key)
    return meant if meant in targets else None
