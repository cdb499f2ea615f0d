"""Comment threads on accounts, RFQs, problems and tasks, and the mentions panel on "My work"."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from keepwell.auth.service import employee_for
from keepwell.teams.comments import add_comment, mentions_of, subject_of, thread
from keepwell.teams.errors import TeamsError
from keepwell.web import feedback
from keepwell.web.deps import PageWriter, Principal, SessionDep
from keepwell.web.panels import account_panels, work_panels
from keepwell.web.params import IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
PAGES = {
    "account": "/accounts/{id}?tab=timeline#panel-comments",
    "rfq": "/rfqs/{id}#comments",
    "problem": "/problems/{id}#comments",
    "task": "/tasks/{id}#comments",
}


def subject_url(kind: str, subject_id: int) -> str:
    """Where a subject's thread is shown."""
    return PAGES.get(kind, "/my-work").format(id=subject_id)


@router.post("/comments/{kind}/{subject_id}")
def add_comment_page(
    request: Request,
    kind: str,
    subject_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    body: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Add a comment (with @mentions) to the thread of an account, RFQ, problem or task."""
    employee = employee_for(db, who.user)
    try:
        add_comment(
            db,
            kind,
            subject_id,
            body=body,
            user_id=who.user.id,
            employee_id=employee.id if employee else None,
            actor=who.actor,
        )
    except TeamsError as exc:
        db.rollback()
        context = {"error": str(exc), "body": body, "back": subject_url(kind, subject_id)}
        return render(request, "teams/comment_error.html", context, status=exc.status)
    db.commit()
    return feedback.redirect(request, subject_url(kind, subject_id), "Comment added.")


@account_panels.register("comments", "Discussion", "teams/_thread.html", order=40, wide=True)
def comments_panel(db: Any, who: Principal, view: Any) -> dict[str, Any] | None:
    """The account's comment thread and the form to add to it."""
    account_id = view.account.id
    return {"kind": "account", "id": account_id, "entries": thread(db, "account", account_id)}


@work_panels.register("mentions", "Mentions of you", "teams/_mentions.html", order=20)
def mentions_panel(db: Any, who: Principal, employee: Any) -> dict[str, Any] | None:
    """The latest comments that mention the signed-in person."""
    found = mentions_of(db, who.user.id, employee.id if employee else None)
    if not found:
        return None
    for item in found:
        label, _ = subject_of(db, item["subject_kind"], item["subject_id"])
        item["label"] = label[:1].upper() + label[1:]
        item["url"] = subject_url(item["subject_kind"], item["subject_id"])
    return {"mentions": found}
