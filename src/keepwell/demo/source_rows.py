"""Activity records in the shape of the system that exports them (ERP, CRM, helpdesk, surveys)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from keepwell.demo.catalog import CURRENCY
from keepwell.demo.formats import day, money
from keepwell.demo.rows import InteractionRow, OrderRow, QuoteRow, SurveyRow, TicketRow

ERP_KINDS = {
    "product": "Anlage",
    "spare_parts": "Ersatzteile",
    "service": "Service",
    "contract": "Wartungsvertrag",
}
ERP_STATUSES = {
    "open": "Offen",
    "delivered": "Geliefert",
    "invoiced": "Fakturiert",
    "paid": "Bezahlt",
    "cancelled": "Storniert",
}
QUOTE_STAGES = {
    "won": "Closed Won",
    "lost": "Closed Lost",
    "open": "Open",
    "no_bid": "No Bid",
    "withdrawn": "Withdrawn",
}
TICKET_TYPES = {
    "support": "Question",
    "complaint": "Complaint",
    "ncr": "NCR",
    "rma": "Return (RMA)",
    "warranty": "Warranty claim",
}
PRIORITIES = {"low": "P4", "medium": "P3", "high": "P2", "critical": "P1"}
TICKET_STATUSES = {"open": "New", "pending": "Pending", "resolved": "Solved", "closed": "Closed"}
SURVEY_TYPES = {"nps": "Relationship NPS", "csat": "Support CSAT"}
ACTIVITY_TYPES = {
    "call": "Call",
    "visit": "Site Visit",
    "meeting": "Meeting",
    "email": "E-Mail",
    "note": "Note",
}
Table = tuple[Sequence[str], list[Sequence[object]]]


def order_rows(orders: list[OrderRow]) -> Table:
    """The ERP's order list: German headers and labels, dates as dd.mm.yyyy."""
    header = (
        "Belegnr",
        "Kundennr",
        "Auftragsdatum",
        "Nettobetrag",
        "Menge",
        "Sparte",
        "Auftragsart",
        "Status",
        "Bestaetigter Liefertermin",
        "Lieferdatum",
        "Rechnungsdatum",
        "Faellig am",
        "Zahlungseingang",
        "Angebotsnr",
    )
    de = "%d.%m.%Y"
    rows: list[Sequence[object]] = [
        (
            o.number,
            o.customer.erp_no,
            day(o.ordered_at, de),
            money(o.amount),
            f"{o.quantity:g}",
            o.product_line,
            ERP_KINDS[o.kind],
            ERP_STATUSES[o.status],
            day(o.promised_at, de),
            day(o.delivered_at, de),
            day(o.invoiced_at, de),
            day(o.due_at, de),
            day(o.paid_at, de),
            o.quote.number if o.quote else "",
        )
        for o in orders
    ]
    return header, rows


def quote_rows(quotes: list[QuoteRow]) -> Table:
    """The CRM's quote report, with real spreadsheet dates and numbers."""
    header = (
        "Quote Number",
        "Account ID",
        "RFQ Received",
        "Quote Sent",
        "Decision Date",
        "Net Value",
        "Currency",
        "Product Family",
        "Lead Time (days)",
        "Specification",
        "Stage",
        "Owner Employee No",
    )
    rows: list[Sequence[object]] = [
        (
            q.number,
            q.customer.crm_id,
            _midnight(q.received_at),
            _midnight(q.responded_at),
            _midnight(q.decided_at),
            q.value,
            CURRENCY,
            q.product_line,
            q.lead_days,
            q.specification,
            QUOTE_STAGES[q.outcome],
            q.owner.number if q.owner else None,
        )
        for q in quotes
    ]
    return header, rows


def _midnight(value: Any) -> datetime | None:
    return datetime(value.year, value.month, value.day) if value is not None else None


def ticket_records(tickets: list[TicketRow]) -> list[dict[str, Any]]:
    """The helpdesk's tickets as JSON objects, linked to CRM accounts and contacts."""
    return [
        {
            "id": t.number,
            "organization_crm_id": t.customer.crm_id,
            "subject": t.subject,
            "description": t.text,
            "type": TICKET_TYPES[t.kind],
            "priority": PRIORITIES[t.severity],
            "status": TICKET_STATUSES[t.status],
            "product_family": t.product_line,
            "serial_number": t.machine.serial if t.machine else None,
            "requester_crm_id": t.contact.crm_id if t.contact else None,
            "agent_employee_no": t.assignee.number if t.assignee else None,
            "channel": "email" if "\n\n" in t.text else "phone",
            "created_at": t.opened_at.isoformat(),
            "first_reply_at": _iso(t.first_response_at),
            "closed_at": _iso(t.closed_at),
        }
        for t in tickets
    ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def survey_rows(surveys: list[SurveyRow]) -> Table:
    """The survey tool's response export (US-style timestamps)."""
    header = (
        "ResponseId",
        "Survey",
        "Survey Type",
        "Score",
        "Recorded Date",
        "Comment",
        "Account ID",
        "Contact ID",
    )
    rows: list[Sequence[object]] = [
        (
            s.number,
            s.campaign,
            SURVEY_TYPES[s.kind],
            s.score,
            s.responded_at.strftime("%m/%d/%Y %H:%M"),
            s.comment or "",
            s.customer.crm_id,
            s.contact.crm_id if s.contact else "",
        )
        for s in surveys
    ]
    return header, rows


def activity_records(interactions: list[InteractionRow]) -> list[dict[str, Any]]:
    """The CRM's activity stream, one JSON object per line, times in UTC."""
    return [
        {
            "ActivityId": i.number,
            "AccountId": i.customer.crm_id,
            "ActivityType": ACTIVITY_TYPES[i.kind],
            "Direction": i.direction.capitalize() if i.direction else None,
            "ActivityDate": i.occurred_at.isoformat() + "Z",
            "Subject": i.subject,
            "Description": i.text,
            "OwnerEmployeeNo": i.employee.number if i.employee else None,
            "WhoId": i.contact.crm_id if i.contact else None,
        }
        for i in interactions
    ]
