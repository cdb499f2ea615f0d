"""Save, reopen and delete a list's view from the list page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from keepwell.views.service import LISTS, delete_view, get_view, save_view, view_url
from keepwell.web import feedback
from keepwell.web.deps import CurrentUser, SessionDep
from keepwell.web.params import IdPath

router = APIRouter(include_in_schema=False)


@router.post("/views")
def save_view_form(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    list_key: Annotated[str, Form(alias="list", max_length=32)],
    name: Annotated[str, Form(max_length=255)] = "",
    query: Annotated[str, Form(max_length=4000)] = "",
    shared: Annotated[bool, Form()] = False,
) -> Response:
    """Save the list's current filters and order under a name; back to the list, confirmed."""
    view = save_view(db, who.user.id, list_key, name, query, shared=shared, actor=who.actor)
    db.commit()
    saved = "The view was saved; open it again from the Views menu."
    return feedback.redirect(request, view_url(view.list_key, view.query), saved)


@router.get("/views/{view_id}")
def open_view(view_id: IdPath, who: CurrentUser, db: SessionDep) -> Response:
    """The list with the view's filters and order."""
    view = get_view(db, who.user.id, view_id)
    return RedirectResponse(view_url(view.list_key, view.query), 303)


@router.post("/views/{view_id}/delete")
def delete_view_form(
    request: Request, view_id: IdPath, who: CurrentUser, db: SessionDep
) -> Response:
    """Delete one's own view; back to its list, confirmed."""
    view = delete_view(db, who.user.id, view_id, actor=who.actor, admin=who.is_admin)
    db.commit()
    return feedback.redirect(request, LISTS[view.list_key][0], "The view was deleted.")
