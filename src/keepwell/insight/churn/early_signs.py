"""Early signs of leaving, each measured against the customer's own past or its peers.

A customer on its way out rarely stops at once: it orders less than it used to, the
conversations thin out, it suffers more late deliveries than other customers do at the
same time, or a detractor's answer goes unanswered. These churn features compare an
account with its own usual level (so a small customer ordering rarely is not mistaken
for one drifting away) or with everyone in the same window (so a supply crunch that hits
everyone is not mistaken for a problem of one account). Only data dated before the
cutoff is used, as for every registered feature.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from keepwell.insight.features import KEYS, Block, Feature, Frame
from keepwell.insight.features.frame import keyed, ratio
from keepwell.insight.features.orders import live_orders
from keepwell.record.warning_signs import CUES

LATE_DAYS = 7
"""An order is late when it came this many days or more after its promised day."""
RECENT_ORDER_DAYS = 180
USUAL_ORDER_DAYS = 720
"""Orders of the last 180 days against the rate of the up to 540 days before them."""
RECENT_RATE_DAYS = 90
"""Orders of the last 90 days against the same usual level (a sharper, later sign)."""
RECENT_LATE_DAYS = 180
RECENT_QUOTE_DAYS = 180
USUAL_QUOTE_DAYS = 720
"""RFQ answers of the last 180 days against those of the up to 540 days before them."""
RECENT_TOUCH_DAYS = 90
USUAL_TOUCH_DAYS = 455
"""Interactions of the last 90 days against the rate of the up to 365 days before them."""
MIN_USUAL_DAYS = 90
"""Days of earlier history needed before a usual level is known."""
DELIVERY_DAYS = 365
FOLLOW_UP_DAYS = 14
DETRACTOR_DAYS = 180
DETRACTOR_SCORE = 6
WARNING_NOTE_DAYS = 180
WARNING_NOTES = "warning_notes_180d"
USAGE_METRIC = "run_hours"
RECENT_USAGE_DAYS = 30
USAGE_WINDOW_DAYS = 365
MIN_USUAL_USAGE_DAYS = 30
"""Machine usage of the last 30 days against the daily level from the first reading within
365 days up to 31 days ago, once at least 30 earlier days are covered: the platform may
keep only a year of readings, so the usual level is taken from what the window holds."""


def _feature(name: str, description: str, unit: str, dtype: str, group: str) -> Feature:
    fill = 0 if dtype == "int64" else None
    return Feature(name, description, unit, dtype, group, fill)  # type: ignore[arg-type]


EARLY_SIGN_FEATURES: dict[str, Feature] = {
    feature.name: feature
    for feature in (
        _feature(
            "orders_180d_vs_usual",
            "Ordering against its usual rate: orders in the last 180 days divided by the "
            "customer's usual number of orders in 180 days (from the up to 540 days before; "
            "missing with less than 90 days of earlier history or no earlier order).",
            "ratio",
            "float64",
            "orders",
        ),
        _feature(
            "revenue_180d_vs_usual",
            "Order value against its usual level: order value in the last 180 days divided "
            "by the customer's usual order value in 180 days (from the up to 540 days before).",
            "ratio",
            "float64",
            "orders",
        ),
        _feature(
            "orders_90d_vs_usual",
            "Recent ordering against its usual rate: orders in the last 90 days divided by "
            "the customer's usual number of orders in 90 days (from the 91 to 720 days "
            "before; missing with less than 90 days of earlier history or no earlier order).",
            "ratio",
            "float64",
            "orders",
        ),
        _feature(
            "quote_turnaround_vs_usual",
            "RFQ answers slower than usual: the mean days to answer the RFQs received in the "
            "last 180 days minus the mean for those received in the 181 to 720 days before "
            "(only RFQs answered before the cutoff; missing without both).",
            "days",
            "float64",
            "quotes",
        ),
        _feature(
            "interactions_90d_vs_usual",
            "Contact against its usual level: calls, visits, meetings, e-mails and notes in "
            "the last 90 days divided by the usual number in 90 days (from the up to 365 "
            "days before; missing with less than 90 days of earlier history or none then).",
            "ratio",
            "float64",
            "interactions",
        ),
        _feature(
            "late_delivery_share_365d",
            f"Late deliveries: of the orders promised in the last 365 days, the share that "
            f"came {LATE_DAYS} or more days after the promised day (or were still missing "
            f"that long after it at the cutoff).",
            "share",
            "float64",
            "deliveries",
        ),
        _feature(
            "late_share_vs_everyone_365d",
            "Late deliveries against other customers: the account's late-delivery share of "
            "the last 365 days minus that of every customer's orders in the same window "
            "(above 0: hit harder than others).",
            "share",
            "float64",
            "deliveries",
        ),
        _feature(
            "late_share_vs_everyone_180d",
            f"Recent late deliveries against other customers: of the orders promised in the "
            f"last 180 days, the share that came {LATE_DAYS} or more days late, minus that "
            f"share over every customer's orders in the same window.",
            "share",
            "float64",
            "deliveries",
        ),
        _feature(
            "usage_30d_vs_usual",
            f"Machine use against its usual level: daily run hours of the customer's "
            f"machines in the last {RECENT_USAGE_DAYS} days divided by their daily run hours "
            f"from the first reading of the last {USAGE_WINDOW_DAYS} days up to "
            f"{RECENT_USAGE_DAYS + 1} days ago (missing with less than "
            f"{MIN_USUAL_USAGE_DAYS} days of earlier readings).",
            "ratio",
            "float64",
            "telemetry",
        ),
        _feature(
            "usage_vs_everyone",
            "Machine use against everyone's: the customer's use against its usual level "
            "divided by the same ratio over every customer's machines in the same windows "
            "(below 1: running down while others are not).",
            "ratio",
            "float64",
            "telemetry",
        ),
        _feature(
            "unanswered_detractors_180d",
            f"Detractors not followed up: NPS answers of {DETRACTOR_SCORE} or less in the "
            f"last 180 days after which no call, visit, meeting, e-mail or note followed "
            f"within {FOLLOW_UP_DAYS} days (answers younger than that are not counted yet).",
            "answers",
            "int64",
            "surveys",
        ),
        _feature(
            "warning_notes_180d",
            f"Warning notes: notes, calls, visits and e-mails of the last {WARNING_NOTE_DAYS} "
            "days whose subject or text records a warning sign (a competitor's offer, "
            "falling volumes, late deliveries, a complaint or escalation, talk of ending "
            "the business; see keepwell.record.warning_signs).",
            "notes",
            "int64",
            "interactions",
        ),
    )
}
"""The early-sign features by name, described like the registry's."""


