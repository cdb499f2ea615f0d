"""Asset health from the daily rollups: utilisation against the asset's own baseline and its
fleet, run hours, alarm rate, downtime with attribution, trend; rolled up to the account.

Windows end on ``as_of``: the recent 30 days against the 60 days before (the baseline).
A downtime day is a day without usage after the asset first reported; it is attributed
to a machine fault when an alarm was raised that day or the day before, otherwise to a
customer-side stop.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select, true
from sqlalchemy.orm import Session

from keepwell.db.prepared import prepared, read
from keepwell.record.models import Account, Asset
from keepwell.telemetry.models import TelemetryDaily

RECENT_DAYS = 30
BASELINE_DAYS = 60
WEEKS = 13
USAGE_METRIC = "run_hours"
ASSET_FILTER_LIMIT = 1000
"""Up to this many assets are filtered in SQL; a whole fleet is read in one pass."""


@dataclass
class AssetHealth:
    """The health of one asset on ``as_of``."""

    asset_id: int
    serial: str
    model: str | None
    account_id: int
    account: str
    usage_30d: float = 0.0
    baseline_30d: float | None = None
    usage_change: float | None = None
    vs_fleet: float | None = None
    run_hours: float = 0.0
    alarms_30d: int = 0
    critical_alarms_30d: int = 0
    baseline_alarms_30d: float = 0.0
    downtime_days: int = 0
    downtime_fault_days: int = 0
    downtime_customer_days: int = 0
    trend: str = "no data"
    weekly_usage: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The health as plain data."""
        return asdict(self)


@dataclass(frozen=True)
class AccountUsageTrend:
    """An account's equipment usage against its baseline and its alarm rate (the signal)."""

    account_id: int
    account: str
    assets: int
    usage_30d: float
    baseline_30d: float | None
    usage_change: float | None
    alarms_30d: int
    alarm_rate: float
    """Alarms per asset in the last 30 days."""
    baseline_alarm_rate: float
    """Alarms per asset per 30 days in the 60 days before."""
    downtime_days: int

    def as_dict(self) -> dict[str, Any]:
        """The trend as plain data."""
        return asdict(self)


def asset_health(
    session: Session, as_of: date, *, account_id: int | None = None, metric: str = USAGE_METRIC
) -> list[AssetHealth]:
    """Health of every asset (of one account, when given), ordered by serial number.

    Reads the daily rollups only (see :mod:`keepwell.telemetry.rollups`)."""
    assets = _assets(session, account_id)
    if not assets:
        return assets
    start = as_of - timedelta(days=max(RECENT_DAYS + BASELINE_DAYS, WEEKS * 7) - 1)
    ids = [h.asset_id for h in assets]
    values = {"assets": ids, "start": start, "end": as_of, "metric": metric}
    days = _daily(session, values)
    for health in assets:
        _fill(health, days.get(health.asset_id, {}), as_of)
    _fill_fleet(assets)
    _fill_run_hours(session, assets, values)
    return assets


def account_usage_trends(
    session: Session, as_of: date, *, metric: str = USAGE_METRIC
) -> list[AccountUsageTrend]:
    """Usage change against baseline and alarm rate of every account with connected assets.

    This is the input of the "usage decline" and "alarm spike" signals.
    """
    by_account: dict[int, list[AssetHealth]] = defaultdict(list)
    for health in asset_health(session, as_of, metric=metric):
        by_account[health.account_id].append(health)
    return [_account(healths) for healths in by_account.values()]


def _account(healths: list[AssetHealth]) -> AccountUsageTrend:
    first = healths[0]
    usage = sum(h.usage_30d for h in healths)
    baselines = [h.baseline_30d for h in healths if h.baseline_30d is not None]
    baseline = sum(baselines) if baselines else None
    prior_alarms = sum(h.baseline_alarms_30d for h in healths)
    return AccountUsageTrend(
        account_id=first.account_id,
        account=first.account,
        assets=len(healths),
        usage_30d=usage,
        baseline_30d=baseline,
        usage_change=_change(usage, baseline),
        alarms_30d=sum(h.alarms_30d for h in healths),
        alarm_rate=sum(h.alarms_30d for h in healths) / len(healths),
        baseline_alarm_rate=prior_alarms / len(healths),
        downtime_days=sum(h.downtime_days for h in healths),
    )


