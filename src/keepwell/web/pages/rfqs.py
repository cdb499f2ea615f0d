"""RFQ pages: open RFQs with their SLA, reviews before the quote goes out, promises kept."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from keepwell.auth.service import employee_for
from keepwell.auth.visibility import refuse_hidden
from keepwell.teams.access import is_admin
from keepwell.teams.comments import thread
from keepwell.teams.errors import TeamsError
from keepwell.teams.rfq import (
    DECISIONS,
    REVIEWERS,
    REVIEWS,
    check_specification,
    department_of,
    get_quote,
    missing_reviews,
    promise_results,
    review_quote,
    reviewer_names,
    reviews_allowed,
    reviews_of,
    send_quote,
    sla_state,
)
from keepwell.teams.rfq_report import RfqRow, rfq_list, rfq_metrics
from keepwell.teams.team import get_account
from keepwell.web import feedback
from keepwell.web.deps import CurrentUser, PageWriter, Principal, SessionDep
from keepwell.web.export import Column, Format, amount, export, wants_export
from keepwell.web.lists import Order, currency, list_tools, matching, ordered
from keepwell.web.paging import pager
from keepwell.web.params import IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
Note = Annotated[str, Form(max_length=5_000)]
ALL_RFQS = 100_000
"""The most RFQs the list reads (it pages and exports them)."""
SLA_WORDS = {
    "overdue": "overdue by {} d",
    "open": "due in {} d",
    "late": "answered late, {} d",
    "on_time": "answered in {} d",
}
"""How the list says an RFQ's SLA state (the page's badges say the same)."""
ORDERS = {
    "received": Order("Received, newest first", lambda r: (r.received_at, r.quote_id), True),
    "due": Order(
        "Most overdue first",
        lambda r: (r.sla != "overdue", -r.sla_days if r.sla == "overdue" else r.sla_days),
    ),
    "account": Order("Account, A–Z", lambda r: (r.account.lower(), r.quote_id)),
    "value": Order("Value, highest first", lambda r: r.value, True, field="quote.value"),
}
"""The RFQ list's orders."""


def sla_words(row: RfqRow) -> str:
    """The RFQ's SLA state in words."""
    return SLA_WORDS.get(row.sla, "{}").format(row.sla_days)


def missing_words(row: RfqRow) -> list[str]:
    """The reviews the RFQ still needs, by name."""
    return [REVIEWS.get(k, k) for k in row.missing]


COLUMNS = (
    Column("RFQ", lambda r: f"#{r.quote_id}"),
    Column("Account", lambda r: r.account),
    Column("Received", lambda r: r.received_at),
    Column("Answered", lambda r: r.responded_at),
    Column("SLA", sla_words),
    Column("Reviews still needed", missing_words),
    Column("Outcome", lambda r: r.outcome.replace("_", " ")),
    Column("Value", lambda r: amount(r.value), "quote.value"),
)
"""The RFQ list's export."""


@router.get("/rfqs")
def rfqs_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    state: Annotated[str, Query(pattern="^(open|all)$")] = "open",
    search: Annotated[str, Query(max_length=255)] = "",
    sla: Annotated[str, Query(pattern="^(|" + "|".join(SLA_WORDS) + ")$")] = "",
    sort: Annotated[str, Query(pattern="^(|" + "|".join(ORDERS) + ")$")] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    format: Format = "",
) -> Response:
    """Open RFQs (or all), their SLA state and missing reviews; the year's RFQ figures.

    Searched by account or number, filtered by SLA state, sorted and paged;
    ``format=csv`` or ``xlsx`` downloads every matching RFQ.
    """
    order = ORDERS[sort or "received"]
    refuse_hidden([order.field or ""], who.hidden, "sort on")
    found = rfq_list(db, state=state, limit=ALL_RFQS)
    found = matching(found, search, lambda r: (r.account, f"#{r.quote_id}"))
    if sla:
        found = [r for r in found if r.sla == sla]
    found = ordered(found, order)
    if wants_export(format):
        return export(format, "rfqs", COLUMNS, found, hidden=who.hidden, currency=currency())
    paging = pager(request, page, len(found))
    context = {
        "rfqs": found[paging.offset : paging.offset + paging.per_page],
        "pager": paging,
        "state": state,
        "metrics": rfq_metrics(db),
        "filters": {"search": search, "sla": sla, "sort": sort or "received", "state": state},
        "slas": {
            "overdue": "Overdue",
            "open": "Due",
            "late": "Answered late",
            "on_time": "Answered in time",
        },
        "orders": {k: o.label for k, o in ORDERS.items() if o.field not in who.hidden},
        "missing_words": missing_words,
        "tools": list_tools(request, db, who.user.id, "rfqs"),
    }
    return render(request, "teams/rfqs.html", context)


