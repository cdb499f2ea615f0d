"""Accounts: the account list, the account 360 and the account's timeline.

These endpoints call the record's own service functions (``list_accounts`` through
the portfolio, ``account_360``, ``account_timeline``), like the pages do.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from keepwell.db.values import Day, Moment
from keepwell.record.models import Account
from keepwell.record.schemas import TimelineEvent
from keepwell.record.service import account_360
from keepwell.record.timeline import account_timeline
from keepwell.web.api.listing import decode_offset, encode_offset, next_link
from keepwell.web.deps import ApiReader, SessionDep
from keepwell.web.params import IdPath
from keepwell.web.problem_details import ApiProblem, problem_responses
from keepwell.web.queries import PortfolioFilters, portfolio
from keepwell.web.redaction import public_360, public_summary, visible_events
from keepwell.web.schemas import Account360Public, AccountSummaryPublic, Page

router = APIRouter(tags=["accounts"], responses=problem_responses(400, 401, 403, 422))
PORTFOLIO_FIELDS = set(PortfolioFilters.model_fields)


class AccountsQuery(PortfolioFilters):
    """Filters of the account list, by name; counts are as of ``as_of`` (default today)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: Day | None = None
    cursor: str | None = Field(default=None, max_length=512)
    limit: int = Field(default=50, ge=1, le=500)


class TimelineQuery(BaseModel):
    """Filters of an account's timeline, newest first."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[str] | None = Field(
        default=None, description="Kinds (`ticket.opened`) or families (`ticket`)."
    )
    since: Moment | None = None
    until: Moment | None = None
    cursor: str | None = Field(default=None, max_length=512)
    limit: int = Field(default=50, ge=1, le=500)


@router.get("/accounts", summary="List accounts")
def list_accounts_endpoint(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[AccountsQuery, Query()],
) -> Page[AccountSummaryPublic]:
    """Accounts by name with their activity counts (revenue null unless money is visible)."""
    offset = decode_offset(query.cursor, "accounts")
    filters = PortfolioFilters.model_validate(query.model_dump(include=PORTFOLIO_FIELDS))
    found = portfolio(
        db, filters, offset=offset, limit=query.limit, day=query.as_of or date.today(), trend=False
    )
    more = offset + query.limit < found.total
    cursor = encode_offset("accounts", offset + query.limit) if more else None
    next_link(request, response, cursor)
    items = [public_summary(row.account, who.sees_money) for row in found.rows]
    return Page[AccountSummaryPublic](items=items, next_cursor=cursor, limit=query.limit)


@router.get(
    "/accounts/{account_id}", summary="Get an account (360)", responses=problem_responses(404)
)
def get_account(
    account_id: IdPath,
    db: SessionDep,
    who: ApiReader,
    as_of: Day | None = None,
    timeline: Annotated[int, Query(ge=0, le=500)] = 20,
) -> Account360Public:
    """Everything about one account: header, team, contacts, orders, tickets, assets."""
    view = account_360(db, account_id, as_of, timeline=timeline)
    return public_360(view, who.sees_money)


@router.get(
    "/accounts/{account_id}/timeline",
    summary="Get an account's timeline",
    responses=problem_responses(404),
)
def get_timeline(
    account_id: IdPath,
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[TimelineQuery, Query()],
) -> Page[TimelineEvent]:
    """The account's events from every source, newest first."""
    if db.get(Account, account_id) is None:
        raise ApiProblem(404, f"no account with id {account_id}", "not-found")
    offset = decode_offset(query.cursor, f"timeline:{account_id}")
    try:
        events = account_timeline(
            db,
            account_id,
            kinds=set(query.kinds) if query.kinds else None,
            since=query.since,
            until=query.until,
            limit=offset + query.limit + 1,
        )
    except ValueError as exc:
        raise ApiProblem(422, str(exc), "validation") from None
    more = len(events) > offset + query.limit
    cursor = encode_offset(f"timeline:{account_id}", offset + query.limit) if more else None
    next_link(request, response, cursor)
    shown = visible_events(events[offset : offset + query.limit], who.sees_money)
    return Page[TimelineEvent](items=shown, next_cursor=cursor, limit=query.limit)
