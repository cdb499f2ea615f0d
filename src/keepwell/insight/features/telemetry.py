"""Equipment features: usage readings and alarms from the customer's connected assets.

Usage is the sum of the readings of one metric (``run_hours`` unless the pipeline is
told another; ``None`` takes every metric). Events reach an account through their asset.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from keepwell.insight.features.frame import Frame, keyed, ratio

RECENT_DAYS = 30
PRIOR_DAYS = 60


def _events_by_account(frame: Frame) -> ir.Table:
    events, assets = frame.table("telemetry_events"), frame.table("assets")
    owners = assets.select(asset_key=assets.id, account_id=assets.account_id)
    return events.join(owners, events.asset_id == owners.asset_key).drop("asset_key")


def fleet_features(frame: Frame) -> ir.Table:
    """Installed equipment: assets installed before the cutoff, and in its last 365 days."""
    assets = frame.table("assets")
    h = frame.history(assets.filter(assets.installed_at.notnull()), "installed_at")
    return keyed(
        h, installed_assets=h.ago.count(), assets_installed_365d=h.ago.count(where=h.ago <= 365)
    )


def telemetry_features(frame: Frame) -> ir.Table:
    """Usage in the last 30 days, its trend against the 60 days before, alarms in 90 days."""
    h = frame.history(_events_by_account(frame), "ts", horizon=RECENT_DAYS + PRIOR_DAYS)
    metric = h.metric.fill_null("")
    chosen = metric != "" if frame.usage_metric is None else metric == frame.usage_metric
    reading = chosen & h.value.notnull()
    recent = h.ago <= RECENT_DAYS
    agg = keyed(
        h,
        readings_90d=h.ago.count(where=reading),
        usage_recent=h.value.sum(where=reading & recent).fill_null(0.0),
        usage_prior=h.value.sum(where=reading & ~recent).fill_null(0.0),
        alarms_90d=h.ago.count(where=h.alarm_code.fill_null("") != ""),
    )
    has_readings = agg.readings_90d > 0
    return agg.mutate(
        usage_30d=ibis.ifelse(has_readings, agg.usage_recent, ibis.null("float64")),
        usage_trend=ratio(agg.usage_recent / RECENT_DAYS, agg.usage_prior / PRIOR_DAYS),
    )