@prepared
def _asset_rows(one_account: bool) -> Select[*tuple[Any, ...]]:
    query = (
        select(Asset.id, Asset.serial, Asset.model, Asset.account_id, Account.name)
        .join(Account, Account.id == Asset.account_id)
        .order_by(Asset.serial)
    )
    return query.where(Asset.account_id == bindparam("account")) if one_account else query


def _assets(session: Session, account_id: int | None) -> list[AssetHealth]:
    rows = read(session, _asset_rows(account_id is not None), account=account_id)
    return [AssetHealth(r.id, r.serial, r.model, r.account_id, r.name) for r in rows]


@prepared
def _daily_rows(few: bool) -> Select[*tuple[Any, ...]]:
    d = TelemetryDaily
    return select(d.asset_id, d.day, d.metric, d.total, d.alarms, d.critical_alarms).where(
        d.day >= bindparam("start"),
        d.day <= bindparam("end"),
        d.metric.in_([bindparam("metric"), ""]),
        _of_assets(few),
    )


def _daily(
    session: Session, values: dict[str, Any]
) -> dict[int, dict[date, tuple[float, int, int]]]:
    """(usage, alarms, critical alarms) by asset and day."""
    found: dict[int, dict[date, tuple[float, int, int]]] = defaultdict(dict)
    wanted = set(values["assets"])
    for row in read(session, _daily_rows(_few(values["assets"])), **values):
        if row.asset_id not in wanted:
            continue
        usage, alarms, critical = found[row.asset_id].get(row.day, (0.0, 0, 0))
        if row.metric:
            usage += row.total
        found[row.asset_id][row.day] = (usage, alarms + row.alarms, critical + row.critical_alarms)
    return found


def _fill(health: AssetHealth, days: dict[date, tuple[float, int, int]], as_of: date) -> None:
    recent_start = as_of - timedelta(days=RECENT_DAYS - 1)
    base_start = recent_start - timedelta(days=BASELINE_DAYS)
    recent = {d: v for d, v in days.items() if d >= recent_start}
    prior = {d: v for d, v in days.items() if base_start <= d < recent_start}
    health.usage_30d = sum(v[0] for v in recent.values())
    if any(v[0] for v in prior.values()):
        health.baseline_30d = sum(v[0] for v in prior.values()) * RECENT_DAYS / BASELINE_DAYS
    health.usage_change = _change(health.usage_30d, health.baseline_30d)
    health.alarms_30d = sum(v[1] for v in recent.values())
    health.critical_alarms_30d = sum(v[2] for v in recent.values())
    health.baseline_alarms_30d = sum(v[1] for v in prior.values()) * RECENT_DAYS / BASELINE_DAYS
    _fill_downtime(health, days, recent_start, as_of)
    health.weekly_usage = _weekly(days, as_of)
    health.trend = _trend(health.weekly_usage)


def _fill_downtime(
    health: AssetHealth, days: dict[date, tuple[float, int, int]], start: date, as_of: date
) -> None:
    used = sorted(d for d, v in days.items() if v[0] > 0)
    if not used:
        return
    day = max(start, used[0])
    while day <= as_of:
        if days.get(day, (0.0, 0, 0))[0] <= 0:
            health.downtime_days += 1
            alarmed = days.get(day, (0, 0, 0))[1] + days.get(day - timedelta(days=1), (0, 0, 0))[1]
            if alarmed:
                health.downtime_fault_days += 1
            else:
                health.downtime_customer_days += 1
        day += timedelta(days=1)


