"""Links from a number to the accounts behind it, for pages, the review and the digests.

Pages link relative to the app; documents that leave the app (the review's HTML and PDF,
e-mails) pass ``base``, the app's public address.
"""

from __future__ import annotations

from urllib.parse import urlencode

from keepwell.web.queries import PortfolioFilters


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


def filtered_url(filters: PortfolioFilters, **changes: str | int | bool | None) -> str:
    """The portfolio with ``filters`` and the ``changes`` (a number's own accounts)."""
    params: dict[str, str | int | bool | None] = {
        "status": filters.status or "any",
        "segment": filters.segment,
        "region": filters.region,
        "owner": filters.owner,
        "department": filters.department,
        "search": filters.search,
        "risk": filters.risk,
        "unowned": filters.unowned,
        "left_since": filters.left_since.isoformat() if filters.left_since else None,
    }
    params.update(changes)
    return portfolio_url("", **params)


class PortfolioLinks:
    """The portfolio figures' links: each opens the accounts behind the figure."""

    def __init__(self, filters: PortfolioFilters) -> None:
        self.filters = filters

    @property
    def scored(self) -> str:
        """Every matching account, riskiest first."""
        return filtered_url(self.filters, sort="risk")

    @property
    def at_risk(self) -> str:
        """The matching accounts at risk, riskiest first."""
        return filtered_url(self.filters, risk="at_risk", sort="risk")

    @property
    def revenue_at_risk(self) -> str:
        """Every matching account, most revenue at risk first."""
        return filtered_url(self.filters, sort="at_risk")

    @property
    def unowned(self) -> str:
        """The matching accounts at risk that have no owner."""
        return filtered_url(self.filters, risk="at_risk", unowned=True, sort="risk")
