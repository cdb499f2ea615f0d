"""One plain-language sentence per group of churn features, from the feature values.

Each template reads the values of its group's features (named as in ``FEATURES`` and the
churn extras) and returns a sentence, or None when the values do not show a problem a
salesperson would recognise (a driver that pushes risk up without a bad value gives no
reason rather than a confusing one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from keepwell.insight.churn.early_signs import WARNING_NOTES, warning_kind_column
from keepwell.record.warning_signs import CUES
from keepwell.record.warning_signs import in_words as warning_words

Values = Mapping[str, float | None]
Template = Callable[[Values], str | None]


@dataclass(frozen=True)
class ReasonGroup:
    """Features explained together, and the template that explains them."""

    key: str
    features: tuple[str, ...]
    template: Template


def _n(values: Values, name: str) -> float:
    value = values.get(name)
    return 0.0 if value is None else float(value)


def _has(values: Values, name: str) -> bool:
    return values.get(name) is not None


def _plural(count: float, word: str, plural: str | None = None) -> str:
    number = round(count)
    return f"{number} {word if number == 1 else (plural or word + 's')}"


def _months(days: float) -> str:
    months = round(days / 30.4)
    if months < 1:
        return _plural(days, "day")
    return _plural(months, "month")


def complaints(v: Values) -> str | None:
    """Complaints in 90 days and how many repeat one on the same product line."""
    recent, year, repeats = (
        _n(v, "complaints_90d"),
        _n(v, "complaints_365d"),
        _n(v, "repeat_complaints_90d"),
    )
    if recent >= 1:
        text = f"{_plural(recent, 'complaint')} in the last 90 days"
        if repeats >= 1:
            text += f", {round(repeats)} repeating an earlier one on the same product line"
        return text
    if year >= 2:
        return f"{round(year)} complaints in the last 12 months"
    return None


def tickets(v: Values) -> str | None:
    """Open tickets that wait long, or many tickets, or severe ones."""
    open_, oldest = _n(v, "open_tickets"), _n(v, "oldest_open_ticket_days")
    if open_ >= 1 and oldest >= 14:
        return f"{_plural(open_, 'ticket')} still open, the oldest for {round(oldest)} days"
    if _n(v, "tickets_90d") >= 3:
        return f"{round(_n(v, 'tickets_90d'))} tickets in the last 90 days"
    if _n(v, "mean_ticket_severity_365d") >= 2.5 and _n(v, "tickets_365d") >= 2:
        return "most tickets in the last 12 months were of high or critical severity"
    return None


def order_gap(v: Values) -> str | None:
    """How long since the last order, against the customer's own rhythm."""
    days, ratio, usual = (
        _n(v, "days_since_last_order"),
        _n(v, "gap_ratio"),
        _n(v, "mean_order_gap_days"),
    )
    if _has(v, "gap_ratio") and ratio >= 1.3 and usual > 0:
        return (
            f"no order for {ratio:.1f}× its usual interval "
            f"({round(days)} days; usually every {round(usual)})"
        )
    if days >= 90:
        return f"no order for {round(days)} days"
    return None


_YEAR = "the previous 12 months"
_QUARTER = "the same quarter last year"


def order_trend(v: Values) -> str | None:
    """The steepest fall in orders or order value against the year before."""
    falls = [
        (v.get("revenue_365d_vs_prior_year"), "order value", _YEAR),
        (v.get("orders_365d_vs_prior_year"), "orders", _YEAR),
        (v.get("revenue_90d_vs_last_year"), "order value", _QUARTER),
        (v.get("orders_90d_vs_last_year"), "orders", _QUARTER),
    ]
    measured = [(ratio, what, when) for ratio, what, when in falls if ratio is not None]
    if not measured:
        return None
    ratio, what, when = min(measured, key=lambda item: item[0])
    if ratio > 0.8:
        return None
    if ratio == 0:
        window = "12 months" if when == _YEAR else "90 days"
        return f"no order in the last {window}, though it ordered in {when}"
    return f"{what} down {round((1 - ratio) * 100)}% on {when}"


