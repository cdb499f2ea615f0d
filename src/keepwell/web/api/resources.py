"""The record types the API lists, and the filters and sorts each list accepts."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import selectinload

from keepwell.db.values import Day, Moment
from keepwell.people.models import AccountTeamMember, Employee
from keepwell.record.models import (
    Asset,
    Contact,
    Interaction,
    Order,
    Quote,
    SurveyResponse,
    Ticket,
)
from keepwell.web.api.listing import ListQuery, Resource
from keepwell.web.params import Id
from keepwell.web.schemas import (
    AssetPublic,
    ContactPublic,
    EmployeePublic,
    InteractionPublic,
    OrderPublic,
    QuotePublic,
    SurveyPublic,
    TeamMemberPublic,
    TicketPublic,
)

CONTACTS = Resource("contact", Contact, ContactPublic)
EMPLOYEES = Resource(
    "employee", Employee, EmployeePublic, options=(selectinload(Employee.department),)
)
TEAMS = Resource(
    "team member",
    AccountTeamMember,
    TeamMemberPublic,
    options=(selectinload(AccountTeamMember.role),),
)
ORDERS = Resource("order", Order, OrderPublic)
QUOTES = Resource("quote", Quote, QuotePublic)
TICKETS = Resource("ticket", Ticket, TicketPublic)
SURVEYS = Resource("survey response", SurveyResponse, SurveyPublic)
INTERACTIONS = Resource("interaction", Interaction, InteractionPublic)
ASSETS = Resource("asset", Asset, AssetPublic)


class ContactsQuery(ListQuery):
    """Filters of the contact list."""

    sort: Literal["name", "-name", "id", "-id"] = "name"
    account_id: Id | None = None
    active: bool | None = None
    is_key: bool | None = None
    role: str | None = None
    email: str | None = None


class EmployeesQuery(ListQuery):
    """Filters of the employee list."""

    sort: Literal["name", "-name", "id", "-id"] = "name"
    department_id: Id | None = None
    active: bool | None = None
    email: str | None = None


class TeamsQuery(ListQuery):
    """Filters of the account-team list."""

    sort: Literal["id", "-id"] = "id"
    account_id: Id | None = None
    employee_id: Id | None = None
    role_id: Id | None = None


class OrdersQuery(ListQuery):
    """Filters of the order list."""

    sort: Literal["ordered_at", "-ordered_at", "id", "-id"] = "-ordered_at"
    account_id: Id | None = None
    status: str | None = None
    kind: str | None = None
    product_line: str | None = None
    ordered_at_since: Day | None = None
    ordered_at_before: Day | None = None


class QuotesQuery(ListQuery):
    """Filters of the quote list."""

    sort: Literal["received_at", "-received_at", "id", "-id"] = "-received_at"
    account_id: Id | None = None
    outcome: str | None = None
    owner_id: Id | None = None
    received_at_since: Day | None = None
    received_at_before: Day | None = None


class TicketsQuery(ListQuery):
    """Filters of the ticket list."""

    sort: Literal["opened_at", "-opened_at", "id", "-id"] = "-opened_at"
    account_id: Id | None = None
    asset_id: Id | None = None
    kind: str | None = None
    status: str | None = None
    severity: str | None = None
    opened_at_since: Moment | None = None
    opened_at_before: Moment | None = None


class SurveysQuery(ListQuery):
    """Filters of the survey-response list."""

    sort: Literal["responded_at", "-responded_at", "score", "-score", "id", "-id"] = "-responded_at"
    account_id: Id | None = None
    contact_id: Id | None = None
    kind: str | None = None
    responded_at_since: Moment | None = None
    responded_at_before: Moment | None = None


class InteractionsQuery(ListQuery):
    """Filters of the interaction list."""

    sort: Literal["occurred_at", "-occurred_at", "id", "-id"] = "-occurred_at"
    account_id: Id | None = None
    employee_id: Id | None = None
    contact_id: Id | None = None
    kind: str | None = None
    source: str | None = None
    occurred_at_since: Moment | None = None
    occurred_at_before: Moment | None = None


class AssetsQuery(ListQuery):
    """Filters of the asset list."""

    sort: Literal["serial", "-serial", "id", "-id"] = "serial"
    account_id: Id | None = None
    status: str | None = None
    serial: str | None = None
    model: str | None = None
    product_line: str | None = None
