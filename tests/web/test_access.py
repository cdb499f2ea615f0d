"""Every route checks access on the server: anonymous callers, wrong roles, wrong scopes."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from starlette.testclient import TestClient
from tests.web.conftest import SQLITE_ONLY, Browser, bearer, calls

from keepwell.auth.permissions import ROLE_PERMISSIONS, Permission, Role
from keepwell.web.deps import route_access

PUBLIC = {
    ("/healthz", "GET"),
    ("/login", "GET"),
    ("/login", "POST"),
    # a plan shared with the customer: the long random link is the credential
    ("/shared/plans/{token}", "GET"),
    ("/shared/plans/{token}/milestones/{milestone_id}/done", "POST"),
    ("/shared/plans/{token}/milestones/{milestone_id}/comments", "POST"),
    # a survey answer link e-mailed to a contact: the long random link is the credential
    ("/survey/{token}", "GET"),
    ("/survey/{token}", "POST"),
    ("/survey/{token}/unsubscribe", "GET"),
    ("/survey/{token}/unsubscribe", "POST"),
    # an approved account review through the same link (drafts are not found)
    ("/shared/plans/{token}/reviews/{period}.pdf", "GET"),
}


@SQLITE_ONLY
def test_every_route_declares_its_access(app: FastAPI) -> None:
    routes = route_access(app)
    assert len(routes) > 40
    public = {(r.path, m) for r in routes if r.public for m in r.methods - {"HEAD"}}
    assert public == PUBLIC
    for route in routes:
        assert route.public != (route.permission is not None), route.path
        if route.path.startswith("/api/") and route.path != "/api/docs":
            assert route.api, route.path


@SQLITE_ONLY
def test_anonymous_requests_are_refused_everywhere(anonymous: TestClient, app: FastAPI) -> None:
    checked = 0
    for route, method, path in calls(app):
        if route.public:
            continue
        response = anonymous.request(method, path)
        checked += 1
        if route.api:
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.json()["status"] == 401
        else:
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/login?next=")
    assert checked == len([c for c in calls(app) if not c[0].public])
    response = anonymous.get("/portfolio", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login?next=%2Fportfolio"


@SQLITE_ONLY
def test_roles_only_reach_what_their_permissions_allow(
    app: FastAPI, browser: Callable[[str], Browser]
) -> None:
    for role in (Role.MEMBER, Role.AUDITOR):
        client = browser(role.value)
        allowed = ROLE_PERMISSIONS[role]
        for route, method, path in calls(app):
            if route.public or route.permission in allowed:
                continue
            response = client.client.request(method, path, headers={"X-CSRF-Token": client.csrf})
            assert response.status_code == 403, (role, method, path, response.status_code)
    member = browser("member")
    page = member.get("/my-work").text
    assert 'href="/admin"' not in page and 'href="/imports"' not in page
    assert 'href="/audit"' not in page and 'href="/portfolio"' in page


@SQLITE_ONLY
def test_admin_reaches_every_page(app: FastAPI, browser: Callable[[str], Browser]) -> None:
    admin = browser("admin")
    for path in ("/admin/users", "/admin/tokens", "/admin/settings", "/audit", "/imports"):
        assert admin.get(path).status_code == 200, path
    assert admin.get("/admin").headers["location"] == "/admin/users"
    nav = admin.get("/portfolio").text
    for page in ("problems", "voice", "playbooks", "knowledge"):
        assert f'href="/{page}"' in nav, page
    assert "is-coming" not in nav


def test_token_scopes_limit_what_a_token_does(
    anonymous: TestClient, token: Callable[[str, str], str], people: dict[str, int]
) -> None:
    read, ingest = token("admin", "read"), token("admin", "ingest")
    note = {"account_id": 1, "text": "hello"}
    refused = anonymous.post("/api/v1/interactions", json=note, headers=bearer(read))
    assert refused.status_code == 403
    assert refused.json()["type"] == "/api/docs#problem-forbidden"
    assert anonymous.get("/api/v1/orders", headers=bearer(ingest)).status_code == 403
    assert anonymous.get("/api/v1/imports", headers=bearer(ingest)).status_code == 200
    assert anonymous.get("/api/v1/imports", headers=bearer(read)).status_code == 403
    member_write = token("member", "write")
    assert anonymous.get("/api/v1/imports", headers=bearer(member_write)).status_code == 403
    me = anonymous.get("/api/v1/me", headers=bearer(read)).json()
    assert (me["via"], me["scope"], me["role"]) == ("token", "read", "admin")
    assert Permission.ADMIN.value not in me["permissions"]
    for bad in ("Bearer kw_not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500):
        response = anonymous.get("/api/v1/me", headers={"Authorization": bad})
        assert response.status_code == 401, bad
    assert anonymous.get("/portfolio", headers=bearer(read)).status_code == 303


def test_editing_routes_check_who_edits_on_the_server(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    """The editing pages: members reach their own accounts only, reassigning is for
    leaders and admins, auditors change nothing (the API is in test_editing_api.py)."""
    acme, beta = record["C-1"], record["C-2"]
    expected = {
        ("GET", f"/accounts/{acme}/edit"): {"admin": 200, "leader": 200, "member": 200},
        ("GET", f"/accounts/{beta}/edit"): {"admin": 200, "leader": 200, "member": 403},
        ("GET", f"/accounts/{acme}/contacts"): {"admin": 200, "leader": 200, "member": 200},
        ("POST", f"/accounts/{beta}/contacts"): {"admin": 200, "leader": 200, "member": 403},
        ("GET", "/tasks/reassign"): {"admin": 200, "leader": 200, "member": 403},
    }
    form = {"name": "Pat Access"}
    for role in ("admin", "leader", "member", "auditor"):
        client = browser(role)
        for (method, path), statuses in expected.items():
            response = client.get(path) if method == "GET" else client.post(path, form)
            assert response.status_code == statuses.get(role, 403), (role, method, path)


@SQLITE_ONLY
def test_builders_are_for_those_who_may_import_or_edit_playbooks(
    browser: Callable[[str], Browser],
) -> None:
    """The column mapper needs the import permission; the rule builder the admin or leader
    role, like saving a playbook."""
    mapper = ("/imports/map", "/imports/1/map")
    builder = ("/playbooks/new/build", "/playbooks/going_quiet/build", "/playbooks/build")
    for role in ("member", "auditor"):
        client = browser(role)
        for path in (*mapper, *builder):
            method = "POST" if path in ("/imports/map", "/playbooks/build") else "GET"
            response = client.client.request(method, path, headers={"X-CSRF-Token": client.csrf})
            assert response.status_code == 403, (role, method, path)
            if path == "/imports/1/map":
                posted = client.client.post(path, headers={"X-CSRF-Token": client.csrf})
                assert posted.status_code == 403, (role, path)
    leader = browser("leader")
    assert leader.get("/imports/1/map").status_code == 403  # leaders do not import
    assert leader.get("/playbooks/new/build").status_code == 200
    admin = browser("admin")
    assert admin.get("/imports/1/map").status_code == 404  # allowed, but no such upload
    assert admin.get("/playbooks/new/build").status_code == 200


@SQLITE_ONLY
def test_everyone_signed_in_has_an_inbox_and_choices(
    anonymous: TestClient, browser: Callable[[str], Browser]
) -> None:
    """The inbox and the notification choices are every role's own (read permission,
    auditors included); nobody reaches them signed out."""
    for path in ("/inbox", "/settings/notifications"):
        assert anonymous.get(path).headers["location"].startswith("/login?next=")
    for role in ("admin", "leader", "member", "auditor"):
        client = browser(role)
        assert client.get("/inbox").status_code == 200, role
        assert client.get("/settings/notifications").status_code == 200, role
        assert client.post("/inbox/read-all").status_code == 303, role
        saved = client.post("/settings/notifications", {"email": ["mention"], "digest": "off"})
        assert saved.status_code == 303, role
        assert client.post("/inbox/read-all", csrf=False).status_code == 403, role


ACCOUNT_REVIEW_ROUTES = {
    ("/accounts/{account_id}/reviews", "GET"): "everyone who reads",
    ("/accounts/{account_id}/reviews", "POST"): "the account team, leaders, admins",
    ("/accounts/{account_id}/reviews/{period}", "GET"): "everyone who reads",
    ("/accounts/{account_id}/reviews/{period}.pdf", "GET"): "everyone who reads",
    ("/accounts/{account_id}/reviews/{period}", "POST"): "the account team, leaders, admins",
    (
        "/accounts/{account_id}/reviews/{period}/approve",
        "POST",
    ): "the account team, leaders, admins",
}


def test_account_review_routes_by_role(
    app: FastAPI, browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    routes = {(r.path, m) for r in route_access(app) for m in r.methods - {"HEAD"}}
    assert set(ACCOUNT_REVIEW_ROUTES) <= routes
    acme, beta = record["C-1"], record["C-2"]
    for quarter, role in enumerate(("admin", "leader", "member", "auditor"), start=1):
        client = browser(role)
        assert client.get(f"/accounts/{acme}/reviews/2026Q1").status_code == 200, role
        assert client.get(f"/accounts/{acme}/reviews/2026Q1.pdf").status_code == 200, role
        on_team = client.post(f"/accounts/{acme}/reviews/2026Q1", {"summary": "s"})
        elsewhere = client.post(f"/accounts/{beta}/reviews/2026Q{quarter}/approve", {})
        expected = {"admin": (303, 303), "leader": (303, 303), "member": (303, 403)}
        assert (on_team.status_code, elsewhere.status_code) == expected.get(role, (403, 403)), role


ACCOUNT_REVIEW_API = {
    ("/api/v1/accounts/{account_id}/reviews", "GET"): Permission.READ,
    ("/api/v1/accounts/{account_id}/reviews", "POST"): Permission.WRITE,
    ("/api/v1/reviews/{review_id}", "GET"): Permission.READ,
    ("/api/v1/reviews/{review_id}.pdf", "GET"): Permission.READ,
    ("/api/v1/reviews/{review_id}", "PATCH"): Permission.WRITE,
    ("/api/v1/reviews/{review_id}/approve", "POST"): Permission.WRITE,
}


def test_account_review_api_by_role_and_scope(
    app: FastAPI,
    anonymous: TestClient,
    token: Callable[[str, str], str],
    browser: Callable[[str], Browser],
    record: dict[str, int],
) -> None:
    """Reading is for every role and scope that reads; starting, editing and approving
    need a write token of the account's team, a leader or an admin (the pages agree)."""
    declared = {
        (r.path, m): r.permission for r in route_access(app) if r.api for m in r.methods - {"HEAD"}
    }
    assert {k: declared.get(k) for k in ACCOUNT_REVIEW_API} == ACCOUNT_REVIEW_API
    acme, beta = record["C-1"], record["C-2"]
    assert browser("member").get(f"/accounts/{acme}/reviews").status_code == 200
    assert (
        browser("auditor").post(f"/accounts/{acme}/reviews", {"period": "2026Q1"}).status_code
        == 403
    )
    expected = {  # (start on Acme, start on Beta, read, edit, approve) with a write token
        "admin": (201, 201, 200, 200, 200),
        "leader": (201, 201, 200, 200, 200),
        "member": (201, 403, 200, 200, 200),
        "auditor": (403, 403, 200, 403, 403),
    }
    for quarter, (role, statuses) in enumerate(expected.items(), start=1):
        write, read = bearer(token(role, "write")), bearer(token(role, "read"))
        period = {"period": f"2025Q{quarter}"}
        on_acme = anonymous.post(f"/api/v1/accounts/{acme}/reviews", json=period, headers=write)
        on_beta = anonymous.post(f"/api/v1/accounts/{beta}/reviews", json=period, headers=write)
        started = on_acme.status_code
        if started != 201:  # refused: read and try to edit an admin's draft instead
            admin = bearer(token("admin", "write"))
            on_acme = anonymous.post(f"/api/v1/accounts/{acme}/reviews", json=period, headers=admin)
        rid = on_acme.json()["id"]
        assert anonymous.post(f"/api/v1/reviews/{rid}/approve", headers=read).status_code == 403
        got = (
            started,
            on_beta.status_code,
            anonymous.get(f"/api/v1/reviews/{rid}", headers=read).status_code,
            anonymous.patch(f"/api/v1/reviews/{rid}", json={}, headers=write).status_code,
            anonymous.post(f"/api/v1/reviews/{rid}/approve", headers=write).status_code,
        )
        assert got == statuses, role
        pdf = anonymous.get(f"/api/v1/reviews/{rid}.pdf", headers=read)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), role
        ingest = bearer(token("admin", "ingest"))
        assert anonymous.get(f"/api/v1/reviews/{rid}", headers=ingest).status_code == 403
