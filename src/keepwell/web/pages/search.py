"""Search everywhere from the top bar, and the ticket page that ticket results open."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from keepwell.knowledge.suggest import ticket_know_how
from keepwell.problems.views import problem_of_ticket
from keepwell.record.tickets import ticket_view
from keepwell.search import search_everything
from keepwell.search.service import PROBLEM_STATUS_WORDS
from keepwell.web.deps import CurrentUser, SessionDep
from keepwell.web.params import IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
PER_KIND = 10
KIND_TITLES = {
    "account": "Accounts",
    "contact": "Contacts",
    "ticket": "Tickets",
    "asset": "Machines",
    "problem": "Recurring problems",
    "article": "Articles",
}


@router.get("/search")
def search_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Everything that matches ``q``, grouped by kind."""
    found = search_everything(db, q, per_kind=PER_KIND)
    groups = [(KIND_TITLES[kind], items) for kind, items in found.by_kind().items()]
    context = {"q": found.query, "groups": groups, "search_page": True}
    return render(request, "search.html", context)


@router.get("/tickets/{ticket_id}")
def ticket_page(request: Request, ticket_id: IdPath, who: CurrentUser, db: SessionDep) -> Response:
    """One ticket: what was reported, for whom, where it stands, its problem, know-how."""
    ticket = ticket_view(db, ticket_id)
    if ticket is None:
        raise HTTPException(404, f"There is no ticket with id {ticket_id}.")
    problem = problem_of_ticket(db, ticket_id)
    context = {
        "ticket": ticket,
        "problem": problem,
        "problem_status": PROBLEM_STATUS_WORDS.get(problem[2], problem[2]) if problem else "",
        "know_how": ticket_know_how(db, ticket_id),
    }
    return render(request, "ticket.html", context)
