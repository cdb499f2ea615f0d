"""Links from a number to the accounts behind it, for pages, the reviews and the digests.

Pages link relative to the app; documents that leave the app (the review's HTML and PDF,
e-mails) pass ``base``, the app's public address.
"""

from __future__ import annotations

from urllib.parse import urlencode

__all__ = ["account_url", "portfolio_url"]


def portfolio_url(base: str = "", /, **params: str | int | bool | None) -> str:
    """``/portfolio`` with the given filters (empty and false values left out)."""
    query = {
        k: ("1" if v is True else str(v)) for k, v in params.items() if v not in (None, "", False)
    }
    path = f"{base.rstrip('/')}/portfolio"
    return f"{path}?{urlencode(query)}" if query else path


def account_url(account_id: int, base: str = "") -> str:
    """The account's page."""
    return f"{base.rstrip('/')}/accounts/{account_id}"
