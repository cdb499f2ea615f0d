"""Growth and share-of-wallet signals: plain sentences from an account's features.

Retention is not only churn prevention: these flag accounts whose ordering, fleet or usage
is expanding, and accounts where the company is losing share of the customer's spend.
"""

from __future__ import annotations

GROWTH_RULES: tuple[tuple[str, float, str], ...] = (
    ("revenue_365d_vs_prior_year", 1.2, "ordering is up {pct}% on the year before"),
    ("orders_90d_vs_last_year", 1.3, "{pct}% more orders this quarter than a year ago"),
    ("usage_trend", 1.15, "equipment usage up {pct}% on the previous two months"),
)
SHARE_LOSS_PARTS = 0.5
SHARE_LOSS_USAGE = 0.9


def growth_signals(values: dict[str, float | None]) -> list[str]:
    """Sentences for the ways an account is expanding: ordering, usage, installed fleet."""
    found = []
    for feature, threshold, template in GROWTH_RULES:
        ratio = values.get(feature)
        if ratio is not None and ratio >= threshold:
            found.append(template.format(pct=round(100 * (ratio - 1))))
    new_assets = values.get("assets_installed_365d")
    if new_assets:
        count = round(new_assets)
        found.append(f"{count} machine{'s' if count != 1 else ''} installed in the last year")
    return found


def share_loss_signals(values: dict[str, float | None]) -> list[str]:
    """Sentences for where the company is losing share of the customer's spend.

    Spare parts falling to ``SHARE_LOSS_PARTS`` of the year before or less while the
    equipment keeps running (usage at least ``SHARE_LOSS_USAGE`` of before) or, without
    telemetry, while the customer's other ordering holds up: the parts are bought elsewhere.
    """
    parts = values.get("spare_parts_365d_vs_prior_year")
    if parts is None or parts > SHARE_LOSS_PARTS:
        return []
    drop = round(100 * (1 - parts))
    usage = values.get("usage_trend")
    if usage is not None:
        if usage < SHARE_LOSS_USAGE:
            return []
        return [
            f"spare-parts orders down {drop}% on the year before while its equipment runs "
            f"at {round(100 * usage)}% of its earlier usage: parts are likely bought elsewhere"
        ]
    revenue = values.get("revenue_365d_vs_prior_year")
    if revenue is None or revenue < SHARE_LOSS_PARTS:
        return []
    return [
        f"spare-parts orders down {drop}% on the year before while its other ordering "
        "holds up: parts are likely bought elsewhere"
    ]
