"""Writers edit only the notes and interactions they wrote; leaders and admins edit any."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from tests.web.conftest import Browser, bearer

from keepwell.db import session_scope
from keepwell.record.models import Interaction

PROBLEM = "application/problem+json"


def test_only_the_author_a_leader_or_an_admin_edits_an_interaction(
    engine: Engine,
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
) -> None:
    tokens = {role: bearer(token(role, "write")) for role in ("admin", "leader", "member")}
    acme = record["C-1"]

    def write(role: str) -> str:
        body = {"account_id": acme, "kind": "note", "text": f"written by the {role}"}
        created = anonymous.post("/api/v1/interactions", json=body, headers=tokens[role])
        assert created.status_code == 201, created.text
        return f"/api/v1/interactions/{created.json()['id']}"

    admins, members = write("admin"), write("member")
    refused = anonymous.patch(admins, json={"text": "changed"}, headers=tokens["member"])
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == PROBLEM
    assert "written by someone else" in refused.json()["detail"]
    assert anonymous.get(admins, headers=tokens["member"]).json()["text"] == "written by the admin"
    for role, url in (("member", members), ("leader", admins), ("admin", members)):
        answer = anonymous.patch(url, json={"text": f"{role} edit"}, headers=tokens[role])
        assert answer.status_code == 200 and answer.json()["text"] == f"{role} edit", role


def test_a_note_from_the_page_keeps_its_author(
    engine: Engine,
    browser: Callable[[str], Browser],
    record: dict[str, int],
    people: dict[str, int],
) -> None:
    member = browser("member")
    answer = member.post(f"/accounts/{record['C-1']}/notes", {"text": "Called about seals"})
    assert answer.status_code in (200, 303), answer.text
    with session_scope(engine) as session:
        author = session.scalar(
            select(Interaction.author_user_id).where(Interaction.text == "Called about seals")
        )
    assert author == people["member"]
