"""List and read endpoints of the record: contacts, employees, teams, orders, quotes,
tickets, surveys, interactions and assets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from keepwell.web.api import resources as r
from keepwell.web.api.listing import get_one, list_page
from keepwell.web.deps import ApiReader, SessionDep
from keepwell.web.params import IdPath
from keepwell.web.problem_details import problem_responses
from keepwell.web.schemas import (
    AssetPublic,
    ContactPublic,
    EmployeePublic,
    InteractionPublic,
    OrderPublic,
    Page,
    QuotePublic,
    SurveyPublic,
    TeamMemberPublic,
    TicketPublic,
)

router = APIRouter(responses=problem_responses(400, 401, 403, 422))
ONE = problem_responses(404)


@router.get("/contacts", tags=["contacts"])
def list_contacts(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[r.ContactsQuery, Query()],
) -> Page[ContactPublic]:
    """Contacts at customers."""
    return list_page(db, r.CONTACTS, query, who, request, response)


@router.get("/contacts/{contact_id}", tags=["contacts"], responses=ONE)
def get_contact(contact_id: IdPath, db: SessionDep, who: ApiReader) -> ContactPublic:
    """One contact."""
    return get_one(db, r.CONTACTS, contact_id, who)


@router.get("/employees", tags=["employees"])
def list_employees(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[r.EmployeesQuery, Query()],
) -> Page[EmployeePublic]:
    """Employees of the company."""
    return list_page(db, r.EMPLOYEES, query, who, request, response)


@router.get("/employees/{employee_id}", tags=["employees"], responses=ONE)
def get_employee(employee_id: IdPath, db: SessionDep, who: ApiReader) -> EmployeePublic:
    """One employee."""
    return get_one(db, r.EMPLOYEES, employee_id, who)


@router.get("/teams", tags=["teams"])
def list_team_members(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[r.TeamsQuery, Query()],
) -> Page[TeamMemberPublic]:
    """Account-team assignments: who holds which retention role on which account."""
    return list_page(db, r.TEAMS, query, who, request, response)


@router.get("/teams/{member_id}", tags=["teams"], responses=ONE)
def get_team_member(member_id: IdPath, db: SessionDep, who: ApiReader) -> TeamMemberPublic:
    """One account-team assignment."""
    return get_one(db, r.TEAMS, member_id, who)


@router.get("/orders", tags=["orders"])
def list_orders(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[r.OrdersQuery, Query()],
) -> Page[OrderPublic]:
    """Orders and their invoices (``amount`` is null unless your role sees money)."""
    return list_page(db, r.ORDERS, query, who, request, response)


@router.get("/orders/{order_id}", tags=["orders"], responses=ONE)
def get_order(order_id: IdPath, db: SessionDep, who: ApiReader) -> OrderPublic:
    """One order."""
    return get_one(db, r.ORDERS, order_id, who)


@router.get("/quotes", tags=["quotes"])
def list_quotes(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[r.QuotesQuery, Query()],
) -> Page[QuotePublic]:
    """RFQs and quotes (``value`` is null unless your role sees money)."""
    return list_page(db, r.QUOTES, query, who, request, response)


@router.get("/quotes/{quote_id}", tags=["quotes"], responses=ONE)
def get_quote(quote_id: IdPath, db: SessionDep, who: ApiReader) -> QuotePublic:
    """One quote."""
    return get_one(db, r.QUOTES, quote_id, who)


@router.get("/tickets", tags=["tickets"])
def list_tickets(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[r.TicketsQuery, Query()],
) -> Page[TicketPublic]:
    """Support tickets, complaints, NCRs, RMAs and warranty claims."""
    return list_page(db, r.TICKETS, query, who, request, response)


@router.get("/tickets/{ticket_id}", tags=["tickets"], responses=ONE)
def get_ticket(ticket_id: IdPath, db: SessionDep, who: ApiReader) -> TicketPublic:
    """One ticket."""
    return get_one(db, r.TICKETS, ticket_id, who)


@router.get("/surveys", tags=["surveys"])
def list_surveys(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[r.SurveysQuery, Query()],
) -> Page[SurveyPublic]:
    """NPS, CSAT and CES answers."""
    return list_page(db, r.SURVEYS, query, who, request, response)


@router.get("/surveys/{survey_id}", tags=["surveys"], responses=ONE)
def get_survey(survey_id: IdPath, db: SessionDep, who: ApiReader) -> SurveyPublic:
    """One survey answer."""
    return get_one(db, r.SURVEYS, survey_id, who)


@router.get("/interactions", tags=["interactions"])
def list_interactions(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[r.InteractionsQuery, Query()],
) -> Page[InteractionPublic]:
    """Calls, visits, meetings, emails and notes."""
    return list_page(db, r.INTERACTIONS, query, who, request, response)


@router.get("/interactions/{interaction_id}", tags=["interactions"], responses=ONE)
def get_interaction(interaction_id: IdPath, db: SessionDep, who: ApiReader) -> InteractionPublic:
    """One interaction."""
    return get_one(db, r.INTERACTIONS, interaction_id, who)


@router.get("/assets", tags=["assets"])
def list_assets(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[r.AssetsQuery, Query()],
) -> Page[AssetPublic]:
    """Equipment installed at customers."""
    return list_page(db, r.ASSETS, query, who, request, response)


@router.get("/assets/{asset_id}", tags=["assets"], responses=ONE)
def get_asset(asset_id: IdPath, db: SessionDep, who: ApiReader) -> AssetPublic:
    """One asset."""
    return get_one(db, r.ASSETS, asset_id, who)