@router.get("/rfqs/{quote_id}")
def rfq_page(request: Request, quote_id: IdPath, who: CurrentUser, db: SessionDep) -> Response:
    """One RFQ: its reviews, the send form behind the review gate, its promises."""
    return render(request, "teams/rfq.html", _context(db, quote_id, who))


@router.post("/rfqs/{quote_id}/reviews")
def review_page(
    request: Request,
    quote_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    kind: Annotated[str, Form(max_length=32)],
    decision: Annotated[str, Form(max_length=16)],
    note: Note = "",
) -> Response:
    """Record one required review."""
    employee = employee_for(db, who.user)
    return _act(
        request,
        db,
        quote_id,
        who,
        lambda: review_quote(
            db,
            quote_id,
            kind=kind,
            decision=decision,
            note=note,
            user_id=who.user.id,
            employee_id=employee.id if employee else None,
            actor=who.actor,
            is_admin=is_admin(who.user),
        ),
        f"Review recorded: {kind.replace('_', ' ')} — {decision.replace('_', ' ')}.",
    )


@router.post("/rfqs/{quote_id}/send")
def send_page(
    request: Request,
    quote_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    lead_time_days: Annotated[int, Form(ge=0, le=100_000)],
    specification: Note = "",
) -> Response:
    """Send the quote with its promises; refused until every review approved."""
    return _act(
        request,
        db,
        quote_id,
        who,
        lambda: send_quote(
            db,
            quote_id,
            lead_time_days=lead_time_days,
            specification=specification,
            actor=who.actor,
        ),
        f"Quote sent, promising {lead_time_days} days' lead time.",
    )


@router.post("/rfqs/{quote_id}/specification")
def spec_page(
    request: Request,
    quote_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    spec_met: Annotated[bool, Form()],
    note: Note = "",
) -> Response:
    """Record whether the delivery met the promised specification."""
    return _act(
        request,
        db,
        quote_id,
        who,
        lambda: check_specification(db, quote_id, spec_met=spec_met, note=note, actor=who.actor),
        "Delivery check recorded.",
    )


def _act(
    request: Request, db: SessionDep, quote_id: int, who: Principal, action: Any, done: str
) -> Response:
    try:
        action()
    except TeamsError as exc:
        db.rollback()
        context = {**_context(db, quote_id, who), "error": str(exc)}
        return render(request, "teams/rfq.html", context, status=exc.status)
    db.commit()
    return feedback.redirect(request, f"/rfqs/{quote_id}", done)


def _context(db: SessionDep, quote_id: int, who: Principal) -> dict[str, Any]:
    quote = get_quote(db, quote_id)
    sla, days = sla_state(quote, date.today())
    promises = promise_results(db, [quote_id])
    reviews = reviews_of(db, quote_id)
    employee = employee_for(db, who.user)
    department = department_of(db, employee.id if employee else None)
    return {
        "quote": quote,
        "account": get_account(db, quote.account_id),
        "sla": sla,
        "sla_days": days,
        "reviews": reviews,
        "reviewers": reviewer_names(db, reviews),
        "mine": reviews_allowed(department, is_admin=is_admin(who.user)),
        "reviewing": REVIEWERS,
        "missing": missing_reviews(db, quote_id),
        "kinds": REVIEWS,
        "decisions": DECISIONS,
        "promise": promises[0] if promises else None,
        "comments": {"kind": "rfq", "id": quote_id, "entries": thread(db, "rfq", quote_id)},
        "error": None,
    }
