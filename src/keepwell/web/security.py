"""Security headers, session cookies and CSRF tokens.

State-changing requests authenticated by the session cookie must carry the session's
synchronizer token, in the ``csrf_token`` form field or the ``X-CSRF-Token`` header.
Requests authenticated by an API token carry no cookie and need no CSRF token. The
sign-in form, which has no session yet, uses a double-submit token in its own cookie.
"""

from __future__ import annotations

import hmac

from fastapi import Request, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keepwell.auth.digests import new_secret
from keepwell.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000"


class SecurityHeadersMiddleware:
    """Adds the security headers to every response; dynamic responses are not cached."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if self.https:
                    headers["Strict-Transport-Security"] = HSTS
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def cookie_name(base: str, settings: Settings) -> str:
    """``__Host-`` prefixed when cookies are HTTPS-only (the browser then pins them to this
    host and path ``/``, so a sibling domain or plain HTTP cannot plant or overwrite them)."""
    return f"__Host-{base}" if settings.cookie_secure else base


def session_cookie_name(settings: Settings) -> str:
    """The session cookie's name."""
    return cookie_name("keepwell_session", settings)


def login_csrf_cookie_name(settings: Settings) -> str:
    """The sign-in form's double-submit cookie's name."""
    return cookie_name("keepwell_login_csrf", settings)


def set_session_cookie(response: Response, raw: str, settings: Settings) -> None:
    """Set the session cookie: HttpOnly, SameSite=Lax, Secure unless configured off."""
    response.set_cookie(
        session_cookie_name(settings),
        raw,
        max_age=int(settings.session_hours * 3600),
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(
        session_cookie_name(settings),
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


def tokens_match(expected: str | None, submitted: str | None) -> bool:
    """Constant-time comparison of two tokens; a missing one never matches."""
    if not expected or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token sent with a state-changing request (header or form field)."""
    header = request.headers.get(CSRF_HEADER)
    if header or request.method in SAFE_METHODS:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def login_csrf(request: Request, settings: Settings) -> str:
    """The sign-in form's double-submit token: the browser's cookie value, or a new one."""
    current = request.cookies.get(login_csrf_cookie_name(settings))
    return current if current and len(current) <= 64 else new_secret()


def set_login_csrf(response: Response, token: str, settings: Settings) -> None:
    """Store the sign-in form's token in its short-lived cookie."""
    response.set_cookie(
        login_csrf_cookie_name(settings),
        token,
        max_age=3600,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )
