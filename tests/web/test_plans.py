"""Success plans through the API and the pages: make, add, share, revoke; who may."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from tests.web.conftest import Browser, bearer

from keepwell.db import session_scope
from keepwell.db.counting import counted_statements
from keepwell.people.models import Employee
from keepwell.plans.models import MilestoneComment, PlanMilestone, PlanShareLink, SuccessPlan
from keepwell.plans.service import add_milestone, add_objective, create_plan
from keepwell.plans.sharing import share_plan
from keepwell.problems.models import ProblemRecord, ProblemTicket
from keepwell.record.models import Contact, Order, Ticket

PROBLEM = "application/problem+json"


def ids(engine: Engine) -> dict[str, int]:
    """Contact and employee ids by external id."""
    with session_scope(engine) as session:
        rows = [*session.execute(select(Contact.external_id, Contact.id))]
        rows += [*session.execute(select(Employee.external_id, Employee.id))]
        return {row[0]: row[1] for row in rows}


def deliveries(engine: Engine, account: int) -> None:
    """Four deliveries to the account with promised days, three kept; one repeat complaint."""
    today = date.today()
    with session_scope(engine) as session:
        for n, late in enumerate((0, 0, 0, 5)):
            promised = today - timedelta(days=30 + n)
            session.add(
                Order(
                    source="erp",
                    external_id=f"D-{n}",
                    account_id=account,
                    ordered_at=promised - timedelta(days=20),
                    amount=100,
                    promised_at=promised,
                    delivered_at=promised + timedelta(days=late),
                )
            )
        ticket = Ticket(
            source="helpdesk",
            external_id="T-rep",
            account_id=account,
            kind="complaint",
            subject="Seal again",
            opened_at=datetime.combine(today - timedelta(days=10), datetime.min.time()),
        )
        session.add(ticket)
        problem = ProblemRecord(label="Seals leak", status="confirmed")
        session.add(problem)
        session.flush()
        session.add(ProblemTicket(ticket_id=ticket.id, problem_id=problem.id))


def make_plan(client: TestClient, auth: dict[str, str], account: int, **extra: Any) -> int:
    answer = client.post(
        f"/api/v1/accounts/{account}/plans", json={"title": "Plan 2027", **extra}, headers=auth
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def test_a_plan_is_made_filled_shared_and_revoked_through_the_api(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int], engine: Engine
) -> None:
    auth, known = bearer(token("leader", "write")), ids(engine)
    deliveries(engine, record["C-1"])
    plan = make_plan(anonymous, auth, record["C-1"], internal_note="push for the service deal")
    body = {
        "text": "Cut unplanned downtime on line 3 by 20 %",
        "employee_id": known["E-1"],
        "contact_id": known["K-1"],
        "measure": "on_time_delivery",
        "target": 95,
    }
    objective = anonymous.post(f"/api/v1/plans/{plan}/objectives", json=body, headers=auth)
    assert objective.status_code == 201, objective.text
    complaints = {"text": "No repeat leaks", "measure": "repeat_complaints", "target": 0}
    assert (
        anonymous.post(
            f"/api/v1/plans/{plan}/objectives", json=complaints, headers=auth
        ).status_code
        == 201
    )
    milestone = anonymous.post(
        f"/api/v1/objectives/{objective.json()['id']}/milestones",
        json={"title": "Commission four KP-240 pumps", "due_on": "2027-09-30"},
        headers=auth,
    )
    assert milestone.status_code == 201, milestone.text
    shown = anonymous.get(f"/api/v1/plans/{plan}", headers=auth).json()
    first, second = shown["objectives"]
    assert (first["employee"], first["contact"], first["status_label"]) == (
        "Mia Member",
        "Jane Buyer",
        "on track",
    )
    assert first["reading"]["value"] == 75.0 and first["reading"]["met"] is False
    assert "3 of 4 deliveries" in first["reading"]["text"]
    assert second["reading"]["value"] == 1.0 and second["reading"]["met"] is False
    assert first["milestones"][0]["due_on"] == "2027-09-30"
    assert shown["internal_note"] == "push for the service deal" and shown["shared_until"] is None
    shared = anonymous.post(f"/api/v1/plans/{plan}/share", json={"days": 30}, headers=auth)
    assert shared.status_code == 201, shared.text
    url, expires = shared.json()["url"], datetime.fromisoformat(shared.json()["expires_at"])
    assert (
        url.startswith("http://127.0.0.1:8000/shared/plans/") and len(url.rsplit("/", 1)[1]) == 43
    )
    assert timedelta(days=29) < expires - datetime.now(UTC) < timedelta(days=31)
    default = anonymous.post(f"/api/v1/plans/{plan}/share", headers=auth)
    assert default.status_code == 201
    assert (
        anonymous.get(url.replace("http://127.0.0.1:8000", "https://testserver")).status_code == 410
    )
    assert anonymous.get(f"/api/v1/plans/{plan}", headers=auth).json()["shared_until"] is not None
    assert anonymous.delete(f"/api/v1/plans/{plan}/share", headers=auth).status_code == 204
    again = anonymous.delete(f"/api/v1/plans/{plan}/share", headers=auth)
    assert again.status_code == 404 and again.headers["content-type"] == PROBLEM
    listed = anonymous.get(f"/api/v1/accounts/{record['C-1']}/plans", headers=auth).json()
    assert [p["id"] for p in listed] == [plan]


def test_the_api_refuses_bad_input_and_who_may_not(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int], engine: Engine
) -> None:
    admin, known = bearer(token("admin", "write")), ids(engine)
    plan = make_plan(anonymous, admin, record["C-1"])
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        (
            f"/api/v1/plans/{plan}/objectives",
            {"text": "x", "contact_id": known["K-3"]},
            422,
            "contact of this account",
        ),
        (
            f"/api/v1/plans/{plan}/objectives",
            {"text": "x", "status": "great"},
            422,
            "on track, at risk",
        ),
        (
            f"/api/v1/plans/{plan}/objectives",
            {"text": "x", "measure": "profit"},
            422,
            "On-time delivery",
        ),
        (f"/api/v1/plans/{plan}/objectives", {"text": "   "}, 422, "write the objective"),
        (
            f"/api/v1/plans/{plan}/objectives",
            {"text": "x", "employee_id": 999999},
            404,
            "no employee",
        ),
        (f"/api/v1/plans/{plan}/objectives", {"text": "x", "extra": 1}, 422, ""),
        ("/api/v1/plans/999999/objectives", {"text": "x"}, 404, "no success plan"),
        (
            "/api/v1/objectives/999999/milestones",
            {"title": "x", "due_on": "2027-01-01"},
            404,
            "no objective",
        ),
        ("/api/v1/accounts/999999/plans", {"title": "x"}, 404, "no account"),
        (f"/api/v1/plans/{plan}/share", {"days": 0}, 422, ""),
        (f"/api/v1/plans/{plan}/share", {"days": 366}, 422, ""),
    ]
    for path, body, status, words in cases:
        answer = anonymous.post(path, json=body, headers=admin)
        assert answer.status_code == status, (path, body, answer.text)
        assert answer.headers["content-type"] == PROBLEM
        assert words in answer.json()["detail"] if words else answer.json()["errors"]
    reader = anonymous.post(f"/api/v1/plans/{plan}/share", headers=bearer(token("admin", "read")))
    assert reader.status_code == 403
    member = bearer(token("member", "write"))
    assert make_plan(anonymous, member, record["C-1"])  # Mia is on Acme's team
    off_team = anonymous.post(
        f"/api/v1/accounts/{record['C-2']}/plans", json={"title": "x"}, headers=member
    )
    assert off_team.status_code == 403 and "account's team" in off_team.json()["detail"]
    assert (
        anonymous.delete(
            f"/api/v1/plans/{plan}/share", headers=bearer(token("auditor", "write"))
        ).status_code
        == 403
    )
    assert (
        anonymous.get(f"/api/v1/plans/{plan}", headers=bearer(token("auditor", "read"))).status_code
        == 200
    )


def test_the_plan_pages_make_share_and_revoke_with_feedback(
    browser: Callable[[str], Browser], anonymous: TestClient, record: dict[str, int], engine: Engine
) -> None:
    member, known = browser("member"), ids(engine)
    acme = member.get(f"/accounts/{record['C-1']}").text
    assert "Success plans" in acme and "Make a success plan" in acme
    made = member.post(f"/accounts/{record['C-1']}/plans", {"title": "Uptime year"})
    assert made.status_code == 303
    plan_url = made.headers["location"].split("?")[0]
    assert "success plan was made" in member.get(made.headers["location"]).text
    plan = int(plan_url.rsplit("/", 1)[1])
    form = {
        "text": "Line 3 runs",
        "employee_id": str(known["E-1"]),
        "contact_id": str(known["K-1"]),
        "status": "at_risk",
        "shared": "true",
        "internal_note": "they shop around",
    }
    assert (
        member.post(f"{plan_url}/objectives", form).headers["location"].endswith("done=objective")
    )
    page = member.get(plan_url).text
    assert "Line 3 runs" in page and "at risk" in page and "they shop around" in page
    objective = int(page.split('id="objective-')[1].split('"')[0])
    added = member.post(
        f"/objectives/{objective}/milestones",
        {"title": "Seals swapped", "due_on": "2027-03-01", "shared": "true"},
    )
    assert added.status_code == 303
    assert member.post(f"/objectives/{objective}/status", {"status": "on_track"}).status_code == 303
    bad = member.post(f"{plan_url}/objectives", {"text": "x", "status": "great"})
    assert bad.status_code == 422 and "the status is one of" in bad.text
    shared = member.post(f"{plan_url}/share", {"days": "14"})
    assert shared.status_code == 200 and "it is shown only now" in shared.text
    found = re.search(r'class="share-url" value="([^"]+)"', shared.text)
    assert found is not None
    url = found.group(1)
    path = url.replace("http://127.0.0.1:8000", "")
    assert anonymous.get(path).status_code == 200
    assert "until" in member.get(plan_url).text
    assert member.post(f"{plan_url}/review", {}).headers["location"].endswith("done=reviewed")
    revoked = member.post(f"{plan_url}/share/revoke", {})
    assert "link was revoked" in member.get(revoked.headers["location"]).text
    assert anonymous.get(path).status_code == 410
    with session_scope(engine) as session:
        milestone = session.scalars(select(PlanMilestone)).one()
        assert session.scalar(select(PlanShareLink.token_hash)) != path.rsplit("/", 1)[1]
    assert (
        member.post(f"/milestones/{milestone.id}/done", {})
        .headers["location"]
        .endswith("done=done")
    )
    auditor = browser("auditor")
    seen = auditor.get(plan_url).text
    assert "Seals swapped" in seen and "Add an objective" not in seen and "Mark done" not in seen
    assert "Make a success plan" not in auditor.get(f"/accounts/{record['C-1']}").text
    assert auditor.post(f"{plan_url}/share", {}).status_code == 403
    refused = member.post(f"/accounts/{record['C-2']}/plans", {"title": "x"})
    assert refused.status_code == 403
    assert member.get(f"/plans/{plan + 100}").status_code == 404
    assert plan_url == f"/plans/{plan}"


def test_the_plan_page_and_the_shared_view_do_not_grow_with_the_plan(
    browser: Callable[[str], Browser], anonymous: TestClient, record: dict[str, int], engine: Engine
) -> None:
    known = ids(engine)
    with session_scope(engine) as session:
        plan = create_plan(session, record["C-1"], title="Big plan", actor="t")
        raw, _link = share_plan(session, plan, actor="t")
        plan_id = plan.id

    def grow(objectives: int) -> None:
        with session_scope(engine) as session:
            plan = session.get_one(SuccessPlan, plan_id)
            for n in range(objectives):
                objective = add_objective(
                    session,
                    plan,
                    text=f"Goal {n}",
                    actor="t",
                    employee_id=known["E-1"],
                    contact_id=known["K-1"],
                    measure="on_time_delivery",
                    target=95,
                )
                milestone = add_milestone(
                    session, objective, title=f"Step {n}", due_on=date(2027, 1, 1), actor="t"
                )
                session.add(MilestoneComment(milestone_id=milestone.id, author="Jane", body="ok"))

    leader = browser("leader")

    def counts() -> tuple[int, int]:
        with counted_statements(engine) as inside:
            assert leader.get(f"/plans/{plan_id}").status_code == 200
        with counted_statements(engine) as outside:
            assert anonymous.get(f"/shared/plans/{raw}").status_code == 200
        return len(inside), len(outside)

    grow(1)
    counts()
    small = counts()
    grow(6)
    assert counts() == small
    assert small[0] <= 30 and small[1] <= 30, small
