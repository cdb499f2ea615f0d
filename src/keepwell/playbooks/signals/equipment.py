"""Signals on installed equipment: usage decline and alarm spikes.

Both read :func:`keepwell.telemetry.health.account_usage_trends`, the account roll-up of
asset health (the last 30 days against the 60 days before), so the playbooks, the asset
health page and the account page agree on what a decline is.
"""

from __future__ import annotations

from pydantic import Field

from keepwell.playbooks.core import Context, Hit, Params, Signal
from keepwell.telemetry.health import USAGE_METRIC, AccountUsageTrend, account_usage_trends


def _trends(ctx: Context, metric: str) -> list[AccountUsageTrend]:
    return [
        t
        for t in account_usage_trends(ctx.session, ctx.today, metric=metric)
        if t.account_id in ctx.accounts
    ]


class UsageParams(Params):
    min_drop: float = Field(default=0.3, gt=0, lt=1)
    metric: str = USAGE_METRIC


class UsageDecline(Signal[UsageParams]):
    """The account's equipment usage of the last 30 days fell ``min_drop`` on its baseline."""

    name = "usage_decline"
    description = "Usage of the last 30 days down min_drop on the 60 days before (per 30 days)."
    params = UsageParams

    def find(self, ctx: Context, params: UsageParams) -> list[Hit]:
        hits = []
        for trend in _trends(ctx, params.metric):
            if trend.usage_change is None or -trend.usage_change < params.min_drop:
                continue
            drop = -trend.usage_change
            summary = (
                f"{params.metric} on {trend.assets} machine(s) down {drop:.0%} "
                f"({trend.usage_30d:.0f} in 30 days, {trend.baseline_30d:.0f} usual)"
            )
            facts = {
                "metric": params.metric,
                "drop": round(drop, 3),
                "usage_30d": round(trend.usage_30d, 1),
                "baseline_30d": round(trend.baseline_30d or 0.0, 1),
                "downtime_days": trend.downtime_days,
            }
            hits.append(Hit(trend.account_id, f"usage:{params.metric}"[:255], summary, facts))
        return hits


class AlarmParams(Params):
    min_alarms: int = Field(default=5, ge=1)
    min_ratio: float = Field(default=3.0, gt=0)


class AlarmSpike(Signal[AlarmParams]):
    """Alarms per machine in 30 days ``min_ratio`` times the usual rate, ``min_alarms`` at least."""

    name = "alarm_spike"
    description = "Alarms in the last 30 days at least min_ratio times the baseline rate."
    params = AlarmParams

    def find(self, ctx: Context, params: AlarmParams) -> list[Hit]:
        hits = []
        for trend in _trends(ctx, USAGE_METRIC):
            if trend.alarms_30d < params.min_alarms:
                continue
            if trend.alarm_rate < params.min_ratio * trend.baseline_alarm_rate:
                continue
            summary = (
                f"{trend.alarms_30d} alarms in 30 days, {trend.alarm_rate:.1f} per machine "
                f"where {trend.baseline_alarm_rate:.1f} is usual"
            )
            facts = {
                "alarms": trend.alarms_30d,
                "rate": round(trend.alarm_rate, 2),
                "usual": round(trend.baseline_alarm_rate, 2),
            }
            hits.append(Hit(trend.account_id, "alarms", summary, facts))
        return hits
