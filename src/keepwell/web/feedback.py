"""One-time confirmations after an action ("flash"), shown once on the next page.

The whole API, for page handlers after a successful POST::

    from keepwell.web import feedback

    return feedback.redirect(request, "/problems/7", "Problem confirmed.")
    # or, on a response you built yourself:
    feedback.flash(request, response, "Saved.")

``render`` (web/templating.py) takes the message of a full-page request and puts it in
the context as ``flash``; base.html shows it once in a ``role="status"`` banner. An htmx
request that swaps a fragment shows its confirmation in the fragment instead (put it in
the fragment's context), and leaves a pending flash for the next full page.

Not spoofable: the message travels in a short-lived cookie signed with HMAC-SHA256 under
the signed-in session's own secret (its CSRF synchronizer token, never in a URL). A
crafted link cannot set it, and a cookie written by anything but the app for this very
session is ignored. It lives ``LIFETIME`` seconds and is cleared once shown.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from keepwell.web.state import web_state

COOKIE = "keepwell_flash"
LIFETIME = 60
MAX_MESSAGE = 300


def redirect(request: Request, url: str, message: str) -> RedirectResponse:
    """A 303 to ``url`` that shows ``message`` once on the page it lands on."""
    response = RedirectResponse(url, status_code=303)
    flash(request, response, message)
    return response


def flash(request: Request, response: Response, message: str) -> None:
    """Attach ``message`` to ``response`` for the next full page of this session."""
    key = _key(request)
    if key is None:
        return
    payload = {"m": message[:MAX_MESSAGE], "e": int(time.time()) + LIFETIME}
    raw = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    response.set_cookie(
        COOKIE,
        f"{raw}.{_sign(key, raw)}",
        max_age=LIFETIME,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


def take(request: Request) -> str | None:
    """The message waiting for this request's session, if a genuine one is there."""
    value = request.cookies.get(COOKIE)
    key = _key(request)
    if not value or key is None or "." not in value:
        return None
    raw, mac = value.rsplit(".", 1)
    if not hmac.compare_digest(_sign(key, raw), mac):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        message, expires = str(data["m"]), int(data["e"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    return message if expires >= time.time() else None


def clear(request: Request, response: Response) -> None:
    """Drop the cookie once its message was shown (or when it was not genuine)."""
    if COOKIE in request.cookies:
        response.delete_cookie(COOKIE, path="/", secure=_secure(request), httponly=True)


def _key(request: Request) -> bytes | None:
    principal = getattr(request.state, "principal", None)
    session = getattr(principal, "session", None)
    token = getattr(session, "csrf_token", None)
    return f"flash:{token}".encode() if token else None


def _sign(key: bytes, raw: str) -> str:
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()


def _secure(request: Request) -> bool:
    return bool(web_state(request).settings.cookie_secure)
