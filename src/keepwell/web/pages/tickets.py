"""The ticket list: search by number or words, filter, sort, page and export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from keepwell.record.ticket_list import TICKET_ORDERS, TicketFilter, count_tickets, list_tickets
from keepwell.record.vocabulary import SEVERITIES, TICKET_KINDS, TICKET_STATUSES
from keepwell.web.deps import CurrentUser, SessionDep
from keepwell.web.export import Column, Format, export, wants_export
from keepwell.web.lists import currency, list_tools
from keepwell.web.paging import pager
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
EXPORT_LIMIT = 100_000
ACRONYMS = {"ncr": "NCR", "rma": "RMA"}


def kind_label(kind: str) -> str:
    """A ticket kind in words (NCR and RMA as acronyms)."""
    return ACRONYMS.get(kind, kind)


COLUMNS = (
    Column("Number", lambda t: t.number),
    Column("Subject", lambda t: t.subject),
    Column("Account", lambda t: t.account),
    Column("Kind", lambda t: kind_label(t.kind)),
    Column("Severity", lambda t: t.severity),
    Column("Status", lambda t: t.status),
    Column("Opened", lambda t: t.opened_at),
    Column("First response", lambda t: t.first_response_at),
    Column("Closed", lambda t: t.closed_at),
    Column("Handled by", lambda t: t.assignee),
)
"""The ticket list's export."""


def _choice(values: tuple[str, ...], extra: str = "") -> str:
    return "^(|" + "|".join((*values, extra) if extra else values) + ")$"


@router.get("/tickets")
def tickets_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    search: Annotated[str, Query(max_length=255)] = "",
    status: Annotated[str, Query(pattern=_choice(TICKET_STATUSES, "any"))] = "",
    kind: Annotated[str, Query(pattern=_choice(TICKET_KINDS))] = "",
    severity: Annotated[str, Query(pattern=_choice(SEVERITIES))] = "",
    sort: Annotated[str, Query(pattern=_choice(tuple(TICKET_ORDERS)))] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    format: Format = "",
) -> Response:
    """Open tickets by default, newest first; ``format=csv`` or ``xlsx`` downloads all."""
    chosen = "open" if status == "" else "" if status == "any" else status
    where = TicketFilter(search=search.strip(), status=chosen, kind=kind, severity=severity)
    order = sort or "newest"
    if wants_export(format):
        every = list_tickets(db, where, order=order, limit=EXPORT_LIMIT)
        return export(format, "tickets", COLUMNS, every, hidden=who.hidden, currency=currency())
    paging = pager(request, page, count_tickets(db, where))
    context = {
        "tickets": list_tickets(
            db, where, order=order, offset=paging.offset, limit=paging.per_page
        ),
        "pager": paging,
        "filters": {
            "search": search,
            "status": status,
            "kind": kind,
            "severity": severity,
            "sort": order,
        },
        "statuses": TICKET_STATUSES,
        "kinds": TICKET_KINDS,
        "severities": SEVERITIES,
        "orders": TICKET_ORDERS,
        "tools": list_tools(request, db, who.user.id, "tickets"),
        "kind_label": kind_label,
    }
    return render(request, "tickets.html", context)
