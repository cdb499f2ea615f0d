"""Fixtures for the telemetry tests: a record with assets, a real broker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.telemetry.broker import Broker

from keepwell.db import session_scope
from keepwell.record.models import Account, Asset


@pytest.fixture
def assets(engine: Engine) -> dict[str, int]:
    """Two accounts with three assets (``SN-1``, ``SN-2`` at Acme, ``SN-3`` at Beta)."""
    with session_scope(engine) as session:
        acme = Account(name="Acme Pumps", source="crm", external_id="C-1", status="active")
        beta = Account(name="Beta Works", source="crm", external_id="C-2", status="active")
        session.add_all([acme, beta])
        session.flush()
        rows = [
            Asset(
                account_id=acme.id,
                serial="SN-1",
                model="P200",
                source="crm",
                external_id="SN-1",
                installed_at=date(2024, 3, 1),
            ),
            Asset(
                account_id=acme.id,
                serial="SN-2",
                model="P200",
                source="crm",
                external_id="SN-2",
                installed_at=date(2024, 5, 1),
            ),
            Asset(
                account_id=beta.id,
                serial="SN-3",
                model="P300",
                source="crm",
                external_id="SN-3",
                warranty_end=date(2027, 1, 1),
            ),
        ]
        session.add_all(rows)
        session.flush()
        return {a.serial: a.id for a in rows}


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A running Mosquitto broker of this test only."""
    folder = tmp_path / "broker"
    folder.mkdir()
    running = Broker(folder)
    running.start()
    yield running
    running.stop()
