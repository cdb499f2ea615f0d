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
