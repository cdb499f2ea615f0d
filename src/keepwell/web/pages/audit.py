"""The audit log, newest first, filterable by action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select
from starlette.responses import Response

from keepwell.audit.models import AuditLog
from keepwell.audit.words import action_label, entry_changes
from keepwell.playbooks.service import rule_title
from keepwell.web.deps import PageAuditor, SessionDep
from keepwell.web.paging import pager
from keepwell.web.redaction import visible_changes
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/audit")
def audit_page(
    request: Request,
    who: PageAuditor,
    db: SessionDep,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=255)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Who did what and when: sign-ins, imports, edits, role and token changes."""
    conditions = []
    if action:
        conditions.append(AuditLog.action.startswith(action, autoescape=True))
    if actor:
        conditions.append(func.lower(AuditLog.actor).contains(actor.lower(), autoescape=True))
    total = db.scalar(select(func.count(AuditLog.id)).where(*conditions)) or 0
    paging = pager(request, page, total)
    entries = db.scalars(
        select(AuditLog)
        .where(*conditions)
        .order_by(AuditLog.id.desc())
        .offset(paging.offset)
        .limit(paging.per_page)
    )
    actions = db.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action))
    context = {
        "entries": [
            (
                e,
                entry_changes(
                    e.action, visible_changes(e.changes, who.sees_money), _words(e.action)
                ),
            )
            for e in entries
        ],
        "pager": paging,
        "actions": [(a, action_label(a)) for a in actions],
        "action": action,
        "actor": actor,
    }
    return render(request, "audit.html", context)


def _words(action: str) -> dict[str, Callable[[str], str]]:
    """How names recorded in an entry read: a playbook's name as its title."""
    words: dict[str, Callable[[str], str]] = {"rule": rule_title}
    if action.startswith("playbook."):
        words["name"] = rule_title
    return words
