"""The record's closed vocabularies: the values a status, kind or severity may take.

The record owns them; imports (``keepwell.intake.fields``), telemetry, pages and the API
read them from here.
"""

from __future__ import annotations

__all__ = [
    "ACCOUNT_STATUSES",
    "ASSET_STATUSES",
    "DIRECTIONS",
    "INTERACTION_KINDS",
    "ORDER_KINDS",
    "ORDER_STATUSES",
    "QUOTE_OUTCOMES",
    "SEVERITIES",
    "SURVEY_KINDS",
    "TICKET_KINDS",
    "TICKET_STATUSES",
    "WORDS",
    "in_words",
]

ACCOUNT_STATUSES = ("active", "lost", "prospect", "inactive")
TICKET_KINDS = ("support", "complaint", "ncr", "rma", "warranty")
SEVERITIES = ("low", "medium", "high", "critical")
TICKET_STATUSES = ("open", "pending", "resolved", "closed")
QUOTE_OUTCOMES = ("open", "won", "lost", "no_bid", "withdrawn")
ORDER_STATUSES = ("open", "delivered", "invoiced", "paid", "cancelled")
ORDER_KINDS = ("product", "spare_parts", "service", "contract")
SURVEY_KINDS = ("nps", "csat", "ces")
INTERACTION_KINDS = ("call", "visit", "meeting", "email", "note")
DIRECTIONS = ("inbound", "outbound")
ASSET_STATUSES = ("active", "decommissioned")

WORDS: dict[str, str] = {
    # where a comment comes from
    "survey": "Surveys",
    "ticket": "Tickets",
    "interaction": "Calls, visits and e-mails",
    # health bands
    "healthy": "Healthy",
    "watch": "Watch",
    "at_risk": "At risk",
    "no_data": "No data",
    # kinds
    "email": "e-mail",
    "nps": "recommendation (0–10)",
    "csat": "satisfaction (1–5)",
    "ces": "effort (1–7)",
    "ncr": "non-conformance report",
    "rma": "return",
    "spare_parts": "spare parts",
    "no_bid": "no bid",
}
"""How a person reads a code of these vocabularies (and where a comment comes from)."""


def in_words(code: str | None) -> str:
    """``code`` as a person reads it: its entry in :data:`WORDS`, else the code with
    spaces for underscores; a dash for none."""
    if not code:
        return "—"
    return WORDS.get(code, code.replace("_", " "))
