"""Page numbers for the browser's lists, keeping the other query parameters in links."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request

PER_PAGE = 50
TRANSIENT = frozenset({"page", "format", "notice"})
"""Parameters the page links leave out (the page number, an export, a one-off notice)."""


@dataclass(frozen=True)
class Pager:
    """Where a list page is: its number, its size, the total and how to link to others."""

    page: int
    per_page: int
    total: int
    path: str
    params: tuple[tuple[str, str], ...]

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.page - 1) * self.per_page

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first_item(self) -> int:
        """The 1-based number of the first item shown (0 when empty)."""
        return min(self.offset + 1, self.total)

    @property
    def last_item(self) -> int:
        """The 1-based number of the last item shown."""
        return min(self.offset + self.per_page, self.total)

    def url(self, page: int) -> str:
        """The link to page ``page`` with the same filters."""
        query = [*self.params, ("page", str(page))] if page > 1 else list(self.params)
        return self.path + ("?" + urlencode(query) if query else "")


def pager(request: Request, page: int, total: int, per_page: int = PER_PAGE) -> Pager:
    """The pager of ``request``'s list, keeping every non-empty filter and order."""
    params = tuple(
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in TRANSIENT and value
    )
    return Pager(page, per_page, total, request.url.path, params)
