"""The portfolio's links from a number to the accounts behind it, with the page's filters.

The plain builders (``portfolio_url``, ``account_url``) are ``keepwell.rendering.links``.
"""

from __future__ import annotations

from keepwell.rendering.links import portfolio_url
from keepwell.web.queries import PortfolioFilters


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