def warning_kind_column(kind: str) -> str:
    """The column counting the warning notes of one kind (``warning_notes_180d_competitor``)."""
    return f"{WARNING_NOTES}_{kind}"


REASON_DETAILS: tuple[str, ...] = tuple(warning_kind_column(kind) for kind in CUES)
"""Columns the blocks compute for the reasons' sentences but the models do not learn
from: the warning notes of each kind (``warning_notes_180d_competitor``), so a reason
can say what the team wrote down while the models weigh one count."""


def _usual(count: ir.NumericValue, first_ago: ir.IntegerValue, recent: int, usual: int) -> ir.Value:
    """The usual amount per ``recent`` days from the window (recent, usual] days ago."""
    earlier_days = ibis.least(first_ago, usual) - recent
    per_window = count.cast("float64") * recent / earlier_days.cast("float64")
    return ibis.ifelse(earlier_days >= MIN_USUAL_DAYS, per_window, ibis.null("float64"))


def ordering_rate_features(frame: Frame) -> ir.Table:
    """Orders and order value of the last 180 days against the customer's usual level."""
    h = frame.history(live_orders(frame), "ordered_at")
    recent, earlier = (
        h.ago <= RECENT_ORDER_DAYS,
        h.ago.between(RECENT_ORDER_DAYS + 1, USUAL_ORDER_DAYS),
    )
    latest = h.ago <= RECENT_RATE_DAYS
    agg = keyed(
        h,
        first_ago=h.ago.max(),
        latest_orders=h.ago.count(where=latest),
        before_latest=h.ago.count(where=h.ago.between(RECENT_RATE_DAYS + 1, USUAL_ORDER_DAYS)),
        recent_orders=h.ago.count(where=recent),
        earlier_orders=h.ago.count(where=earlier),
        recent_value=h.amount.sum(where=recent).fill_null(0.0),
        earlier_value=h.amount.sum(where=earlier).fill_null(0.0),
    )
    usual = {
        "orders": _usual(agg.earlier_orders, agg.first_ago, RECENT_ORDER_DAYS, USUAL_ORDER_DAYS),
        "value": _usual(agg.earlier_value, agg.first_ago, RECENT_ORDER_DAYS, USUAL_ORDER_DAYS),
    }
    usual_90 = _usual(agg.before_latest, agg.first_ago, RECENT_RATE_DAYS, USUAL_ORDER_DAYS)
    return agg.select(
        *KEYS,
        orders_180d_vs_usual=ratio(agg.recent_orders, usual["orders"]),
        revenue_180d_vs_usual=ratio(agg.recent_value, usual["value"]),
        orders_90d_vs_usual=ratio(agg.latest_orders, usual_90),
    )


