"""Signals on installed equipment: usage decline and alarm spikes from telemetry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import Field
from sqlalchemy import case, func, select

from keepwell.playbooks.core import Context, Hit, Params, Signal
from keepwell.playbooks.signals.common import days_ago, end_of, start_of
from keepwell.record.models import Asset, TelemetryEvent


class UsageParams(Params):
    recent_days: int = Field(default=30, ge=1, le=365)
    baseline_days: int = Field(default=90, ge=1, le=730)
    min_drop: float = Field(default=0.3, gt=0, lt=1)
    metric: str | None = None


class UsageDecline(Signal[UsageParams]):
    """A machine's mean reading fell by ``min_drop`` against the period before."""

    name = "usage_decline"
    description = "Mean reading of the last recent_days down min_drop on the baseline before."
    params = UsageParams

    def find(self, ctx: Context, params: UsageParams) -> list[Hit]:
        cut = start_of(days_ago(ctx.today, params.recent_days - 1))
        begin = start_of(days_ago(ctx.today, params.recent_days + params.baseline_days - 1))
        event = TelemetryEvent
        recent = func.avg(case((event.ts >= cut, event.value)))
        before = func.avg(case((event.ts < cut, event.value)))
        query = (
            select(Asset.account_id, Asset.id, Asset.serial, event.metric, recent, before)
            .join(Asset, event.asset_id == Asset.id)
            .where(
                event.ts >= begin,
                event.ts < end_of(ctx.today),
                event.alarm_code == "",
                event.value.is_not(None),
            )
            .group_by(Asset.account_id, Asset.id, Asset.serial, event.metric)
        )
        if params.metric:
            query = query.where(event.metric == params.metric)
        return list(_usage_hits(ctx, ctx.session.execute(query), params))


def _usage_hits(ctx: Context, rows: Iterable[Any], params: UsageParams) -> Iterable[Hit]:
    for account_id, asset_id, serial, metric, recent, before in rows:
        if account_id not in ctx.accounts or recent is None or not before or before <= 0:
            continue
        drop = 1 - float(recent) / float(before)
        if drop >= params.min_drop:
            summary = (
                f"{metric} on {serial} down {drop:.0%} on the {params.baseline_days} days before"
            )
            facts = {"asset": serial, "metric": metric, "drop": round(drop, 3)}
            yield Hit(account_id, f"usage:{asset_id}:{metric}"[:255], summary, facts)


class AlarmParams(Params):
    recent_days: int = Field(default=14, ge=1, le=365)
    baseline_days: int = Field(default=90, ge=1, le=730)
    min_alarms: int = Field(default=5, ge=1)
    min_ratio: float = Field(default=3.0, gt=0)


class AlarmSpike(Signal[AlarmParams]):
    """A machine raised ``min_ratio`` times its usual alarm rate (and ``min_alarms`` at least)."""

    name = "alarm_spike"
    description = "Alarms in recent_days at least min_ratio times the baseline rate."
    params = AlarmParams

    def find(self, ctx: Context, params: AlarmParams) -> list[Hit]:
        cut = start_of(days_ago(ctx.today, params.recent_days - 1))
        begin = start_of(days_ago(ctx.today, params.recent_days + params.baseline_days - 1))
        event = TelemetryEvent
        recent = func.sum(case((event.ts >= cut, 1), else_=0))
        before = func.sum(case((event.ts < cut, 1), else_=0))
        query = (
            select(Asset.account_id, Asset.id, Asset.serial, recent, before)
            .join(Asset, event.asset_id == Asset.id)
            .where(event.ts >= begin, event.ts < end_of(ctx.today), event.alarm_code != "")
            .group_by(Asset.account_id, Asset.id, Asset.serial)
        )
        hits = []
        scale = params.recent_days / params.baseline_days
        for account_id, asset_id, serial, now, earlier in ctx.session.execute(query):
            usual = (earlier or 0) * scale
            if (
                account_id in ctx.accounts
                and now >= params.min_alarms
                and (now >= params.min_ratio * usual)
            ):
                summary = (
                    f"{now} alarms on {serial} in {params.recent_days} days ({usual:.1f} usual)"
                )
                hits.append(
                    Hit(
                        account_id,
                        f"alarms:{asset_id}",
                        summary,
                        {"asset": serial, "alarms": int(now), "usual": round(usual, 1)},
                    )
                )
        return hits
