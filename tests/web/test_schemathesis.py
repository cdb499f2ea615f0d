"""Property-based API tests from the OpenAPI document: the API keeps its contract.

Every operation of ``/api/openapi.json`` gets valid and invalid requests, and those with
an id in the path also valid requests for the record's first row (deterministic, so a
failure repeats), against a real uvicorn server with a small record. Each is sent with
the token its permission calls for (an admin's ingest token for imports and telemetry
ingest, an admin's write token otherwise), and a few with a token of the other scope
and with a member's write token (refusals and hidden money must keep the contract too).

Every answer is checked: no server error, the status code, content type, headers and
body as the document declares them. All violations are collected and reported at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation.case import Case
from sqlalchemy import Engine
from tests.web.conftest import SQLITE_ONLY, bearer, make_settings
from tests.web.liveserver import serve

from keepwell.auth.permissions import Permission
from keepwell.web import create_app
from keepwell.web.deps import route_access

pytestmark = SQLITE_ONLY
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}
ON_FIRST_ROW = 6
OTHER_TOKENS = 2
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def app(engine: Engine, tmp_path: Path, record: dict[str, int]) -> FastAPI:
    """The app with the small record."""
    return create_app(make_settings(tmp_path), engine)


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    """The app behind a real HTTP server."""
    with serve(app) as url:
        yield url


def run_operation(case_strategy: object, call: Callable[[Case], None], examples: int) -> None:
    """Run ``call`` on ``examples`` deterministic cases drawn from the strategy."""

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=case_strategy)
    def check(case: Case) -> None:
        call(case)

    check()


def test_every_operation_keeps_the_contract(
    app: FastAPI, server: str, token: Callable[[str, str], str], people: dict[str, int]
) -> None:
    """No 5xx and no schema violation, whatever the request and whichever the token."""
    tokens = {
        "write": bearer(token("admin", "write")),
        "ingest": bearer(token("admin", "ingest")),
        "member": bearer(token("member", "write")),
    }
    importing = {
        (route.path, method)
        for route in route_access(app)
        if route.permission is Permission.IMPORT
        for method in route.methods
    }
    schema = schemathesis.openapi.from_url(f"{server}/api/openapi.json", headers=tokens["ingest"])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    violations: list[str] = []
    sent: Counter[str] = Counter()

    def caller(headers: dict[str, str], who: str) -> Callable[[Case], None]:
        def call(case: Case) -> None:
            sent[who] += 1
            response = case.call(base_url=server, headers=headers, timeout=30)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Failure, FailureGroup) as found:  # a check failed: record it, keep going
                failures = found.exceptions if isinstance(found, FailureGroup) else (found,)
                for failure in failures:
                    title = getattr(failure, "title", type(failure).__name__)
                    violations.append(
                        f"{who} {case.method} {case.formatted_path} -> {response.status_code}: "
                        f"{title}: {str(failure).strip().splitlines()[:4]}"
                    )

        return call

    for operation in operations:
        ingest = (operation.path, operation.method.upper()) in importing
        own, other = ("ingest", "write") if ingest else ("write", "ingest")
        call = caller(tokens[own], own)
        for mode, examples in EXAMPLES.items():
            run_operation(operation.as_strategy(generation_mode=mode), call, examples)
        ids = {p.name: 1 for p in operation.path_parameters}
        if ids:  # the record's first rows exist: reach past the 404 into the filters
            run_operation(operation.as_strategy(path_parameters=ids), call, ON_FIRST_ROW)
        for who in (other, "member"):
            run_operation(
                operation.as_strategy(path_parameters=ids), caller(tokens[who], who), OTHER_TOKENS
            )
    print(f"{len(operations)} operations, requests by token: {dict(sent)}")
    assert not violations, f"{len(violations)} violations:\n" + "\n".join(sorted(set(violations)))
