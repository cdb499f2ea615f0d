"""Digests of secrets for authentication: session ids, API tokens and shared links."""

from __future__ import annotations

import hashlib
import secrets


def digest(secret: str) -> str:
    """The SHA-256 hex digest of a high-entropy secret (session id, API token)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """A fresh random secret with 256 bits of entropy, URL-safe."""
    return secrets.token_urlsafe(32)
