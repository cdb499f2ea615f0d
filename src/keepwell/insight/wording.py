"""Features, their values and their changes in words, for people (never the raw key).

The label of a feature is its registry description up to the first colon, semicolon
or bracket (``Orders in the last 90 days``); a feature the registry does not know is
shown with its key's words (``quote turnaround days``), never with the key itself.
"""

from __future__ import annotations

import re

from keepwell.insight.churn.extra import EXTRA_FEATURES
from keepwell.insight.churn.reasons import FeatureChange
from keepwell.insight.features import FEATURES

NOT_KNOWN = "not known"
AMOUNT_HIDDEN = "[amount hidden]"
"""What stands in for an amount a reader's role may not see."""
MONEY_UNIT = "currency"
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


def is_money_feature(key: str | None) -> bool:
    """Whether the feature ``key`` is an amount (hidden from roles that may not see money)."""
    feature = FEATURES.get(key or "")
    return feature is not None and feature.unit == MONEY_UNIT


def change_text(change: FeatureChange, sees_money: bool, currency: str = "") -> str | None:
    """A feature's move in words: ``Orders in the last 90 days: 4 → 0``; None if unchanged.

    An amount's move is only named for a reader who may not see money.
    """
    sentence = change_sentence(change.feature, change.before, change.after, currency=currency)
    if sentence is not None and is_money_feature(change.feature) and not sees_money:
        return f"{feature_label(change.feature)}: changed ({AMOUNT_HIDDEN})"
    return sentence


def change_texts(changes: list[FeatureChange], sees_money: bool, currency: str = "") -> list[str]:
    """The changes that show a different value, in words."""
    found = (change_text(c, sees_money, currency) for c in changes)
    return [text for text in found if text is not None]


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


MODEL_LABELS = {
    "logistic": "logistic regression",
    "lightgbm": "gradient-boosted trees (LightGBM)",
    "blend": "the average of logistic regression and gradient-boosted trees",
}
"""How people read the churn model's kind."""
METHOD_LABELS = {
    "time-backtest": "a backtest: trained on earlier months, tested on later ones",
    "cross-validation": "cross-validation over the accounts",
}
"""How people read the way the model was tested."""


def model_label(kind: str | None) -> str:
    """The churn model's kind in words (``blend`` → "the average of …")."""
    if not kind:
        return NOT_KNOWN
    return MODEL_LABELS.get(kind, kind.replace("_", " ").replace("-", " "))


def method_label(method: str | None) -> str:
    """How the model was tested, in words."""
    if not method:
        return NOT_KNOWN
    return METHOD_LABELS.get(method, method.replace("_", " ").replace("-", " "))
