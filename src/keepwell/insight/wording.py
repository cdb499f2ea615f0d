"""Features, their values and their changes in words, for people (never the raw key).

The label of a feature is its registry description up to the first colon, semicolon
or bracket (``Orders in the last 90 days``); a feature the registry does not know is
shown with its key's words (``quote turnaround days``), never with the key itself.
"""

from __future__ import annotations

import re

from keepwell.insight.churn.extra import EXTRA_FEATURES
from keepwell.insight.features import FEATURES

NOT_KNOWN = "not known"
_CUT = re.compile(r"\s*[:;(]|\.\s|\.$")


def feature_label(key: str) -> str:
    """A short label for feature ``key``."""
    feature = FEATURES.get(key) or EXTRA_FEATURES.get(key)
    if feature is None:
        return key.replace("_", " ").replace(".", " ").strip().capitalize()
    label = getattr(feature, "label", None)
    if isinstance(label, str) and label:
        return label
    return _CUT.split(feature.description, maxsplit=1)[0].strip() or key.replace("_", " ")


def feature_value(key: str, value: float | None, *, currency: str = "") -> str:
    """A feature's value in its unit: ``12 days``, ``40 %``, ``yes``, ``not known``."""
    if value is None:
        return NOT_KNOWN
    feature = FEATURES.get(key) or EXTRA_FEATURES.get(key)
    unit = feature.unit if feature is not None else ""
    number = float(value)
    if unit == "yes/no":
        return "yes" if number else "no"
    if unit == "share":
        return f"{number:.0%}".replace("%", " %")
    if unit == "ratio":
        return f"{number:.2f} times"
    if unit == "currency":
        return f"{number:,.2f} {currency}".rstrip()
    shown = f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"
    return f"{shown} days" if unit == "days" else shown


def change_sentence(
    key: str, before: float | None, after: float | None, *, currency: str = ""
) -> str | None:
    """``Orders in the last 90 days: 4 → 0``; None when the value did not change as shown."""
    then = feature_value(key, before, currency=currency)
    now = feature_value(key, after, currency=currency)
    if then == now:
        return None
    return f"{feature_label(key)}: {then} → {now}"


EVENT_LABELS: dict[str, str] = {
    "order.placed": "Order placed",
    "order.delivered": "Order delivered",
    "order.delivered_late": "Order delivered late",
    "invoice.paid": "Invoice paid",
    "invoice.paid_late": "Invoice paid late",
    "quote.received": "RFQ received",
    "quote.responded": "RFQ answered",
    "quote.won": "Quote won",
    "quote.lost": "Quote lost",
    "quote.closed": "Quote closed",
    "ticket.opened": "Ticket opened",
    "ticket.closed": "Ticket closed",
    "survey.response": "Survey answer",
    "interaction.call": "Call",
    "interaction.visit": "Visit",
    "interaction.meeting": "Meeting",
    "interaction.email": "E-mail",
    "interaction.note": "Note",
    "telemetry.alarm": "Equipment alarm",
    "contact.left": "Contact left",
    "team.left": "Left the team",
}
"""Every timeline event kind in words."""


def event_label(kind: str) -> str:
    """A timeline event kind in words (``interaction.call`` → ``Call``)."""
    return EVENT_LABELS.get(kind) or kind.replace(".", " ").replace("_", " ").capitalize()
