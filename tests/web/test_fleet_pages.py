"""The fleet page, the telemetry (dead-letter) page with replay, and the account usage panel."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine
from starlette.testclient import TestClient
from tests.web.conftest import Browser
from tests.web.test_telemetry_api import register_assets

from keepwell.db import session_scope
from keepwell.telemetry.ingest import ingest
from keepwell.telemetry.parse import decode_payload


def deliver(engine: Engine, items: list[dict[str, object]]) -> None:
    with session_scope(engine) as session:
        ingest(session, decode_payload(json.dumps(items).encode(), 65536), channel="http")


def usage(serial: str, days: int, hours: float) -> list[dict[str, object]]:
    today = date.today()
    return [
        {
            "asset": serial,
            "ts": datetime.combine(today - timedelta(days=d), time(9)).isoformat(),
            "metric": "run_hours",
            "value": hours,
        }
        for d in range(days)
    ]


def test_fleet_page_and_account_panel_show_asset_health(
    engine: Engine, tmp_path: Path, browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    register_assets(engine, tmp_path, "SN-1,C-1,P200\nSN-2,C-3,P200")
    deliver(engine, usage("SN-1", 90, 8) + usage("SN-2", 20, 3))
    member = browser("member")
    page = member.get("/fleet")
    assert page.status_code == 200
    assert "SN-1" in page.text and "SN-2" in page.text and "<svg" in page.text
    assert 'href="/fleet"' in page.text and ">Fleet<" in page.text
    account = member.get(f"/accounts/{record['C-1']}?tab=equipment")
    assert 'id="panel-equipment"' in account.text and "SN-1" in account.text
    other = member.get(f"/accounts/{record['C-2']}?tab=equipment")
    assert 'id="panel-equipment"' not in other.text


def test_dead_letters_page_replays_after_registering_the_asset(
    engine: Engine,
    tmp_path: Path,
    browser: Callable[[str], Browser],
    record: dict[str, int],
    anonymous: TestClient,
) -> None:
    deliver(engine, usage("SN-7", 3, 1))
    admin = browser("admin")
    page = admin.get("/telemetry")
    assert page.status_code == 200 and page.text.count("unknown_asset") >= 3
    assert "no asset with serial &#39;SN-7&#39;" in page.text
    assert browser("member").get("/telemetry").status_code == 403
    assert admin.post("/telemetry/replay", csrf=False).status_code == 403
    register_assets(engine, tmp_path, "SN-7,C-1,P200")
    replay = admin.post("/telemetry/replay")
    assert replay.status_code == 303
    after = admin.get(replay.headers["location"])
    assert "Replayed 3; 0 still pending." in after.text
    assert "No pending dead letters." in after.text
