"""The API refuses query parameters its OpenAPI document does not declare (422).

A misspelt filter (``?stauts=open``) would otherwise be ignored silently and answer with
every row; the document is the contract, so it also decides what is known.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts

from keepwell.web.api.meta import openapi_document

Documented = dict[tuple[str, str], frozenset[str]]


async def refuse_unknown_query(request: Request) -> None:
    """Raise a validation error naming every query parameter the operation does not declare."""
    if not request.query_params:
        return
    path = route_paths(request.app).get(id(request.scope.get("route")))
    known = documented_queries(request.app).get((str(path), request.method))
    if known is None:
        return
    unknown = sorted(set(request.query_params.keys()) - known)
    if unknown:
        raise RequestValidationError([_error(name, request) for name in unknown])


def documented_queries(app: FastAPI) -> Documented:
    """The declared query parameter names of every operation, by (path, method); built once."""
    found: Documented | None = getattr(app.state, "documented_queries", None)
    if found is None:
        found = {}
        for path, item in openapi_document(app).get("paths", {}).items():
            for method, operation in item.items():
                parameters = operation.get("parameters", []) if isinstance(operation, dict) else []
                names = frozenset(p["name"] for p in parameters if p.get("in") == "query")
                found[(path, method.upper())] = names
        app.state.documented_queries = found
    return found


def route_paths(app: FastAPI) -> dict[int, str]:
    """The full path template of every route (included routers keep theirs relative)."""
    found: dict[int, str] | None = getattr(app.state, "route_paths", None)
    if found is None:
        found = {id(c.original_route): c.path or "" for c in iter_route_contexts(app.routes)}
        app.state.route_paths = found
    return found


def _error(name: str, request: Request) -> dict[str, Any]:
    return {
        "loc": ("query", name),
        "msg": "unknown query parameter; see the operation's parameters in /api/docs",
        "type": "extra_forbidden",
        "input": request.query_params.get(name),
    }