def quote_turnaround_features(frame: Frame) -> ir.Table:
    """Mean days to answer the last 180 days' RFQs against the customer's earlier ones."""
    h = frame.history(frame.table("quotes"), "received_at", USUAL_QUOTE_DAYS)
    answered = h.cutoff.delta(h.responded_at, unit="day") >= 1
    took = h.responded_at.delta(h.received_at, unit="day").cast("float64")
    recent = h.ago <= RECENT_QUOTE_DAYS
    agg = keyed(
        h,
        recent=took.mean(where=answered & recent),
        usual=took.mean(where=answered & ~recent),
    )
    return agg.select(*KEYS, quote_turnaround_vs_usual=agg.recent - agg.usual)


def interaction_rate_features(frame: Frame) -> ir.Table:
    """Interactions of the last 90 days against the customer's usual level."""
    h = frame.history(frame.table("interactions"), "occurred_at")
    agg = keyed(
        h,
        first_ago=h.ago.max(),
        recent=h.ago.count(where=h.ago <= RECENT_TOUCH_DAYS),
        earlier=h.ago.count(where=h.ago.between(RECENT_TOUCH_DAYS + 1, USUAL_TOUCH_DAYS)),
    )
    usual = _usual(agg.earlier, agg.first_ago, RECENT_TOUCH_DAYS, USUAL_TOUCH_DAYS)
    return agg.select(*KEYS, interactions_90d_vs_usual=ratio(agg.recent, usual))


def late_delivery_features(frame: Frame) -> ir.Table:
    """The account's late-delivery share of the last 365 days, and against everyone's."""
    orders = frame.table("orders")
    orders = orders.filter(orders.promised_at.notnull(), orders.status.fill_null("") != "cancelled")
    h = frame.history(orders, "promised_at", DELIVERY_DAYS)
    delivered_ago = h.cutoff.delta(h.delivered_at, unit="day")
    arrived = delivered_ago.fill_null(0) >= 1
    delay = ibis.ifelse(arrived, h.ago - delivered_ago, h.ago)
    h = h.mutate(decided=arrived | (h.ago >= LATE_DAYS), late=delay >= LATE_DAYS)
    recent = h.ago <= RECENT_LATE_DAYS
    counts = {
        "due": h.ago.count(where=h.decided),
        "late": h.ago.count(where=h.late),
        "due_recent": h.ago.count(where=h.decided & recent),
        "late_recent": h.ago.count(where=h.late & recent),
    }
    own = keyed(h, **counts)
    everyone = h.group_by("cutoff").aggregate(**{f"all_{k}": v for k, v in counts.items()})
    joined = own.join(everyone, own.cutoff == everyone.cutoff)
    share = ratio(joined.late, joined.due)
    recent_share = ratio(joined.late_recent, joined.due_recent)
    return joined.select(
        account_id=joined.account_id,
        cutoff=own.cutoff,
        late_delivery_share_365d=share,
        late_share_vs_everyone_365d=share - ratio(joined.all_late, joined.all_due),
        late_share_vs_everyone_180d=recent_share
        - ratio(joined.all_late_recent, joined.all_due_recent),
    )


