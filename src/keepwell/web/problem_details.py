"""Errors as RFC 9457 problem details on the API and as error pages in the browser."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.status import HTTP_303_SEE_OTHER

from keepwell.auth.visibility import HiddenFieldError
from keepwell.errors import Conflict, KeepwellError, NotAllowed, NotFound
from keepwell.web.deps import Forbidden, NotAuthenticated
from keepwell.web.templating import render

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "/api/docs#problem-"
log = logging.getLogger(__name__)
TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    422: "Unprocessable content",
    500: "Internal server error",
}


class Problem(BaseModel):
    """An RFC 9457 problem detail; extension members may follow."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


class ApiProblem(Exception):
    """Raised by API code to answer with a problem detail of ``kind``."""

    def __init__(self, status: int, detail: str, kind: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.kind, self.extra = status, detail, kind, extra


def problem_response(
    request: Request,
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A ``application/problem+json`` response; ``kind`` names a documented problem type."""
    body = Problem(
        type=PROBLEM_BASE + kind if kind else "about:blank",
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.url.path,
        **extra,
    )
    content = jsonable_encoder(body, exclude_none=True)
    return JSONResponse(content, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring problem details for ``statuses``."""
    return {
        status: {"model": Problem, "description": TITLES[status], "content": {PROBLEM_JSON: {}}}
        for status in statuses
    }


def is_api(request: Request) -> bool:
    """True for JSON API paths (the API docs page is a page)."""
    path = request.url.path
    return path.startswith("/api/") and path != "/api/docs"


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error as a problem detail (API) or an error page (browser)."""
    app.add_exception_handler(NotAuthenticated, _not_authenticated)  # type: ignore[arg-type]
    app.add_exception_handler(Forbidden, _forbidden)  # type: ignore[arg-type]
    app.add_exception_handler(HiddenFieldError, _hidden_field)  # type: ignore[arg-type]
    app.add_exception_handler(ApiProblem, _api_problem)  # type: ignore[arg-type]
    app.add_exception_handler(KeepwellError, _keepwell_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, _unstorable)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
    if exc.api:
        headers = {"WWW-Authenticate": 'Bearer realm="keepwell"'}
        return problem_response(request, 401, exc.detail, headers=headers)
    target = "/login?next=" + _next(request)
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=HTTP_303_SEE_OTHER)


def _next(request: Request) -> str:
    path = request.url.path if request.method == "GET" else "/"
    if request.method == "GET" and request.url.query:
        path += "?" + request.url.query
    return quote(path, safe="")


def _forbidden(request: Request, exc: Forbidden) -> Response:
    if exc.api:
        return problem_response(request, 403, exc.detail, kind="forbidden")
    return _error_page(request, 403, exc.detail)


def _hidden_field(request: Request, exc: HiddenFieldError) -> Response:
    if is_api(request):
        return problem_response(request, 403, str(exc), kind="forbidden", fields=exc.fields)
    return _error_page(request, 403, str(exc))


def _api_problem(request: Request, exc: ApiProblem) -> Response:
    return problem_response(request, exc.status, exc.detail, kind=exc.kind, **exc.extra)


def _keepwell_error(request: Request, exc: KeepwellError) -> Response:
    """Any of Keepwell's own errors, with the status its class (or instance) carries."""
    if is_api(request):
        return problem_response(request, exc.status, str(exc), kind=problem_type(exc))
    return _error_page(request, exc.status, str(exc))


def problem_type(exc: KeepwellError) -> str:
    """The documented problem type of ``exc``: its own, else its kind of error."""
    if exc.problem_type is not None:
        return exc.problem_type
    if isinstance(exc, NotAllowed):
        return "forbidden"
    if isinstance(exc, NotFound):
        return "not-found"
    if isinstance(exc, Conflict):
        return "conflict"
    return "validation"


def _http_error(request: Request, exc: HTTPException) -> Response:
    headers = dict(exc.headers) if exc.headers else None
    if is_api(request):
        return problem_response(request, exc.status_code, str(exc.detail), headers=headers)
    return _error_page(request, exc.status_code, str(exc.detail))


def _invalid(request: Request, exc: RequestValidationError) -> Response:
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    if is_api(request):
        detail = "the request does not match the API's schema"
        return problem_response(request, 422, detail, kind="validation", errors=errors)
    detail = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in errors)
    return _error_page(request, 400, detail or "the request is not valid")


def _unstorable(request: Request, exc: DataError) -> Response:
    """A value the database cannot hold (a NUL character, a number out of range)."""
    log.info("value refused by the database on %s: %s", request.url.path, exc.orig)
    detail = "a value in the request cannot be stored or compared (e.g. a NUL character)"
    if is_api(request):
        return problem_response(request, 422, detail, kind="validation", errors=[])
    return _error_page(request, 400, detail)


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_api(request):
        return problem_response(request, 500, "an unexpected error happened; it was logged")
    return _error_page(request, 500, "an unexpected error happened; it was logged")


def _error_page(request: Request, status: int, detail: str) -> Response:
    context = {"status": status, "title": TITLES.get(status, "Error"), "detail": detail}
    return render(request, "error.html", context, status=status)
