"""The API keeps its contract: bad input is a 422, never a 500; the document says what is."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from starlette.testclient import TestClient
from tests.web.conftest import bearer

from keepwell.web.deps import route_access

PROBLEM = "application/problem+json"


def test_out_of_range_days_ids_and_nulls_are_422(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    auth = bearer(token("admin", "write"))
    for url in (
        "/api/v1/problems/counts-by-account?as_of=0001-01-01",
        "/api/v1/problems?as_of=9999-12-31",
        "/api/v1/accounts?as_of=0001-01-01",
        "/api/v1/voice/comments?since=0001-01-01T00:00:00Z",
        "/api/v1/tickets?opened_at_since=0001-01-01T00:00:00",
    ):
        answer = anonymous.get(url, headers=auth)
        assert answer.status_code == 422, (url, answer.text)
        assert answer.headers["content-type"] == PROBLEM
    for path, body in (
        ("/api/v1/problems/1/merge", {"sources": [2**63]}),
        (f"/api/v1/problems/{2**63}/merge", {"sources": [2]}),
        ("/api/v1/problems/detect", {"seed": 2**63}),
    ):
        answer = anonymous.post(path, json=body, headers=auth)
        assert answer.status_code == 422, (path, answer.text)
    nulled = anonymous.patch("/api/v1/problems/1", json={"status": None}, headers=auth)
    assert nulled.status_code == 422 and "status must be one of" in nulled.json()["detail"]


def test_moments_with_an_offset_are_compared_and_answered_with_one(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    auth = bearer(token("admin", "read"))
    since = anonymous.get("/api/v1/voice/comments?since=2000-01-01T00:00:00Z", headers=auth)
    assert since.status_code == 200, since.text
    tickets = anonymous.get(
        "/api/v1/tickets?opened_at_since=2000-01-01T02:00:00%2B02:00", headers=auth
    ).json()["items"]
    assert tickets and all(t["opened_at"].endswith("Z") for t in tickets)
    timeline = anonymous.get(f"/api/v1/accounts/{record['C-1']}/timeline", headers=auth)
    assert all(e["at"].endswith("Z") for e in timeline.json()["items"])


def test_unknown_query_parameters_are_refused(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    auth = bearer(token("admin", "read"))
    for url in (
        "/api/v1/orders?stauts=open",
        "/api/v1/problems?bogus=1",
        "/api/v1/accounts?serach=Acme",
        "/api/v1/voice/comments?sentiment_is=bad",
    ):
        answer = anonymous.get(url, headers=auth)
        assert answer.status_code == 422, url
        name = url.partition("?")[2].partition("=")[0]
        assert [e["loc"] for e in answer.json()["errors"]] == [["query", name]], url
        assert answer.json()["errors"][0]["type"] == "extra_forbidden", url
    assert anonymous.get("/api/v1/orders?status=open", headers=auth).status_code == 200


def test_the_document_is_for_any_token_and_each_path_is_one_operation(
    app: FastAPI, anonymous: TestClient, token: Callable[[str, str], str]
) -> None:
    for scope in ("read", "write", "ingest"):
        answer = anonymous.get("/api/openapi.json", headers=bearer(token("admin", scope)))
        assert answer.status_code == 200, scope
    assert anonymous.get("/api/openapi.json").status_code == 401
    operations = [(route.path, method) for route in route_access(app) for method in route.methods]
    twice = {op for op in operations if operations.count(op) > 1}
    assert not twice, twice
