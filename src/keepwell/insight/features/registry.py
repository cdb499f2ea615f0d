"""The feature registry: every feature's name, meaning, unit and type.

The registry is the contract between the pipeline, the models and the plain-language
reasons: the pipeline returns exactly these columns (after ``account_id`` and ``cutoff``),
in this order. "Before the cutoff" always means strictly before the cutoff day; "in the
last N days" means the N whole days before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DType = Literal["int64", "float64", "boolean"]


@dataclass(frozen=True)
class Feature:
    """One point-in-time account feature."""

    name: str
    description: str
    unit: str
    dtype: DType
    group: str
    fill: int | None = None
    """Value for accounts without any underlying event (``None`` keeps them missing)."""


def _feature(
    group: str, name: str, unit: str, dtype: DType, description: str, fill: int | None = None
) -> Feature:
    return Feature(name, description, unit, dtype, group, fill)


_ALL: tuple[Feature, ...] = (
    _feature(
        "account",
        "tenure_days",
        "days",
        "int64",
        "Days since the account started (its start date, else its first order).",
    ),
    _feature(
        "orders",
        "days_since_last_order",
        "days",
        "int64",
        "Days since the last order before the cutoff.",
    ),
    _feature("orders", "orders_90d", "orders", "int64", "Orders in the last 90 days.", 0),
    _feature("orders", "orders_365d", "orders", "int64", "Orders in the last 365 days.", 0),
    _feature("orders", "revenue_90d", "currency", "float64", "Order value in the last 90 days.", 0),
    _feature(
        "orders", "revenue_365d", "currency", "float64", "Order value in the last 365 days.", 0
    ),
    _feature(
        "orders",
        "orders_90d_vs_last_year",
        "ratio",
        "float64",
        "Orders in the last 90 days divided by orders in the same 90 days a year earlier.",
    ),
    _feature(
        "orders",
        "revenue_90d_vs_last_year",
        "ratio",
        "float64",
        "Order value in the last 90 days divided by that of the same 90 days a year earlier.",
    ),
    _feature(
        "orders",
        "orders_365d_vs_prior_year",
        "ratio",
        "float64",
        "Orders in the last 365 days divided by orders in the 365 days before them.",
    ),
    _feature(
        "orders",
        "revenue_365d_vs_prior_year",
        "ratio",
        "float64",
        "Order value in the last 365 days divided by that of the 365 days before them.",
    ),
    _feature(
        "orders",
        "spare_parts_365d_vs_prior_year",
        "ratio",
        "float64",
        "Spare-parts order value in the last 365 days divided by the 365 days before; "
        "a fall while the equipment keeps running suggests parts are bought elsewhere.",
    ),
    _feature(
        "orders",
        "mean_order_gap_days",
        "days",
        "float64",
        "The customer's usual gap between order days: first to last order day, divided "
        "by the number of distinct order days less one.",
    ),
    _feature(
        "orders",
        "gap_ratio",
        "ratio",
        "float64",
        "Days since the last order divided by the usual gap between order days "
        "(above 1: later than usual).",
    ),
    _feature("quotes", "quotes_365d", "quotes", "int64", "RFQs received in the last 365 days.", 0),
    _feature(
        "quotes",
        "quote_win_rate_365d",
        "share",
        "float64",
        "Of the last 365 days' RFQs decided before the cutoff, the share won (won / (won + lost)).",
    ),
    _feature(
        "quotes",
        "quote_turnaround_days_365d",
        "days",
        "float64",
        "Mean days from receiving an RFQ to answering it, for the last 365 days' RFQs "
        "answered before the cutoff.",
    ),
    _feature(
        "quotes",
        "quotes_answered_365d",
        "quotes",
        "int64",
        "Of the last 365 days' RFQs, those answered before the cutoff.",
        0,
    ),
    _feature(
        "quotes",
        "broken_promises_365d",
        "orders",
        "int64",
        "Orders placed on a quote and delivered in the last 365 days later than the quote's "
        "promised lead time or the order's promised day.",
        0,
    ),
    _feature(
        "invoices",
        "late_invoice_share_365d",
        "share",
        "float64",
        "Of the invoices due in the last 365 days, the share paid after the due day "
        "or still unpaid at the cutoff.",
    ),
    _feature(
        "invoices",
        "mean_days_late_365d",
        "days",
        "float64",
        "Mean days late of the invoices due in the last 365 days (0 when paid on time; "
        "unpaid ones count until the cutoff).",
    ),
    _feature(
        "invoices",
        "overdue_invoices",
        "invoices",
        "int64",
        "Invoices past their due day and unpaid at the cutoff.",
        0,
    ),
    _feature(
        "invoices",
        "overdue_amount",
        "currency",
        "float64",
        "Value of the invoices past their due day and unpaid at the cutoff.",
        0,
    ),
    _feature(
        "tickets",
        "tickets_90d",
        "tickets",
        "int64",
        "Tickets of any kind opened in the last 90 days.",
        0,
    ),
    _feature(
        "tickets",
        "tickets_365d",
        "tickets",
        "int64",
        "Tickets of any kind opened in the last 365 days.",
        0,
    ),
    _feature(
        "tickets",
        "complaints_90d",
        "tickets",
        "int64",
        "Complaints, NCRs, RMAs and warranty claims opened in the last 90 days.",
        0,
    ),
    _feature(
        "tickets",
        "complaints_365d",
        "tickets",
        "int64",
        "Complaints, NCRs, RMAs and warranty claims opened in the last 365 days.",
        0,
    ),
    _feature(
        "tickets",
        "mean_ticket_severity_365d",
        "1-4",
        "float64",
        "Mean severity of the last 365 days' tickets (low 1, medium 2, high 3, critical 4).",
    ),
    _feature(
        "tickets",
        "open_tickets",
        "tickets",
        "int64",
        "Tickets opened before the cutoff and still open at it.",
        0,
    ),
    _feature(
        "tickets",
        "oldest_open_ticket_days",
        "days",
        "int64",
        "Age of the oldest ticket open at the cutoff.",
    ),
    _feature(
        "tickets",
        "open_ticket_mean_age_days",
        "days",
        "float64",
        "Mean age of the tickets open at the cutoff.",
    ),
    _feature(
        "tickets",
        "repeat_complaints_90d",
        "tickets",
        "int64",
        "Complaint-type tickets of the last 90 days that repeat an earlier one of the "
        "same kind and product line in that window.",
        0,
    ),
    _feature("surveys", "last_nps", "0-10", "float64", "The latest NPS answer."),
    _feature(
        "surveys",
        "nps_change",
        "points",
        "float64",
        "The latest NPS answer minus the one before it.",
    ),
    _feature("surveys", "last_csat", "1-5", "float64", "The latest CSAT answer."),
    _feature(
        "surveys",
        "csat_change",
        "points",
        "float64",
        "The latest CSAT answer minus the one before it.",
    ),
    _feature(
        "interactions",
        "days_since_last_interaction",
        "days",
        "int64",
        "Days since the last call, visit, meeting, e-mail or note.",
    ),
    _feature(
        "interactions",
        "interactions_90d",
        "interactions",
        "int64",
        "Interactions in the last 90 days.",
        0,
    ),
    _feature(
        "contacts",
        "active_contacts",
        "people",
        "int64",
        "Contacts still at the customer at the cutoff.",
        0,
    ),
    _feature(
        "contacts",
        "contacts_left_180d",
        "people",
        "int64",
        "Contacts who left the customer in the last 180 days.",
        0,
    ),
    _feature(
        "contacts",
        "engaged_contacts_180d",
        "people",
        "int64",
        "Active contacts with at least one interaction in the last 180 days.",
        0,
    ),
    _feature(
        "team", "team_size", "people", "int64", "Employees on the account team at the cutoff.", 0
    ),
    _feature(
        "team",
        "team_departures_180d",
        "people",
        "int64",
        "Account-team members who left the company in the last 180 days.",
        0,
    ),
    _feature(
        "team",
        "single_threaded",
        "yes/no",
        "boolean",
        "The relationship hangs on one person: one employee holds every active relationship "
        "(an employee still employed and a contact still at the customer with an interaction "
        "in the last 180 days), or they all reach one contact; false without any.",
        0,
    ),
    _feature(
        "telemetry",
        "installed_assets",
        "assets",
        "int64",
        "Assets (installed equipment) with an install date before the cutoff.",
        0,
    ),
    _feature(
        "telemetry",
        "assets_installed_365d",
        "assets",
        "int64",
        "Assets installed in the last 365 days: a growing fleet.",
        0,
    ),
    _feature(
        "telemetry",
        "usage_30d",
        "metric units",
        "float64",
        "Sum of the usage readings (metric run_hours unless chosen otherwise) in the "
        "last 30 days; missing when no reading arrived in the last 90 days.",
    ),
    _feature(
        "telemetry",
        "usage_trend",
        "ratio",
        "float64",
        "Daily usage in the last 30 days divided by daily usage in the 60 days before.",
    ),
    _feature(
        "telemetry",
        "alarms_90d",
        "alarms",
        "int64",
        "Alarms from the customer's equipment in the last 90 days.",
        0,
    ),
    _feature(
        "problems",
        "recurring_problems_90d",
        "problems",
        "int64",
        "Recurring problems (candidate or owned, from the latest detection run) with at "
        "least 2 of the account's tickets in the last 90 days.",
        0,
    ),
)

_PLANS: tuple[Feature, ...] = (
    _feature(
        "plans",
        "days_since_plan_review",
        "days",
        "int64",
        "Days since the success plan was last reviewed with the customer: the latest review "
        "before the cutoff, or the plan's creation when it had none (missing without a plan).",
    ),
    _feature(
        "plans",
        "has_success_plan",
        "yes/no",
        "boolean",
        "Whether the customer had a success plan before the cutoff.",
        0,
    ),
)
_ALL = (*_ALL, *_PLANS)

FEATURES: dict[str, Feature] = {feature.name: feature for feature in _ALL}
"""Every feature by name, in output order."""
