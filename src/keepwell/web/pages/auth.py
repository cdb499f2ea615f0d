"""Signing in and out, changing one's password, the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from keepwell.auth.login import authenticate, check_current_password
from keepwell.auth.passwords import MAX_LENGTH, PasswordPolicyError
from keepwell.auth.service import UserError, change_password
from keepwell.auth.sessions import end_session, resolve_session, start_session
from keepwell.web.deps import PUBLIC, CurrentUser, SessionDep, StateDep
from keepwell.web.security import (
    clear_session_cookie,
    login_csrf,
    login_csrf_cookie_name,
    session_cookie_name,
    set_login_csrf,
    set_session_cookie,
    tokens_match,
)
from keepwell.web.state import WebState
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
SEE_OTHER = 303
Password = Annotated[str, Form(max_length=MAX_LENGTH)]


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page.

    Browsers drop tabs and newlines from URLs and read ``\\`` as ``/``, so a target with
    control characters or spaces, or one starting ``//`` or ``/\\``, is refused.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and not any(ord(c) <= 0x20 or ord(c) == 0x7F for c in target)
    ):
        return target
    return "/"


@router.get("/healthz", dependencies=[PUBLIC])
def health() -> dict[str, str]:
    """Answers while the application runs (for load balancers and monitors)."""
    return {"status": "ok"}


@router.get("/login", dependencies=[PUBLIC])
def login_page(
    request: Request,
    db: SessionDep,
    state: StateDep,
    next_url: Annotated[str, Query(alias="next", max_length=2048)] = "/",
) -> Response:
    """The sign-in form (or straight on, for someone already signed in)."""
    if resolve_session(db, request.cookies.get(session_cookie_name(state.settings))):
        return RedirectResponse(safe_next(next_url), status_code=SEE_OTHER)
    return _login_form(request, state, next_url=next_url)


@router.post("/login", dependencies=[PUBLIC])
def login(
    request: Request,
    db: SessionDep,
    state: StateDep,
    email: Annotated[str, Form(max_length=320)],
    password: Password,
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next_url: Annotated[str, Form(alias="next", max_length=2048)] = "/",
) -> Response:
    """Check the credentials; on success open a session and go on to ``next``."""
    if not tokens_match(request.cookies.get(login_csrf_cookie_name(state.settings)), csrf_token):
        return _login_form(
            request,
            state,
            next_url=next_url,
            error="The form expired; please try again.",
            status=403,
        )
    result = authenticate(db, email, password, client_address(request), state.settings)
    db.commit()
    if result.user is None:
        if result.locked_until is not None:
            until = result.locked_until.strftime("%H:%M UTC")
            error = f"Too many failed sign-ins. Try again after {until}."
            return _login_form(
                request, state, next_url=next_url, error=error, email=email, status=429
            )
        error = "The email or the password is not right."
        return _login_form(request, state, next_url=next_url, error=error, email=email, status=401)
    raw, _row = start_session(db, result.user, state.settings.session_hours)
    db.commit()
    response = RedirectResponse(safe_next(next_url), status_code=SEE_OTHER)
    set_session_cookie(response, raw, state.settings)
    response.delete_cookie(
        login_csrf_cookie_name(state.settings), path="/", secure=state.settings.cookie_secure
    )
    return response


@router.post("/logout")
def logout(who: CurrentUser, db: SessionDep, state: StateDep) -> Response:
    """End this browser's session."""
    if who.session is not None:
        end_session(db, who.session)
        db.commit()
    response = RedirectResponse("/login", status_code=SEE_OTHER)
    clear_session_cookie(response, state.settings)
    return response


@router.get("/password")
def password_page(request: Request, who: CurrentUser) -> Response:
    """The form to change one's own password."""
    return render(request, "password.html", {})


@router.post("/password")
def password_change(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    state: StateDep,
    current: Password,
    new: Password,
    confirm: Password,
) -> Response:
    """Change one's password; every other session of the user ends and their API tokens
    are revoked. Wrong current passwords count towards the sign-in lockout (429 then)."""
    if new != confirm:
        return render(request, "password.html", {"error": "The new passwords differ."}, status=422)
    checked = check_current_password(db, who.user, current, client_address(request), state.settings)
    if not checked.ok:
        db.commit()
        if checked.locked_until is not None:
            until = checked.locked_until.strftime("%H:%M UTC")
            error = f"Too many wrong passwords. Try again after {until}."
            return render(request, "password.html", {"error": error}, status=429)
        error = "The current password is not right."
        return render(request, "password.html", {"error": error}, status=422)
    keep = who.session.id if who.session else None
    try:
        change_password(db, who.user, current, new, keep_session=keep, checked=True)
    except (UserError, PasswordPolicyError) as exc:
        db.rollback()
        return render(request, "password.html", {"error": str(exc).capitalize()}, status=422)
    db.commit()
    return render(request, "password.html", {"done": True})


def client_address(request: Request) -> str:
    """The connecting address (a trusted proxy's forwarded one only when
    ``KEEPWELL_TRUSTED_PROXIES`` names that proxy)."""
    return request.client.host if request.client else "unknown"


def _login_form(
    request: Request,
    state: WebState,
    *,
    next_url: str,
    error: str | None = None,
    email: str = "",
    status: int = 200,
) -> Response:
    token = login_csrf(request, state.settings)
    context = {"login_csrf": token, "next": safe_next(next_url), "error": error, "email": email}
    response = render(request, "login.html", context, status=status)
    set_login_csrf(response, token, state.settings)
    return response