def _weekly(days: dict[date, tuple[float, int, int]], as_of: date) -> list[float]:
    weeks = [0.0] * WEEKS
    for day, (usage, _a, _c) in days.items():
        index = WEEKS - 1 - (as_of - day).days // 7
        if 0 <= index < WEEKS:
            weeks[index] += usage
    return weeks


def _trend(weeks: list[float]) -> str:
    if not any(weeks):
        return "no data"
    n = len(weeks)
    mean_x, mean_y = (n - 1) / 2, sum(weeks) / n
    slope = sum((i - mean_x) * (w - mean_y) for i, w in enumerate(weeks)) / sum(
        (i - mean_x) ** 2 for i in range(n)
    )
    relative = slope * n / mean_y if mean_y else 0.0
    return "rising" if relative > 0.15 else "falling" if relative < -0.15 else "steady"


def _fill_fleet(assets: list[AssetHealth]) -> None:
    by_model: dict[str | None, list[float]] = defaultdict(list)
    for h in assets:
        if h.usage_30d > 0:
            by_model[h.model].append(h.usage_30d)
    for h in assets:
        peers = by_model.get(h.model)
        if peers:
            median = statistics.median(peers)
            h.vs_fleet = h.usage_30d / median if median else None


@prepared
def _run_hours(few: bool) -> Select[*tuple[Any, ...]]:
    d = TelemetryDaily
    return (
        select(d.asset_id, func.sum(d.total).label("total"))
        .where(d.metric == bindparam("metric"), d.day <= bindparam("end"), _of_assets(few))
        .group_by(d.asset_id)
    )


def _fill_run_hours(session: Session, assets: list[AssetHealth], values: dict[str, Any]) -> None:
    rows = read(session, _run_hours(_few(values["assets"])), **values)
    totals = {row.asset_id: float(row.total or 0.0) for row in rows}
    for h in assets:
        h.run_hours = totals.get(h.asset_id, 0.0)


def _few(asset_ids: list[int]) -> bool:
    """Whether the rollups of ``asset_ids`` are filtered in SQL (one account's assets)."""
    return len(asset_ids) <= ASSET_FILTER_LIMIT


def _of_assets(few: bool) -> ColumnElement[bool]:
    """Rollups of the ``assets`` parameter when they are few, else every asset's."""
    return TelemetryDaily.asset_id.in_(bindparam("assets", expanding=True)) if few else true()


def _change(value: float, baseline: float | None) -> float | None:
    return value / baseline - 1.0 if baseline else None


@dataclass(frozen=True)
class AssetDowntime:
    """One asset's reporting days and downtime days between two days, by cause."""

    serial: str
    model: str | None
    days: int
    """Days the asset was expected to run: from its first report (or ``start``) to ``end``."""
    fault_days: int
    customer_days: int

    @property
    def uptime(self) -> float | None:
        """The share (0–100) of expected days without downtime (None without reports)."""
        if not self.days:
            return None
        return 100.0 * (self.days - self.fault_days - self.customer_days) / self.days


def downtime_between(
    session: Session, account_id: int, start: date, end: date, *, metric: str = USAGE_METRIC
) -> list[AssetDowntime]:
    """The account's assets' downtime from ``start`` to ``end`` with the same attribution as
    :func:`asset_health`: a day after an alarm (that day or the day before) is a machine
    fault, any other day without usage a customer-side stop."""
    assets = _assets(session, account_id)
    if not assets:
        return []
    values = {
        "assets": [h.asset_id for h in assets],
        "start": start - timedelta(days=1),
        "end": end,
        "metric": metric,
    }
    days = _daily(session, values)
    found = []
    for health in assets:
        own = days.get(health.asset_id, {})
        _fill_downtime(health, own, start, end)
        used = [d for d, v in own.items() if v[0] > 0]
        expected = (end - max(start, min(used))).days + 1 if used else 0
        found.append(
            AssetDowntime(
                health.serial,
                health.model,
                expected,
                health.downtime_fault_days,
                health.downtime_customer_days,
            )
        )
    return found