def quotes(v: Values) -> str | None:
    """Lost quotes."""
    rate = v.get("quote_win_rate_365d")
    if rate is None or rate > 0.5:
        return None
    if rate == 0:
        return "every quote decided in the last 12 months was lost"
    return f"only {round(rate * 100)}% of the last 12 months' decided quotes were won"


def payments(v: Values) -> str | None:
    """Overdue invoices, or invoices paid late."""
    overdue = _n(v, "overdue_invoices")
    if overdue >= 1:  # no amount: reasons reach every role (tasks, digests); money is data
        return f"{_plural(overdue, 'invoice')} overdue"
    share, late = v.get("late_invoice_share_365d"), _n(v, "mean_days_late_365d")
    if share is not None and share >= 0.25 and late >= 5:
        return (
            f"{round(share * 100)}% of the last 12 months' invoices paid late, "
            f"{late:.0f} days on average"
        )
    return None


def _score_fell(v: Values, kind: str, low: float, scale: str) -> str | None:
    last, change = v.get(f"last_{kind}"), v.get(f"{kind}_change")
    label = kind.upper()
    if last is None:
        return None
    if change is not None and change <= -2:
        return f"{label} fell from {last - change:.0f} to {last:.0f}"
    if last <= low:
        return f"last {label} answer {last:.0f}{scale}"
    return None


def nps(v: Values) -> str | None:
    """A falling or detractor NPS."""
    return _score_fell(v, "nps", 6, " (a detractor)")


def csat(v: Values) -> str | None:
    """A falling or low CSAT."""
    return _score_fell(v, "csat", 2, " out of 5")


def interactions(v: Values) -> str | None:
    """Silence between the company and the customer, or far less contact than usual."""
    days = v.get("days_since_last_interaction")
    if days is not None and days >= 60:
        return f"no call, visit or e-mail for {round(days)} days"
    if _n(v, "interactions_90d") == 0:
        return "no call, visit or e-mail in the last 90 days"
    usual = v.get("interactions_90d_vs_usual")
    if usual is not None and usual <= 0.5:
        return (
            f"calls, visits and e-mails in the last 90 days down {round((1 - usual) * 100)}% "
            "on the usual level"
        )
    return None


def ordering_rate(v: Values) -> str | None:
    """Orders or order value well below the customer's own usual level."""
    measured = [
        (ratio, what)
        for ratio, what in (
            (v.get("orders_180d_vs_usual"), "orders"),
            (v.get("revenue_180d_vs_usual"), "order value"),
        )
        if ratio is not None
    ]
    if not measured:
        return None
    ratio, what = min(measured, key=lambda item: item[0])
    if ratio > 0.7:
        return None
    if ratio == 0:
        return "no order in the last 6 months, though it used to order regularly"
    return f"{what} in the last 6 months at {round(ratio * 100)}% of its usual level"


def follow_up(v: Values) -> str | None:
    """Detractors nobody called back."""
    count = _n(v, "unanswered_detractors_180d")
    if count < 1:
        return None
    answers = _plural(count, "unhappy NPS answer")
    return f"{answers} in the last 6 months had no call, visit or e-mail within two weeks"


def warning_notes(v: Values) -> str | None:
    """Notes by the account team that warn of something, and of what."""
    count = _n(v, WARNING_NOTES)
    if count < 1:
        return None
    notes = f"{_plural(count, 'note')} by the account team in the last 6 months"
    kinds = [kind for kind in CUES if _n(v, warning_kind_column(kind)) >= 1]
    if not kinds:
        return f"{notes} {'records' if round(count) == 1 else 'record'} a warning sign"
    return f"{notes} {'warns' if round(count) == 1 else 'warn'} of {warning_words(kinds)}"


