"""Who am I, the OpenAPI document and the API reference page."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from keepwell.web.deps import ApiAnyToken, ApiReader, CurrentUser
from keepwell.web.problem_details import problem_responses
from keepwell.web.schemas import MePublic
from keepwell.web.templating import render

router = APIRouter(tags=["meta"], responses=problem_responses(401, 403))
docs_router = APIRouter(include_in_schema=False)


@router.get("/api/v1/me", summary="Who am I")
def me(who: ApiReader) -> MePublic:
    """The caller: user, role, permissions, and the token used if any (with its expiry)."""
    expiry = who.token.expires_at if who.token else None
    return MePublic(
        id=who.user.id,
        email=who.user.email,
        name=who.user.name,
        role=who.user.role,
        permissions=sorted(who.permissions),
        via="token" if who.token else "session",
        scope=who.token.scope if who.token else None,
        token_name=who.token.name if who.token else None,
        token_expires_at=expiry.replace(tzinfo=UTC) if expiry else None,
    )


SECURITY_SCHEMES = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (`kw_...`) scoped read, write or ingest.",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "__Host-keepwell_session",
        "description": "A browser session; state-changing calls also need `X-CSRF-Token`.",
    },
}


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The application's OpenAPI document with its authentication schemes (built once)."""
    spec: dict[str, Any] = app.openapi()
    components = spec.setdefault("components", {})
    if "securitySchemes" not in components:
        components["securitySchemes"] = SECURITY_SCHEMES
        spec["security"] = [{"bearerToken": []}, {"sessionCookie": []}]
    return spec


@router.get("/api/openapi.json", include_in_schema=False)
def openapi(request: Request, who: ApiAnyToken) -> JSONResponse:
    """The OpenAPI 3.1 description of this API (any token, of any scope)."""
    return JSONResponse(openapi_document(request.app))


@docs_router.get("/api/docs")
def api_docs(request: Request, who: CurrentUser) -> Response:
    """The API reference, rendered on the server from the OpenAPI document."""
    spec = openapi_document(request.app)
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, item in spec.get("paths", {}).items()
        for method, operation in item.items()
    ]
    return render(request, "api_docs.html", {"spec": spec, "operations": operations})
