"""Webhook bodies (Slack- and Teams-compatible JSON) and their HMAC-SHA256 signature.

A signed request carries ``X-Keepwell-Timestamp`` (Unix seconds) and
``X-Keepwell-Signature: sha256=<hex>``, the HMAC-SHA256 of ``<timestamp>.<body>`` under
the shared secret. Receivers recompute it and refuse old timestamps (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any

TIMEOUT = 15.0
SIGNATURE_HEADER = "X-Keepwell-Signature"
TIMESTAMP_HEADER = "X-Keepwell-Timestamp"
FORMATS = ("slack", "teams")


class WebhookError(RuntimeError):
    """The endpoint did not accept the request."""


def body_for(kind: str, title: str, lines: list[str], link: str) -> dict[str, Any]:
    """The JSON body in the ``slack`` (Block Kit) or ``teams`` (Adaptive Card) format."""
    if kind == "teams":
        items = [{"type": "TextBlock", "text": title, "weight": "bolder", "wrap": True}]
        items += [{"type": "TextBlock", "text": f"- {line}", "wrap": True} for line in lines]
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": items,
            "actions": [{"type": "Action.OpenUrl", "title": "Open Keepwell", "url": link}],
        }
        content = {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        return {"type": "message", "attachments": [content]}
    text = "\n".join(f"• {line}" for line in lines)
    return {
        "text": f"{title}\n{text}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000] or "-"}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"<{link}|Open Keepwell>"}],
            },
        ],
    }


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = 300,
) -> bool:
    """True when ``signature`` is ours for ``body`` and ``timestamp`` is recent."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    if abs((now if now is not None else time.time()) - stamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature)


def post(
    url: str, payload: dict[str, Any], secret: str | None, *, now: float | None = None
) -> None:
    """POST ``payload`` as JSON, signed when a secret is set; ``WebhookError`` unless 2xx."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "keepwell-webhook"}
    if secret:
        stamp = int(now if now is not None else time.time())
        headers[TIMESTAMP_HEADER] = str(stamp)
        headers[SIGNATURE_HEADER] = sign(secret, stamp, body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"{url} answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise WebhookError(f"{url} unreachable: {exc}") from None
    if not 200 <= status < 300:
        raise WebhookError(f"{url} answered {status}")
