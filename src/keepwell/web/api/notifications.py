"""The caller's inbox over the API: list it newest first, mark entries read.

Marking read needs only the read scope: it changes nothing but the caller's own inbox.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from keepwell.db.values import UtcDateTime
from keepwell.notify.inbox import (
    entries,
    mark_all_read,
    mark_read,
    reader_for,
    unread_count,
)
from keepwell.notify.models import InboxEntry
from keepwell.web.api.listing import decode_offset, encode_offset, next_link
from keepwell.web.deps import ApiReader, SessionDep
from keepwell.web.params import IdPath
from keepwell.web.problem_details import problem_responses
from keepwell.web.schemas import Page

router = APIRouter(tags=["notifications"], responses=problem_responses(400, 401, 403, 422))


class NotificationsQuery(BaseModel):
    """Paging of the caller's inbox, newest first."""

    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(default=None, max_length=512, description="From `next_cursor`.")
    limit: int = Field(default=50, ge=1, le=500)


class NotificationPublic(BaseModel):
    """One inbox entry: a mention, an assignment, an escalation or a digest."""

    id: int
    kind: str = Field(description="`mention`, `assignment`, `escalation` or `digest`.")
    title: str = Field(description="What happened, naming the account by its name.")
    url: str = Field(description="The page it is about (a path in the app).")
    created_at: UtcDateTime
    read: bool
    read_at: UtcDateTime | None


class ReadAll(BaseModel):
    """How many entries were marked read, and how many remain unread."""

    marked: int
    unread: int


def _public(entry: InboxEntry) -> NotificationPublic:
    return NotificationPublic(
        id=entry.id,
        kind=entry.kind,
        title=entry.title,
        url=entry.url,
        created_at=entry.created_at,
        read=entry.read_at is not None,
        read_at=entry.read_at,
    )


@router.get("/notifications", summary="List your notifications")
def list_notifications(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[NotificationsQuery, Query()],
) -> Page[NotificationPublic]:
    """The caller's inbox entries, newest first; the header ``X-Unread-Count`` counts the
    unread ones."""
    reader = reader_for(who.user)
    offset = decode_offset(query.cursor, "notifications")
    found = entries(db, reader, limit=query.limit + 1, offset=offset)
    more = len(found) > query.limit
    cursor = encode_offset("notifications", offset + query.limit) if more else None
    next_link(request, response, cursor)
    response.headers["X-Unread-Count"] = str(unread_count(db, reader))
    items = [_public(e) for e in found[: query.limit]]
    return Page[NotificationPublic](items=items, next_cursor=cursor, limit=query.limit)


@router.post(
    "/notifications/{entry_id}/read",
    summary="Mark a notification read",
    responses=problem_responses(404),
)
def read_notification(entry_id: IdPath, db: SessionDep, who: ApiReader) -> NotificationPublic:
    """Mark one of the caller's entries read (again: no change); 404 for anyone else's."""
    entry = mark_read(db, reader_for(who.user), entry_id)
    db.commit()
    return _public(entry)


@router.post("/notifications/read", summary="Mark all your notifications read")
def read_all_notifications(db: SessionDep, who: ApiReader) -> ReadAll:
    """Mark every unread entry of the caller read."""
    reader = reader_for(who.user)
    marked = mark_all_read(db, reader)
    db.commit()
    return ReadAll(marked=marked, unread=unread_count(db, reader))
