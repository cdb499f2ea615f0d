"""Empty states say what to do in the app: an administrator starts the update from the page.

Before the first scoring run, the pages that need scores offer administrators an
"Update now" button and tell everyone else an administrator can start it; no page sends
people to the command line.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient
from tests.web.conftest import SQLITE_ONLY, Browser, email

from keepwell.audit.models import AuditLog
from keepwell.db import session_scope
from keepwell.pipeline import update_running
from keepwell.voice.models import VoiceThemeRun

pytestmark = SQLITE_ONLY

BEFORE_SCORES = ("/at-risk", "/portfolio", "/retention", "/voice/themes")


def test_pages_before_the_first_run_point_at_the_app_not_the_command_line(
    browser: Callable[[str], Browser], anonymous: TestClient, record: dict[str, int]
) -> None:
    admin, leader = browser("admin"), browser("leader")
    for path in (*BEFORE_SCORES, f"/accounts/{record['C-1']}"):
        offered, told = admin.get(path).text, leader.get(path).text
        assert 'action="/admin/update"' in offered and "Update now" in offered, path
        assert "an administrator can start it now" in told, path
        assert 'action="/admin/update"' not in told, path
        assert "<code>keepwell" not in offered + told, path
    assert "<code>keepwell" not in leader.get("/knowledge").text
    assert "Ask your administrator" in anonymous.get("/login").text


def test_an_administrator_updates_from_the_page(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    leader = browser("leader")
    assert leader.post("/admin/update", {"next": "/at-risk"}).status_code == 403
    admin = browser("admin")
    started = admin.post("/admin/update", {"next": "/at-risk"})
    assert started.status_code == 303 and started.headers["location"] == "/at-risk"
    assert "The update started" in admin.get("/at-risk").text
    deadline = time.monotonic() + 300
    while update_running() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not update_running()
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(VoiceThemeRun)) == 1
        logged = session.scalars(select(AuditLog.actor).where(AuditLog.action == "update.started"))
        assert list(logged) == [email("admin")]
    offsite = admin.post("/admin/update", {"next": "//elsewhere.example/"})
    assert offsite.headers["location"] == "/admin/settings"
    while update_running():
        time.sleep(0.2)
    assert "Update started from the app" in admin.get("/audit").text
