"""The fleet page (asset health), the telemetry page (dead letters, replay) and the
equipment-usage panel of the account page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from keepwell.record.schemas import Account360
from keepwell.rendering.charts import Bar, bar_chart
from keepwell.telemetry.deadletters import (
    REASONS,
    count_dead_letters,
    list_dead_letters,
    replay_dead_letters,
)
from keepwell.telemetry.health import WEEKS, AssetHealth, asset_health
from keepwell.telemetry.service import telemetry_stats
from keepwell.web.deps import CurrentUser, PageImporter, Principal, SessionDep, StateDep
from keepwell.web.export import Column, Format, export, percent, wants_export
from keepwell.web.lists import Order, currency, list_tools, matching, ordered
from keepwell.web.paging import pager
from keepwell.web.panels import account_panels
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
NO_DATA = "no data"
TRENDS = ("rising", "steady", "falling", NO_DATA)
ORDERS = {
    "account": Order("Account, A–Z", lambda h: (h.account.lower(), h.serial)),
    "serial": Order("Serial", lambda h: h.serial),
    "change": Order("Usage against baseline, lowest first", lambda h: h.usage_change),
    "usage": Order("Usage 30 days, highest first", lambda h: h.usage_30d, descending=True),
    "alarms": Order(
        "Alarms 30 days, most first", lambda h: (h.alarms_30d, h.critical_alarms_30d), True
    ),
    "downtime": Order("Downtime, longest first", lambda h: h.downtime_days, descending=True),
}
"""The fleet's orders."""


def fleet_ratio(health: AssetHealth) -> float | None:
    """Usage against the fleet of the same model; None for a machine without data."""
    if health.trend == NO_DATA or health.vs_fleet is None:
        return None
    return round(health.vs_fleet, 2)


COLUMNS = (
    Column("Serial", lambda h: h.serial),
    Column("Model", lambda h: h.model),
    Column("Account", lambda h: h.account),
    Column("Usage 30 days (h)", lambda h: round(h.usage_30d, 1)),
    Column("Usage against baseline %", lambda h: percent(h.usage_change)),
    Column(
        "Usage against fleet (×)",
        lambda h: fleet_ratio(h) if fleet_ratio(h) is not None else NO_DATA,
    ),
    Column("Run hours", lambda h: round(h.run_hours, 1)),
    Column("Alarms 30 days", lambda h: h.alarms_30d),
    Column("Critical alarms 30 days", lambda h: h.critical_alarms_30d),
    Column("Downtime days", lambda h: h.downtime_days),
    Column("Downtime days, fault", lambda h: h.downtime_fault_days),
    Column("Downtime days, customer", lambda h: h.downtime_customer_days),
    Column("Trend", lambda h: h.trend),
)
"""The fleet's export, the same figures as the table."""


def usage_chart(healths: list[AssetHealth], as_of: date, title: str) -> Markup:
    """Weekly usage of ``healths`` summed, the last 13 weeks up to ``as_of``."""
    bars = []
    for index in range(WEEKS):
        end = as_of - timedelta(days=7 * (WEEKS - 1 - index))
        total = sum(h.weekly_usage[index] for h in healths if h.weekly_usage)
        bars.append(Bar(f"{end:%d %b}", total, f"week to {end:%Y-%m-%d}: {total:,.1f} h"))
    return bar_chart(bars, title=title)


@router.get("/fleet")
def fleet_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    as_of: Annotated[date | None, Query()] = None,
    search: Annotated[str, Query(max_length=255)] = "",
    trend: Annotated[str, Query(pattern="^(|rising|steady|falling|no data)$")] = "",
    sort: Annotated[str, Query(pattern="^(|" + "|".join(ORDERS) + ")$")] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    format: Format = "",
) -> Response:
    """Every connected asset's health: usage against baseline and fleet, alarms, downtime.

    Searched by serial, model or account, filtered by trend, sorted and paged;
    ``format=csv`` or ``xlsx`` downloads every matching asset.
    """
    day = as_of or date.today()
    healths = asset_health(db, day)
    found = matching(healths, search, lambda h: (h.serial, h.model, h.account))
    if trend:
        found = [h for h in found if h.trend == trend]
    found = ordered(found, ORDERS[sort or "account"])
    if wants_export(format):
        return export(format, "fleet", COLUMNS, found, hidden=who.hidden, currency=currency())
    paging = pager(request, page, len(found))
    context = {
        "as_of": day,
        "healths": found[paging.offset : paging.offset + paging.per_page],
        "total": len(healths),
        "pager": paging,
        "chart": usage_chart(found, day, "Fleet run hours per week"),
        "declining": sum(1 for h in found if (h.usage_change or 0) <= -0.3),
        "filters": {"search": search, "trend": trend, "sort": sort or "account"},
        "orders": {k: o.label for k, o in ORDERS.items()},
        "trends": TRENDS,
        "tools": list_tools(request, db, who.user.id, "fleet"),
        "fleet_ratio": fleet_ratio,
    }
    return render(request, "fleet.html", context)


@router.get("/telemetry")
def telemetry_page(
    request: Request,
    who: PageImporter,
    db: SessionDep,
    reason: Annotated[str, Query(max_length=32)] = "",
    replayed: Annotated[int | None, Query(ge=0)] = None,
    pending: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """Ingest statistics and the dead letters, with the reason each was kept."""
    context = {
        "stats": telemetry_stats(db),
        "by_reason": count_dead_letters(db),
        "letters": list_dead_letters(db, reason=reason or None, limit=200),
        "reasons": REASONS,
        "reason": reason,
        "replayed": replayed,
        "pending": pending,
    }
    return render(request, "telemetry.html", context)


@router.post("/telemetry/replay")
def replay_form(who: PageImporter, db: SessionDep, state: StateDep) -> Response:
    """Replay the pending dead letters and show what happened."""
    result = replay_dead_letters(
        db, actor=who.actor, max_item_bytes=state.settings.telemetry_max_item_bytes
    )
    target = f"/telemetry?replayed={result.replayed}&pending={result.still_pending}"
    return RedirectResponse(target, status_code=303)


@account_panels.register("equipment", "Equipment usage", "_equipment_panel.html", order=40)
def equipment_panel(db: Session, who: Principal, view: Account360) -> dict[str, Any] | None:
    """The account's assets: weekly run hours, change against baseline, alarms, downtime."""
    healths = asset_health(db, view.as_of, account_id=view.account.id)
    if not any(h.weekly_usage and any(h.weekly_usage) for h in healths):
        return None
    return {
        "healths": healths,
        "chart": usage_chart(healths, view.as_of, "Run hours per week"),
    }