def contacts(v: Values) -> str | None:
    """Contacts who left the customer, or too few engaged ones."""
    left, engaged = _n(v, "contacts_left_180d"), _n(v, "engaged_contacts_180d")
    if left >= 1:
        return f"{_plural(left, 'contact')} left the customer in the last 6 months"
    if engaged < 1:
        return "no contact at the customer engaged in the last 6 months"
    if engaged == 1:
        return "only one contact engaged in the last 6 months"
    return None


def team(v: Values) -> str | None:
    """Departures from the account team, or a relationship hanging on one person."""
    since = v.get("days_since_team_departure")
    if since is not None:
        text = f"an account-team member left the company {_months(since)} ago"
        if _n(v, "team_joins_since_departure") == 0:
            text += " and nobody replaced them"
        return text
    if _n(v, "team_departures_180d") >= 1:
        return f"{_plural(_n(v, 'team_departures_180d'), 'account-team member')} left recently"
    if _n(v, "single_threaded") >= 1:
        return "the relationship hangs on one person"
    return None


def handoff(v: Values) -> str | None:
    """Broken promises on quotes, or slow answers to RFQs."""
    broken = _n(v, "broken_promises_365d")
    if broken >= 1:
        orders = _plural(broken, "order", "orders")
        return f"{orders} on a quote in the last 12 months came later than promised"
    took = v.get("quote_turnaround_days_365d")
    if took is not None and took >= 10 and _n(v, "quotes_answered_365d") >= 1:
        return f"our quotes took {round(took)} days on average to answer"
    return None


def equipment(v: Values) -> str | None:
    """Falling usage of the customer's machines, or many alarms."""
    usual, versus = v.get("usage_30d_vs_usual"), v.get("usage_vs_everyone")
    if usual is not None and versus is not None and versus <= 0.85:
        return (
            f"its machines ran {round(usual * 100)}% of their usual hours in the last 30 days, "
            "well below other customers' machines"
        )
    trend = v.get("usage_trend")
    if trend is not None and trend <= 0.8:
        return f"usage down {round((1 - trend) * 100)}% vs the previous 60 days"
    alarms = _n(v, "alarms_90d")
    if alarms >= 3:
        return f"{round(alarms)} machine alarms in the last 90 days"
    return None


def spare_parts(v: Values) -> str | None:
    """Spare parts bought less than the year before."""
    ratio = v.get("spare_parts_365d_vs_prior_year")
    if ratio is None or ratio > 0.7:
        return None
    return f"spare-parts orders down {round((1 - ratio) * 100)}% on the year before"


def fleet(v: Values) -> str | None:
    """No installed equipment of ours ties the customer to us."""
    if v.get("installed_assets") is not None and _n(v, "installed_assets") == 0:
        return "no machine of ours installed at the customer"
    return None


def deliveries(v: Values) -> str | None:
    """Late deliveries, and whether this customer got more of them than the others."""
    share, versus = v.get("late_delivery_share_365d"), v.get("late_share_vs_everyone_365d")
    if share is not None and versus is not None and share >= 0.3 and versus >= 0.1:
        return (
            f"{round(share * 100)}% of the last 12 months' deliveries came a week or more "
            f"late, against {round((share - versus) * 100)}% for all customers"
        )
    late, due = _n(v, "late_deliveries_180d"), _n(v, "deliveries_due_180d")
    if late < 1:
        return None
    deliveries = _plural(due, "delivery", "deliveries")
    return f"{round(late)} of {deliveries} in the last 6 months came a week or more late"


def tenure(v: Values) -> str | None:
    """A young account."""
    days = v.get("tenure_days")
    if days is None or days >= 365:
        return None
    return f"a new customer: {_months(days)} with us"


def recurring_problems(v: Values) -> str | None:
    """Recurring problems that keep hitting the customer."""
    count = _n(v, "recurring_problems_90d")
    if count < 1:
        return None
    return f"{_plural(count, 'recurring problem')} hit this customer in the last 90 days"


