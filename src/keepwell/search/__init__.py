"""Search everywhere: one box for accounts, contacts, tickets, machines, problems, articles."""

from keepwell.search.service import KINDS, Found, SearchResults, search_everything

__all__ = [
    "KINDS",
    "Found",
    "SearchResults",
    "search_everything",
    "service",
]
