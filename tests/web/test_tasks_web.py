"""Tasks in the browser and the API: the Tasks page, the account panel, my work, /api/v1/tasks."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient
from tests.web.conftest import Browser, bearer


def test_api_creates_lists_pages_and_updates_tasks(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    write = bearer(token("member", "write"))
    acme = record["C-1"]
    made = []
    for n in range(3):
        body = {
            "title": f"Call {n}",
            "account_id": acme,
            "role_key": "service_lead",
            "due_on": "2030-01-0" + str(n + 1),
            "priority": "high",
        }
        response = anonymous.post("/api/v1/tasks", json=body, headers=write)
        assert response.status_code == 201, response.text
        assert response.headers["location"] == f"/api/v1/tasks/{response.json()['id']}"
        made.append(response.json())
    assert made[0]["owner_id"] is not None and made[0]["role_key"] == "service_lead"
    first = anonymous.get("/api/v1/tasks?limit=2&account_id=" + str(acme), headers=write).json()
    assert [t["title"] for t in first["items"]] == ["Call 2", "Call 1"]
    rest = anonymous.get(f"/api/v1/tasks?limit=2&cursor={first['next_cursor']}", headers=write)
    assert [t["title"] for t in rest.json()["items"]] == ["Call 0"]
    early = anonymous.get("/api/v1/tasks?due_on_before=2030-01-02", headers=write).json()
    assert [t["title"] for t in early["items"]] == ["Call 0"]
    patched = anonymous.patch(
        f"/api/v1/tasks/{made[0]['id']}", json={"status": "done"}, headers=write
    )
    assert patched.status_code == 200 and patched.json()["closed_at"] is not None
    done = anonymous.get("/api/v1/tasks?status=done", headers=write).json()
    assert [t["id"] for t in done["items"]] == [made[0]["id"]]
    bad = anonymous.patch(f"/api/v1/tasks/{made[0]['id']}", json={"status": "later"}, headers=write)
    assert bad.status_code == 422
    missing = anonymous.post(
        "/api/v1/tasks", json={"title": "x", "account_id": 9999}, headers=write
    )
    assert missing.status_code == 404 and "no account with id 9999" in missing.json()["detail"]
    read_only = anonymous.post(
        "/api/v1/tasks", json={"title": "x"}, headers=bearer(token("member", "read"))
    )
    assert read_only.status_code == 403


def test_account_panel_adds_tasks_with_and_without_htmx(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member")
    acme = record["C-1"]
    page = member.get(f"/accounts/{acme}").text
    assert 'id="panel-tasks"' in page and "No open tasks." in page and "Add a task" in page
    added = member.post(
        f"/accounts/{acme}/tasks",
        {"title": "Send the seal report", "due_on": "2030-02-01", "role_key": "service_lead"},
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"/accounts/{acme}#panel-tasks"
    page = member.get(f"/accounts/{acme}").text
    assert "Send the seal report" in page and "Mia Member" in page
    fragment = member.post(
        f"/accounts/{acme}/tasks", {"title": "Plan visit"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith(
        '<div id="account-tasks">'
    )
    assert "Plan visit" in fragment.text and "Send the seal report" in fragment.text
    error = member.post(f"/accounts/{acme}/tasks", {"title": "Late", "due_on": "soon"})
    assert error.status_code == 422 and "Due day:" in error.text
    assert 'value="Late"' in error.text
    forged = member.post(f"/accounts/{acme}/tasks", {"title": "x"}, csrf=False)
    assert forged.status_code == 403
    auditor = browser("auditor")
    assert "Add a task" not in auditor.get(f"/accounts/{acme}").text
    assert auditor.post(f"/accounts/{acme}/tasks", {"title": "x"}).status_code == 403


def test_tasks_page_my_work_and_mark_done(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member")
    acme = record["C-1"]
    member.post(f"/accounts/{acme}/tasks", {"title": "Check pumps", "role_key": "service_lead"})
    member.post(f"/accounts/{acme}/tasks", {"title": "Owner call", "role_key": "account_owner"})
    mine = member.get("/tasks").text
    assert "Check pumps" in mine and "Owner call" not in mine
    assert 'href="/tasks"' in mine
    everyone = member.get("/tasks?scope=all").text
    assert "Check pumps" in everyone and "Owner call" in everyone
    work = member.get("/my-work").text
    assert 'id="panel-tasks"' in work and "Check pumps" in work
    task_id = int(mine.split('id="task-')[1].split('"')[0])
    row = member.post(
        f"/tasks/{task_id}/status", {"status": "done"}, headers={"HX-Request": "true"}
    )
    assert row.status_code == 200 and "badge-done" in row.text and "Mark done" not in row.text
    assert "Check pumps" not in member.get("/tasks").text
    assert "Check pumps" in member.get("/tasks?status=done").text
    back = member.post(f"/tasks/{task_id}/status", {"status": "open", "next": "//evil.test"})
    assert back.status_code == 303 and back.headers["location"] == "/tasks"
    assert member.post(f"/tasks/{task_id}/status", {"status": "later"}).status_code == 422
    assert member.post("/tasks/9999/status", {"status": "done"}).status_code == 404
    leader = browser("leader")
    assert "Owner call" in leader.get("/tasks").text


def test_task_page_and_api_show_the_history(
    browser: Callable[[str], Browser],
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
) -> None:
    member = browser("member")
    acme = record["C-1"]
    member.post(f"/accounts/{acme}/tasks", {"title": "Seal report", "description": "Send it"})
    task_id = int(member.get("/tasks?scope=all").text.split('id="task-')[1].split('"')[0])
    moved = member.post(
        f"/tasks/{task_id}/status", {"status": "in_progress", "next": f"/tasks/{task_id}"}
    )
    assert moved.status_code == 303 and moved.headers["location"] == f"/tasks/{task_id}"
    page = member.get(f"/tasks/{task_id}").text
    assert "Send it" in page and "member@maker.test: created" in page
    assert "status open → in_progress" in page and "Acme Pumps" in page
    history = anonymous.get(
        f"/api/v1/tasks/{task_id}/history", headers=bearer(token("auditor", "read"))
    )
    assert [(e["field"], e["new"]) for e in history.json()] == [
        ("created", "Seal report"),
        ("status", "in_progress"),
    ]
    assert member.get("/tasks/9999").status_code == 404
    missing = anonymous.get("/api/v1/tasks/9999/history", headers=bearer(token("member", "read")))
    assert missing.status_code == 404


def test_task_page_shows_the_comment_thread_with_mentions(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member")
    member.post(f"/accounts/{record['C-1']}/tasks", {"title": "Seal report"})
    task_id = int(member.get("/tasks?scope=all").text.split('id="task-')[1].split('"')[0])
    page = member.get(f"/tasks/{task_id}").text
    assert f'action="/comments/task/{task_id}"' in page and "No comments yet." in page
    added = member.post(f"/comments/task/{task_id}", {"body": "@leader can you sign this off?"})
    assert added.status_code == 303
    assert added.headers["location"] == f"/tasks/{task_id}#comments"
    page = member.get(f"/tasks/{task_id}").text
    assert "can you sign this off?" in page and "mentions Leo Leader" in page
    assert member.post(f"/comments/task/{task_id}", {"body": "@nobody hi"}).status_code == 422
    assert member.post("/comments/task/999999", {"body": "hi"}).status_code == 404
    assert "can you sign this off?" in browser("leader").get("/my-work").text
