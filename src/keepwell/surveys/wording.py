"""What the customer reads, in English and German: the e-mail and the answer page."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "de")
GERMAN_COUNTRIES = frozenset(
    {"de", "deu", "germany", "deutschland", "at", "aut", "austria", "österreich", "ch", "li"}
)
"""Account countries whose contacts are written to in German."""

QUESTIONS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "nps": "How likely are you to recommend {company} to a colleague?",
        "csat": "How satisfied are you with {topic}?",
        "ces": "How easy was it to get what you needed with {topic}?",
    },
    "de": {
        "nps": "Wie wahrscheinlich ist es, dass Sie {company} einem Kollegen empfehlen?",
        "csat": "Wie zufrieden sind Sie mit {topic}?",
        "ces": "Wie einfach war es, bei {topic} zu bekommen, was Sie brauchten?",
    },
}
TOPICS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "order_delivered": "your recent delivery",
        "ticket_closed": "the handling of your recent request",
        "relationship": "working with us",
        "manual": "working with us",
    },
    "de": {
        "order_delivered": "Ihrer letzten Lieferung",
        "ticket_closed": "der Bearbeitung Ihrer letzten Anfrage",
        "relationship": "der Zusammenarbeit mit uns",
        "manual": "der Zusammenarbeit mit uns",
    },
}
LOW_HIGH: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "en": {
        "nps": ("not at all likely", "extremely likely"),
        "csat": ("very dissatisfied", "very satisfied"),
        "ces": ("very difficult", "very easy"),
    },
    "de": {
        "nps": ("überhaupt nicht wahrscheinlich", "äußerst wahrscheinlich"),
        "csat": ("sehr unzufrieden", "sehr zufrieden"),
        "ces": ("sehr schwierig", "sehr einfach"),
    },
}
TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "Your opinion",
        "hello": "Hello {name},",
        "ask": "we would value your opinion. It takes one click:",
        "answer_by": "The link works once, until {day}.",
        "unsubscribe_line": "To receive no more surveys from us: {url}",
        "subject": "A quick question from {company}",
        "comment": "Anything you would like to tell us? (optional)",
        "send": "Send my answer",
        "thanks": "Thank you! Your answer has been received.",
        "pick": "Please choose a score.",
        "stale": "The form is out of date; please try again.",
        "unsubscribe_title": "No more surveys",
        "unsubscribe_ask": "Do you want to receive no more surveys from us at {email}?",
        "unsubscribe_button": "Unsubscribe",
        "unsubscribed": "Done: we will not ask you for surveys any more.",
        "unsubscribe_link": "Receive no more surveys",
        "unknown": "This link does not work.",
        "gone": "This link no longer works: it has been used or has expired. Thank you!",
        "limited": "Too many requests. Please try again in a few minutes.",
        "refused_title": "Link not available",
        "language": "Deutsch",
    },
    "de": {
        "title": "Ihre Meinung",
        "hello": "Guten Tag {name},",
        "ask": "Ihre Meinung ist uns wichtig. Es dauert nur einen Klick:",
        "answer_by": "Der Link funktioniert einmal, bis zum {day}.",
        "unsubscribe_line": "Wenn Sie keine Umfragen mehr von uns erhalten möchten: {url}",
        "subject": "Eine kurze Frage von {company}",
        "comment": "Möchten Sie uns noch etwas sagen? (freiwillig)",
        "send": "Antwort senden",
        "thanks": "Vielen Dank! Ihre Antwort ist angekommen.",
        "pick": "Bitte wählen Sie einen Wert.",
        "stale": "Das Formular ist veraltet; bitte versuchen Sie es erneut.",
        "unsubscribe_title": "Keine Umfragen mehr",
        "unsubscribe_ask": "Möchten Sie unter {email} keine Umfragen mehr von uns erhalten?",
        "unsubscribe_button": "Abmelden",
        "unsubscribed": "Erledigt: Wir fragen Sie nicht mehr nach Umfragen.",
        "unsubscribe_link": "Keine Umfragen mehr erhalten",
        "unknown": "Dieser Link funktioniert nicht.",
        "gone": "Dieser Link funktioniert nicht mehr: Er wurde benutzt oder ist abgelaufen. Danke!",
        "limited": "Zu viele Anfragen. Bitte versuchen Sie es in einigen Minuten erneut.",
        "refused_title": "Link nicht verfügbar",
        "language": "English",
    },
}


def language_of_country(country: str | None) -> str | None:
    """The language the record implies for an account's contacts, if any."""
    if country and country.strip().lower() in GERMAN_COUNTRIES:
        return "de"
    return None


def from_accept_language(header: str) -> str | None:
    """The first supported language in an ``Accept-Language`` header, by preference."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def choose(asked: str, recorded: str | None, accept_language: str) -> str:
    """The page language: the switch, else the record, else the browser, else English."""
    for candidate in (asked, recorded, from_accept_language(accept_language)):
        if candidate in LANGUAGES:
            return candidate
    return "en"
