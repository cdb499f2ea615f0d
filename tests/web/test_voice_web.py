"""The voice page, its themes fragment and the voice API over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient
from tests.web.conftest import Browser, bearer

from keepwell.db import session_scope
from keepwell.record.models import Account, SurveyResponse

COMMENTS = (
    ("Deliveries are late again, lead times never met.", 2),
    ("Lead times never met, the delivery is late again.", 3),
    ("The delivery is late again and lead times are missed.", 1),
    ("Great service from your field technicians.", 10),
    ("Your field technicians give great service.", 9),
    ("Great service, the field technicians know their stuff.", 10),
)


@pytest.fixture
def voices(engine: Engine) -> list[int]:
    """Twelve accounts, each with one NPS answer and comment, in the last two months."""
    recent = datetime.now().replace(microsecond=0) - timedelta(days=60)
    with session_scope(engine) as session:
        accounts = [
            Account(name=f"Voice {i}", source="crm", external_id=f"V{i}", status="active")
            for i in range(12)
        ]
        session.add_all(accounts)
        session.flush()
        for i, account in enumerate(accounts):
            text, score = COMMENTS[i % len(COMMENTS)]
            session.add(
                SurveyResponse(
                    account_id=account.id,
                    source="survey",
                    external_id=f"S{i}",
                    kind="nps",
                    score=score,
                    comment=text,
                    responded_at=recent + timedelta(days=i),
                )
            )
        return [a.id for a in accounts]


def test_voice_page_explorer_and_themes(
    voices: list[int], browser: Callable[[str], Browser]
) -> None:
    member = browser("member")
    page = member.get("/voice")
    assert page.status_code == 200
    assert '<svg class="chart"' in page.text and "Say–do gap" in page.text
    assert "6 unheard" in page.text  # six detractors, nobody called
    found = member.get("/voice", params={"search": "technicians", "sentiment": "positive"}).text
    explorer = found.split('id="comments"')[1]
    assert explorer.count("field technicians") == 6 and "Deliveries are late" not in explorer
    themes = member.get("/voice/themes")
    assert themes.status_code == 200 and "Themes" in themes.text
    assert 'href="/voice"' in member.get("/portfolio").text


def test_voice_api(
    voices: list[int], anonymous: TestClient, token: Callable[[str, str], str]
) -> None:
    headers = bearer(token("member", "read"))
    summary = anonymous.get("/api/v1/voice/summary", headers=headers).json()
    assert summary["sentiment"]["survey"]["comments"] == 12
    assert summary["detractors"]["unheard"] == 6 and "themes" not in summary
    comments = anonymous.get(
        "/api/v1/voice/comments", params={"sentiment": "negative", "limit": 2}, headers=headers
    ).json()
    assert comments["total"] == 6 and len(comments["items"]) == 2
    assert comments["items"][0]["account"].startswith("Voice")
    bad = anonymous.get("/api/v1/voice/comments", params={"source": "fax"}, headers=headers)
    assert bad.status_code == 422
    unheard = anonymous.get(
        "/api/v1/voice/detractors", params={"unheard": "true"}, headers=headers
    ).json()["items"]
    assert len(unheard) == 6 and {d["status"] for d in unheard} == {"unheard"}
    assert anonymous.get("/api/v1/voice/say-do-gap", headers=headers).status_code == 200
    themes = anonymous.get("/api/v1/voice/themes", headers=headers).json()
    assert themes["comments"] == 12 and isinstance(themes["themes"], list)
    assert anonymous.get("/api/v1/voice/summary").status_code == 401
