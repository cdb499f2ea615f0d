"""Property-based API tests from the OpenAPI document: no request makes the server fail.

Every operation of ``/api/openapi.json`` gets valid and invalid requests, and those with
an id in the path also valid requests for the record's first row
(deterministic, so a failure repeats) against a real uvicorn server with a small record,
authenticated by an admin's tokens (ingest scope for imports, write scope otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from sqlalchemy import Engine
from tests.web.conftest import SQLITE_ONLY, bearer, make_settings
from tests.web.liveserver import serve

from keepwell.web import create_app

pytestmark = SQLITE_ONLY
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 12}
ON_FIRST_ROW = 12


@pytest.fixture
def server(engine: Engine, tmp_path: Path, record: dict[str, int]) -> Iterator[str]:
    """The app with the small record behind a real HTTP server."""
    with serve(create_app(make_settings(tmp_path), engine)) as url:
        yield url


def run_operation(case_strategy: object, call: Callable[[Case], None], examples: int) -> None:
    """Run ``call`` on ``examples`` deterministic cases drawn from the strategy."""

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=case_strategy)
    def check(case: Case) -> None:
        call(case)

    check()


def test_no_request_makes_the_server_fail(
    server: str, token: Callable[[str, str], str], people: dict[str, int]
) -> None:
    """Valid and invalid requests to every operation answer without a 5xx."""
    writer, ingester = bearer(token("admin", "write")), bearer(token("admin", "ingest"))
    schema = schemathesis.openapi.from_url(f"{server}/api/openapi.json", headers=writer)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        headers = ingester if operation.path.startswith("/api/v1/imports") else writer

        def call(case: Case, headers: dict[str, str] = headers) -> None:
            response = case.call(base_url=server, headers=headers, timeout=30)
            case.validate_response(response, checks=[not_a_server_error], headers=headers)

        for mode, examples in EXAMPLES.items():
            run_operation(operation.as_strategy(generation_mode=mode), call, examples)
        ids = {p.name: 1 for p in operation.path_parameters}
        if ids:  # the record's first rows exist: reach past the 404 into the filters
            strategy = operation.as_strategy(path_parameters=ids)
            run_operation(strategy, call, ON_FIRST_ROW)