def detractor_follow_up_features(frame: Frame) -> ir.Table:
    """NPS detractors of the last 180 days that no interaction followed within 14 days."""
    surveys = frame.table("survey_responses")
    detractors = surveys.filter(surveys.kind == "nps", surveys.score <= DETRACTOR_SCORE)
    h = frame.history(detractors, "responded_at", DETRACTOR_DAYS)
    h = h.filter(h.ago > FOLLOW_UP_DAYS)
    touches = frame.table("interactions")
    touches = touches.select(touch_account=touches.account_id, touched_at=touches.occurred_at)
    after = touches.touched_at.date().delta(h.responded_at.date(), unit="day")
    followed = h.semi_join(
        touches,
        [
            h.account_id == touches.touch_account,
            touches.touched_at >= h.responded_at,
            after <= FOLLOW_UP_DAYS,
        ],
    )
    marked = followed.select(followed_id=followed.id, followed_cutoff=followed.cutoff)
    both = h.left_join(marked, [h.id == marked.followed_id, h.cutoff == marked.followed_cutoff])
    agg = keyed(both, unanswered=both.ago.count(where=both.followed_id.isnull()))
    return agg.select(*KEYS, unanswered_detractors_180d=agg.unanswered.cast("int64"))


def usage_level_features(frame: Frame) -> ir.Table:
    """Run hours of the last 30 days against the customer's usual level, and against everyone's.

    The usual level is the daily usage from the account's first reading in the window
    (at most 365 days back) up to 31 days ago, so a year of readings is enough; dividing
    by the same ratio over every account's machines takes out what hits everyone at once
    (holidays, the summer stop).
    """
    events, assets = frame.table("telemetry_events"), frame.table("assets")
    owners = assets.select(asset_key=assets.id, account_id=assets.account_id)
    readings = events.filter(events.metric == USAGE_METRIC, events.value.notnull())
    readings = readings.join(owners, readings.asset_id == owners.asset_key)
    h = frame.history(readings, "ts", USAGE_WINDOW_DAYS)
    recent = h.ago <= RECENT_USAGE_DAYS
    agg = keyed(
        h,
        first_ago=h.ago.max(),
        recent=h.value.sum(where=recent).fill_null(0.0),
        earlier=h.value.sum(where=~recent).fill_null(0.0),
    )
    earlier_days = agg.first_ago - RECENT_USAGE_DAYS
    known = earlier_days >= MIN_USUAL_USAGE_DAYS
    agg = agg.mutate(
        recent_daily=ibis.ifelse(known, agg.recent / RECENT_USAGE_DAYS, ibis.null("float64")),
        usual_daily=ibis.ifelse(
            known, agg.earlier / earlier_days.cast("float64"), ibis.null("float64")
        ),
    )
    everyone = agg.group_by("cutoff").aggregate(
        all_recent=agg.recent_daily.sum(), all_usual=agg.usual_daily.sum()
    )
    joined = agg.join(everyone, agg.cutoff == everyone.cutoff)
    own = ratio(joined.recent_daily, joined.usual_daily)
    return joined.select(
        account_id=joined.account_id,
        cutoff=agg.cutoff,
        usage_30d_vs_usual=own,
        usage_vs_everyone=own / ratio(joined.all_recent, joined.all_usual),
    )


def warning_note_features(frame: Frame) -> ir.Table:
    """Interactions of the last 180 days that record a warning sign, and of each kind."""
    touches = frame.table("interactions")
    touches = touches.mutate(signs=touches.warning_signs.fill_null(""))
    h = frame.history(touches.filter(touches.signs != ""), "occurred_at", WARNING_NOTE_DAYS)
    kinds = {warning_kind_column(k): h.ago.count(where=h.signs.contains(k)) for k in CUES}
    agg = keyed(h, notes=h.ago.count(), **kinds)
    return agg.select(
        *KEYS,
        **{WARNING_NOTES: agg.notes.cast("int64")},
        **{name: agg[name].cast("int64") for name in kinds},
    )


EARLY_SIGN_BLOCKS: tuple[Block, ...] = (
    ordering_rate_features,
    quote_turnaround_features,
    interaction_rate_features,
    late_delivery_features,
    detractor_follow_up_features,
    usage_level_features,
    warning_note_features,
)
"""The blocks computing :data:`EARLY_SIGN_FEATURES`."""
