"""The voice page, its themes fragment and the voice API over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient
from tests.web.conftest import Browser, bearer

from keepwell.db import session_scope
from keepwell.db.counting import counted_statements
from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file
from keepwell.record.models import Account, AccountExternalId, SurveyResponse
from keepwell.voice.store import recompute_themes
from keepwell.voice.themes import ClusteringCounter

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


@pytest.fixture
def themed(engine: Engine, voices: list[int]) -> list[int]:
    """The twelve voices grouped into stored themes, as ``keepwell run`` does."""
    with session_scope(engine) as session:
        recompute_themes(session, min_size=3)
    return voices


def test_voice_page_explorer_and_themes(
    themed: list[int], browser: Callable[[str], Browser]
) -> None:
    member = browser("member")
    page = member.get("/voice")
    assert page.status_code == 200
    # One quarter of answers: the NPS trend is a sentence, not a chart of one bar.
    sentence = 'class="chart-sentence">Net Promoter Score by quarter (answers in brackets): '
    assert sentence in page.text and "Say–do gap" in page.text
    assert "6 unheard" in page.text  # six detractors, nobody called
    found = member.get("/voice", params={"search": "technicians", "sentiment": "positive"}).text
    explorer = found.split('id="comments"')[1]
    assert explorer.count("field technicians") == 6 and "Deliveries are late" not in explorer
    themes = member.get("/voice/themes")
    assert themes.status_code == 200 and "Themes" in themes.text
    assert 'href="/voice"' in member.get("/portfolio").text


def test_voice_api(
    themed: list[int], anonymous: TestClient, token: Callable[[str, str], str]
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


def test_themes_wait_for_the_scheduled_run(
    voices: list[int], browser: Callable[[str], Browser]
) -> None:
    runs = ClusteringCounter.runs
    fragment = browser("member").get("/voice/themes")
    assert fragment.status_code == 200 and "No themes yet" in fragment.text
    assert ClusteringCounter.runs == runs  # reading never clusters


LATE_CALL = "Lead times never met, the delivery is late again."
VOICE_PAGES = ("/voice", "/voice/themes", "/api/v1/voice/themes", "/api/v1/voice/summary")
STATEMENT_BUDGET = 20


def _late_theme(themes: dict[str, Any]) -> dict[str, Any]:
    return next(t for t in themes["themes"] if "late again" in t["examples"][0])


def test_new_notes_join_their_theme_and_reading_stays_cheap(
    themed: list[int],
    engine: Engine,
    tmp_path: Path,
    browser: Callable[[str], Browser],
    token: Callable[[str, str], str],
) -> None:
    member = browser("member")
    headers = bearer(token("member", "read"))

    def statements() -> dict[str, int]:
        found = {}
        for path in VOICE_PAGES:
            params = {"themes": "true"} if path.endswith("summary") else {}
            with counted_statements(engine) as sent:
                response = member.get(path, params=params, headers=headers)
            assert response.status_code == 200, (path, response.text[:300])
            found[path] = len(sent)
        return found

    late = _late_theme(member.get("/api/v1/voice/themes", headers=headers).json())
    before = statements()
    runs = ClusteringCounter.runs
    added = member.post(f"/accounts/{themed[0]}/notes", {"kind": "call", "text": LATE_CALL})
    assert added.status_code == 303
    staff = member.post(
        f"/accounts/{themed[1]}/notes", {"kind": "note", "text": "Delivery late, lead times."}
    )
    assert staff.status_code == 303
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "external_id,account,kind,severity,status,subject,opened_at\n"
        f'T-9,V2,complaint,high,open,"{COMMENTS[0][0]}",'
        f"{datetime.now():%Y-%m-%dT%H:%M:%S}\n",
        encoding="utf-8",
    )
    with session_scope(engine) as session:
        session.add(AccountExternalId(account_id=themed[2], source="crm", external_id="V2"))
    assert import_file(engine, "tickets", tickets, Mapping(source="crm")).ok
    after = statements()
    assert ClusteringCounter.runs == runs  # placed on write; nothing clustered again
    assert max(after.values()) <= STATEMENT_BUDGET, (before, after)
    themes_pages = [p for p in VOICE_PAGES if p != "/voice"]  # /voice reads one source more
    assert all(after[p] == before[p] for p in themes_pages), (before, after)
    themes = member.get("/api/v1/voice/themes", headers=headers).json()
    now = _late_theme(themes)
    assert now["id"] == late["id"] and now["size"] == late["size"] + 2  # the call and the ticket
    assert now["sources"] == {**late["sources"], "interaction": 1, "ticket": 1}
    assert themes["comments"] == 14  # the staff note is not the customer's voice
    page = member.get("/voice", params={"theme": late["id"]}).text
    explorer = page.split('id="comments"')[1]
    assert LATE_CALL in explorer and "field technicians" not in explorer
    listed = member.get(
        "/api/v1/voice/comments", params={"theme_id": late["id"]}, headers=headers
    ).json()
    assert any(c["text"] == LATE_CALL and c["source"] == "interaction" for c in listed["items"])
    assert listed["total"] == now["size"]
    assert ClusteringCounter.runs == runs
