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
from keepwell.telemetry.deadletters import (
    REASONS,
    count_dead_letters,
    list_dead_letters,
    replay_dead_letters,
)
from keepwell.telemetry.health import WEEKS, AssetHealth, asset_health
from keepwell.telemetry.service import telemetry_stats
from keepwell.web.charts import Bar, bar_chart
from keepwell.web.deps import CurrentUser, PageImporter, Principal, SessionDep, StateDep
from keepwell.web.panels import account_panels
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)


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
) -> Response:
    """Every connected asset's health: usage against baseline and fleet, alarms, downtime."""
    day = as_of or date.today()
    healths = asset_health(db, day)
    context = {
        "as_of": day,
        "healths": healths,
        "chart": usage_chart(healths, day, "Fleet run hours per week"),
        "declining": sum(1 for h in healths if (h.usage_change or 0) <= -0.3),
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
