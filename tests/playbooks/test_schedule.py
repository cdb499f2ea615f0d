"""The in-process schedule of ``keepwell serve``: it runs, and stops when asked."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.tasks.world import small_world
from tests.web.conftest import SQLITE_ONLY

from keepwell.db import session_scope
from keepwell.pipeline import Scheduler
from keepwell.record.models import Contact
from keepwell.settings import get_settings
from keepwell.tasks.models import Task


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("KEEPWELL_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@SQLITE_ONLY
def test_scheduler_runs_the_playbooks_and_stops(engine: Engine, data_dir: Path) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        s.add(
            Contact(
                source="t",
                external_id="k",
                account_id=w.accounts["acme"],
                name="Jane",
                is_key=True,
                active=False,
                left_at=date.today() - timedelta(days=2),
            )
        )
    scheduler = Scheduler(engine, minutes=60, score=False)
    scheduler.start()
    deadline = time.monotonic() + 240
    while scheduler.runs == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    scheduler.stop()
    assert scheduler.runs == 1
    with session_scope(engine) as s:
        assert s.scalar(select(func.count(Task.id)).where(Task.rule == "key_contact_left")) == 1
