"""Saved views through the API: the caller's and the shared ones; save; delete one's own."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from keepwell.views.service import delete_view, info, save_view, visible_views
from keepwell.web.deps import ApiReader, ApiWriter, SessionDep
from keepwell.web.params import IdPath
from keepwell.web.problem_details import problem_responses

router = APIRouter(tags=["views"], responses=problem_responses(400, 401, 403, 422))
ListKey = Literal["portfolio", "tasks", "fleet", "coverage", "problems", "rfqs", "tickets"]


class ViewPublic(BaseModel):
    """A saved view: its list, name, query string and the link that opens it."""

    id: int
    list: str
    name: str
    query: str
    shared: bool
    mine: bool
    url: str


class ViewCreate(BaseModel):
    """A view to save: the list, a name, the list's query string, shared or private."""

    model_config = ConfigDict(extra="forbid")

    list: ListKey
    name: str = Field(min_length=1, max_length=80)
    query: str = Field(default="", max_length=2000, examples=["status=active&sort=risk"])
    shared: bool = False


@router.get("/views")
def list_views_endpoint(
    db: SessionDep,
    who: ApiReader,
    list_key: Annotated[ListKey | None, Query(alias="list")] = None,
) -> list[ViewPublic]:
    """The caller's views and the shared ones, by name; of one list with ``list``."""
    found = visible_views(db, who.user.id, list_key)
    return [ViewPublic(**info(v, who.user.id).__dict__) for v in found]


@router.post("/views", status_code=201, summary="Save a view")
def save_view_endpoint(
    data: ViewCreate, db: SessionDep, who: ApiWriter, response: Response
) -> ViewPublic:
    """Save a list's filters and order under a name (the same name replaces the view)."""
    view = save_view(
        db, who.user.id, data.list, data.name, data.query, shared=data.shared, actor=who.actor
    )
    db.commit()
    response.headers["Location"] = f"/api/v1/views?list={view.list_key}"
    return ViewPublic(**info(view, who.user.id).__dict__)


@router.delete(
    "/views/{view_id}", status_code=204, summary="Delete a view", responses=problem_responses(404)
)
def delete_view_endpoint(view_id: IdPath, db: SessionDep, who: ApiWriter) -> Response:
    """Delete one of the caller's own views."""
    delete_view(db, who.user.id, view_id, actor=who.actor, admin=who.is_admin)
    db.commit()
    return Response(status_code=204)
