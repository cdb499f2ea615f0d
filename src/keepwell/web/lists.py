"""What every list page shares: its saved views and export links, and search and order for
lists computed in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

from keepwell.rendering.templating import DEFAULT_CURRENCY, environment
from keepwell.views.service import LISTS, ViewInfo, clean_query, info, visible_views

T = TypeVar("T")


@dataclass(frozen=True)
class ListTools:
    """The Views menu, the "Save view" form and the export links of one list page."""

    key: str
    title: str
    query: str
    views: list[ViewInfo]

    def export_url(self, fmt: str) -> str:
        """The current view as ``fmt`` (csv or xlsx)."""
        path = LISTS[self.key][0]
        return f"{path}?{self.query}&format={fmt}" if self.query else f"{path}?format={fmt}"


def list_tools(request: Request, db: Session, user_id: int, key: str) -> ListTools:
    """The tools of list ``key`` for ``user_id``, keeping the request's filters."""
    views = [info(v, user_id) for v in visible_views(db, user_id, key)]
    return ListTools(key, LISTS[key][1], clean_query(request.url.query), views)


def currency() -> str:
    """The company currency (the one the pages show amounts in)."""
    return str(environment.globals.get("currency") or DEFAULT_CURRENCY)


@dataclass(frozen=True)
class Order:
    """One way to sort an in-memory list: its label and key; empty values always last."""

    label: str
    key: Callable[[Any], Any]
    descending: bool = False
    field: str | None = None
    """A hidden field the order reads (refused for roles that may not see it)."""


def matching(rows: Iterable[T], text: str, words: Callable[[T], Iterable[Any]]) -> list[T]:
    """The rows where every word of ``text`` is in one of the row's ``words`` (any case)."""
    needles = text.lower().split()
    found = list(rows)
    if not needles:
        return found
    return [
        r
        for r in found
        if all(any(n in str(w).lower() for w in words(r) if w is not None) for n in needles)
    ]


def ordered(rows: Sequence[T], order: Order) -> list[T]:
    """``rows`` in ``order``; a row without a value comes after every other row."""
    present = [r for r in rows if order.key(r) is not None]
    empty = [r for r in rows if order.key(r) is None]
    return sorted(present, key=order.key, reverse=order.descending) + empty
