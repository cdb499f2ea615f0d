"""The inbox (mentions, assignments, escalations, digests) and each person's notification
choices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from keepwell.notify.inbox import (
    DIGESTS,
    EMAIL_KINDS,
    KINDS,
    InboxError,
    entries,
    mark_all_read,
    mark_read,
    preferences,
    reader_for,
    save_preferences,
    total,
)
from keepwell.web import feedback
from keepwell.web.deps import CurrentUser, SessionDep
from keepwell.web.paging import pager
from keepwell.web.params import IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
Page = Annotated[int, Query(ge=1, le=10_000)]


@router.get("/inbox")
def inbox_page(request: Request, who: CurrentUser, db: SessionDep, page: Page = 1) -> Response:
    """The signed-in person's entries, newest first, 50 a page."""
    reader = reader_for(who.user)
    paging = pager(request, page, total(db, reader))
    found = entries(db, reader, limit=paging.per_page, offset=paging.offset)
    return render(request, "inbox.html", {"entries": found, "pager": paging, "kinds": KINDS})


@router.get("/inbox/{entry_id}")
def open_entry(entry_id: IdPath, who: CurrentUser, db: SessionDep) -> Response:
    """Open an entry: mark it read and go to what it is about."""
    entry = mark_read(db, reader_for(who.user), entry_id)
    db.commit()
    return RedirectResponse(entry.url if entry.url.startswith("/") else "/inbox", 303)


@router.post("/inbox/{entry_id}/read")
def read_entry(request: Request, entry_id: IdPath, who: CurrentUser, db: SessionDep) -> Response:
    """Mark one entry read without opening it."""
    mark_read(db, reader_for(who.user), entry_id)
    db.commit()
    return feedback.redirect(request, "/inbox", "Marked as read.")


@router.post("/inbox/read-all")
def read_all(request: Request, who: CurrentUser, db: SessionDep) -> Response:
    """Mark every unread entry read."""
    count = mark_all_read(db, reader_for(who.user))
    db.commit()
    plural = "entry" if count == 1 else "entries"
    message = f"Marked {count} {plural} as read." if count else "Nothing was unread."
    return feedback.redirect(request, "/inbox", message)


@router.get("/settings/notifications")
def settings_page(request: Request, who: CurrentUser, db: SessionDep) -> Response:
    """The person's e-mail choices per kind and digest frequency."""
    return render(request, "notification_settings.html", _context(db, who.user.id))


@router.post("/settings/notifications")
def save_settings(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    email: Annotated[list[str], Form(max_length=len(EMAIL_KINDS))] = [],  # noqa: B006
    digest: Annotated[str, Form(max_length=8)] = "weekly",
) -> Response:
    """Save the choices."""
    try:
        save_preferences(db, who.user.id, email=set(email), digest=digest)
    except InboxError as exc:
        db.rollback()
        context = {**_context(db, who.user.id), "error": str(exc)}
        return render(request, "notification_settings.html", context, status=422)
    db.commit()
    return feedback.redirect(request, "/settings/notifications", "Notification choices saved.")


def _context(db: SessionDep, user_id: int) -> dict[str, object]:
    choice = preferences(db, user_id)
    chosen = {k for k in EMAIL_KINDS if getattr(choice, f"email_{k}")}
    return {
        "email_kinds": EMAIL_KINDS,
        "chosen": chosen,
        "digest": choice.digest,
        "digests": DIGESTS,
        "error": None,
    }