PLAN_REVIEW_DUE_DAYS = 120
"""A success plan not reviewed for this long is worth a sentence (a quarter and a month)."""


def plans(v: Values) -> str | None:
    """A success plan nobody has reviewed with the customer for months."""
    days = v.get("days_since_plan_review")
    if days is None or days < PLAN_REVIEW_DUE_DAYS:
        return None
    return f"the success plan was last reviewed {_months(days)} ago"


GROUPS: tuple[ReasonGroup, ...] = (
    ReasonGroup(
        "complaints", ("complaints_90d", "complaints_365d", "repeat_complaints_90d"), complaints
    ),
    ReasonGroup(
        "tickets",
        (
            "tickets_90d",
            "tickets_365d",
            "mean_ticket_severity_365d",
            "open_tickets",
            "oldest_open_ticket_days",
            "open_ticket_mean_age_days",
        ),
        tickets,
    ),
    ReasonGroup(
        "order_gap", ("days_since_last_order", "gap_ratio", "mean_order_gap_days"), order_gap
    ),
    ReasonGroup(
        "order_trend",
        (
            "orders_90d",
            "orders_365d",
            "revenue_90d",
            "revenue_365d",
            "orders_90d_vs_last_year",
            "revenue_90d_vs_last_year",
            "orders_365d_vs_prior_year",
            "revenue_365d_vs_prior_year",
        ),
        order_trend,
    ),
    ReasonGroup("quotes", ("quotes_365d", "quote_win_rate_365d"), quotes),
    ReasonGroup(
        "handoff",
        (
            "quote_turnaround_days_365d",
            "quotes_answered_365d",
            "broken_promises_365d",
            "quote_turnaround_vs_usual",
        ),
        handoff,
    ),
    ReasonGroup(
        "payments",
        ("late_invoice_share_365d", "mean_days_late_365d", "overdue_invoices", "overdue_amount"),
        payments,
    ),
    ReasonGroup("nps", ("last_nps", "nps_change"), nps),
    ReasonGroup("csat", ("last_csat", "csat_change"), csat),
    ReasonGroup(
        "interactions",
        ("days_since_last_interaction", "interactions_90d", "interactions_90d_vs_usual"),
        interactions,
    ),
    ReasonGroup(
        "ordering_rate",
        ("orders_180d_vs_usual", "revenue_180d_vs_usual", "orders_90d_vs_usual"),
        ordering_rate,
    ),
    ReasonGroup("follow_up", ("unanswered_detractors_180d",), follow_up),
    ReasonGroup("warning_notes", (WARNING_NOTES,), warning_notes),
    ReasonGroup(
        "contacts", ("active_contacts", "contacts_left_180d", "engaged_contacts_180d"), contacts
    ),
    ReasonGroup(
        "team",
        (
            "team_size",
            "team_departures_180d",
            "single_threaded",
            "days_since_team_departure",
            "team_joins_since_departure",
        ),
        team,
    ),
    ReasonGroup(
        "equipment",
        ("usage_30d", "usage_trend", "usage_30d_vs_usual", "usage_vs_everyone", "alarms_90d"),
        equipment,
    ),
    ReasonGroup("spare_parts", ("spare_parts_365d_vs_prior_year",), spare_parts),
    ReasonGroup("fleet", ("installed_assets", "assets_installed_365d"), fleet),
    ReasonGroup(
        "deliveries",
        (
            "deliveries_due_180d",
            "late_deliveries_180d",
            "late_delivery_share_365d",
            "late_share_vs_everyone_365d",
            "late_share_vs_everyone_180d",
        ),
        deliveries,
    ),
    ReasonGroup("tenure", ("tenure_days",), tenure),
    ReasonGroup("recurring_problems", ("recurring_problems_90d",), recurring_problems),
    ReasonGroup("plans", ("days_since_plan_review", "has_success_plan"), plans),
)
"""Every group; together they cover every feature the time-based model uses."""
