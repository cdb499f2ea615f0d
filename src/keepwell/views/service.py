"""Save, list, open and delete views; the lists that accept them and what a view keeps.

A view keeps a list's query string (its filters and order) without the page number,
the export format or a one-off notice. Everyone sees their own views and the shared
ones; only the owner (or an admin) deletes a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.errors import Invalid, NotAllowed, NotFound
from keepwell.views.models import SavedView

LISTS: dict[str, tuple[str, str]] = {
    "portfolio": ("/portfolio", "Portfolio"),
    "tasks": ("/tasks", "Tasks"),
    "fleet": ("/fleet", "Fleet"),
    "coverage": ("/coverage", "Coverage"),
    "problems": ("/problems", "Problems"),
    "rfqs": ("/rfqs", "RFQs"),
    "tickets": ("/tickets", "Tickets"),
}
"""Every list that saves views: its key, its page and its title."""
TRANSIENT = frozenset({"page", "format", "notice", "view"})
"""Query parameters a view does not keep."""
NAME_LENGTH = 80
QUERY_LENGTH = 2000


class ViewError(Invalid):
    """A view cannot be saved, found or deleted; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ViewInfo:
    """A saved view as the pages and the API show it."""

    id: int
    list: str
    name: str
    query: str
    shared: bool
    mine: bool
    url: str


def clean_query(query: str) -> str:
    """``query`` without the parameters a view does not keep, empty values left out."""
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=False)
    return urlencode([(k, v) for k, v in pairs if k not in TRANSIENT])


def view_url(list_key: str, query: str) -> str:
    """The list page with the view's filters."""
    path = LISTS[list_key][0]
    return f"{path}?{query}" if query else path


def info(view: SavedView, user_id: int) -> ViewInfo:
    """``view`` as shown to ``user_id``."""
    return ViewInfo(
        view.id,
        view.list_key,
        view.name,
        view.query,
        view.shared,
        view.user_id == user_id,
        view_url(view.list_key, view.query),
    )


def save_view(
    session: Session,
    user_id: int,
    list_key: str,
    name: str,
    query: str,
    *,
    shared: bool,
    actor: str,
) -> SavedView:
    """Save ``query`` of ``list_key`` as ``name`` (one name per owner and list: replaced)."""
    if list_key not in LISTS:
        raise ViewError(
            422, f"There is no list '{list_key[:32]}'; choose one of: {', '.join(LISTS)}."
        )
    name = " ".join(name.split())
    if not name:
        raise ViewError(422, "Give the view a name.")
    if len(name) > NAME_LENGTH:
        raise ViewError(422, f"A view's name has at most {NAME_LENGTH} characters.")
    if len(query) > QUERY_LENGTH:
        raise ViewError(422, f"A view's filters have at most {QUERY_LENGTH} characters.")
    query = clean_query(query)
    found = session.scalar(
        select(SavedView).where(
            SavedView.user_id == user_id, SavedView.list_key == list_key, SavedView.name == name
        )
    )
    view = found or SavedView(user_id=user_id, list_key=list_key, name=name)
    view.query, view.shared = query, shared
    session.add(view)
    session.flush()
    changes = {"name": name, "list": LISTS[list_key][1], "shared": "yes" if shared else "no"}
    record(
        session,
        actor=actor,
        action="view.saved",
        entity="saved_view",
        entity_id=view.id,
        changes=changes,
    )
    return view


def visible_views(session: Session, user_id: int, list_key: str | None = None) -> list[SavedView]:
    """The views ``user_id`` may open: their own and the shared ones, by name."""
    query = select(SavedView).where(or_(SavedView.user_id == user_id, SavedView.shared))
    if list_key is not None:
        query = query.where(SavedView.list_key == list_key)
    return list(session.scalars(query.order_by(SavedView.name, SavedView.id)))


def get_view(session: Session, user_id: int, view_id: int) -> SavedView:
    """The view ``view_id`` if ``user_id`` may open it (404 otherwise, shared or not)."""
    view = session.get(SavedView, view_id)
    if view is None or not (view.shared or view.user_id == user_id):
        raise NotFound(f"There is no view with id {view_id}.")
    return view


def delete_view(
    session: Session, user_id: int, view_id: int, *, actor: str, admin: bool = False
) -> SavedView:
    """Delete the view; only its owner (or an admin) may."""
    view = get_view(session, user_id, view_id)
    if view.user_id != user_id and not admin:
        raise NotAllowed("Only the person who saved this view may delete it.")
    changes = {"name": view.name, "list": LISTS[view.list_key][1]}
    record(
        session,
        actor=actor,
        action="view.deleted",
        entity="saved_view",
        entity_id=view.id,
        changes=changes,
    )
    session.delete(view)
    session.flush()
    return view
