"""``keepwell demo`` runs the playbooks after scoring, through ``keepwell run``'s code path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.tasks.world import small_world

from keepwell.cli.demo import demo_playbooks
from keepwell.db import session_scope
from keepwell.notify.models import Notification
from keepwell.record.models import Order
from keepwell.settings import get_settings
from keepwell.tasks.models import Task

TODAY = date(2026, 6, 30)


@pytest.fixture
def no_smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KEEPWELL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KEEPWELL_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_demo_playbooks_create_tasks_and_queue_without_sending(
    engine: Engine, no_smtp: None
) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        for n, days_back in enumerate((130, 160, 190, 220)):  # quiet for 130 days, usually 30
            s.add(
                Order(
                    account_id=w.accounts["acme"],
                    ordered_at=TODAY - timedelta(days=days_back),
                    amount=100,
                    source="test",
                    external_id=f"o{n}",
                )
            )
    result = demo_playbooks(engine, TODAY)
    assert result["scoring"] == {"skipped": "not asked"}
    assert result["delivery"] == {"skipped": "not asked"}
    assert result["tasks_created"] >= 1
    with session_scope(engine) as s:
        quiet = s.scalars(select(Task).where(Task.rule == "going_quiet")).one()
        assert quiet.owner_id == w.employees["olga"] and quiet.created_by == "demo"
        statuses = set(s.scalars(select(Notification.status)))
    assert statuses == {"pending"}
    assert demo_playbooks(engine, TODAY)["tasks_created"] == 0  # the same run, idempotent
