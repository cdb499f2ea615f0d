"""What each import kind accepts: field names, types, choices, references and descriptions.

This table drives validation, the ``--template`` header and the field reference in the docs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from keepwell.record.vocabulary import (
    ACCOUNT_STATUSES,
    ASSET_STATUSES,
    DIRECTIONS,
    INTERACTION_KINDS,
    ORDER_KINDS,
    ORDER_STATUSES,
    QUOTE_OUTCOMES,
    SEVERITIES,
    SURVEY_KINDS,
    TICKET_KINDS,
    TICKET_STATUSES,
)

FieldType = Literal["str", "text", "int", "float", "date", "datetime", "bool"]
RefKind = Literal["account", "asset", "contact", "employee", "role", "quote"]


@dataclass(frozen=True)
class FieldSpec:
    """One importable field."""

    name: str
    type: FieldType
    description: str
    required: bool = False
    choices: tuple[str, ...] | None = None
    ref: RefKind | None = None
    column: str | None = None
    """Model column written (defaults to ``name``; references write ``<name>_id``)."""

    @property
    def target(self) -> str:
        """The model attribute this field writes."""
        if self.column:
            return self.column
        return f"{self.name}_id" if self.ref else self.name


@dataclass(frozen=True)
class KindSpec:
    """One import kind: its fields and how rows are keyed."""

    name: str
    fields: tuple[FieldSpec, ...]
    natural_key: tuple[str, ...] = ()
    """Fields that make the external id when the file has none (teams, telemetry)."""
    belongs_to_account: bool = True
    description: str = ""
    by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    @property
    def required(self) -> list[str]:
        """Names of the fields every row must have."""
        return [f.name for f in self.fields if f.required]


def _f(name: str, type_: FieldType, description: str, **kwargs: object) -> FieldSpec:
    return FieldSpec(name, type_, description, **kwargs)  # type: ignore[arg-type]


EXTERNAL_ID = _f("external_id", "str", "The row's id in the source system.", required=True)
ACCOUNT = _f(
    "account", "str", "External id of the account (any source's id).", required=True, ref="account"
)


KINDS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        KindSpec(
            "accounts",
            (
                EXTERNAL_ID,
                _f("name", "str", "Company name.", required=True),
                _f("segment", "str", "Customer segment."),
                _f("region", "str", "Sales region."),
                _f("tier", "str", "Tier (e.g. A/B/C)."),
                _f("industry", "str", "Industry."),
                _f("country", "str", "Country."),
                _f("status", "str", "Relationship status.", choices=ACCOUNT_STATUSES),
                _f("started_on", "date", "First day as a customer."),
                _f("ended_on", "date", "Day the customer was lost, if lost."),
                _f("lost_reason", "text", "Why the customer left, in the source's words."),
                _f("contract_value", "float", "Annual contract value."),
                _f("contract_end", "date", "End of the current contract."),
                _f("renewal_date", "date", "Next renewal date."),
            ),
            belongs_to_account=False,
            description="Customer companies. Extra columns can be kept as custom attributes.",
        ),
        KindSpec(
            "contacts",
            (
                EXTERNAL_ID,
                ACCOUNT,
                _f("name", "str", "Full name.", required=True),
                _f("email", "str", "E-mail address."),
                _f("phone", "str", "Phone number."),
                _f("title", "str", "Job title."),
                _f("role", "str", "Buying role (decision maker, user, purchaser, ...)."),
                _f("is_key", "bool", "A key contact for the relationship."),
                _f("active", "bool", "Still at the customer."),
                _f("left_at", "date", "Day the contact left the customer."),
            ),
            description="People at customers.",
        ),
        KindSpec(
            "employees",
            (
                EXTERNAL_ID,
                _f("name", "str", "Full name.", required=True),
                _f("email", "str", "Work e-mail address."),
                _f("department", "str", "Department name (created if new).", column="department"),
                _f("title", "str", "Job title."),
                _f("active", "bool", "Still employed."),
                _f("hired_at", "date", "Hire date."),
                _f("left_at", "date", "Leaving date."),
            ),
            belongs_to_account=False,
            description="People of the company.",
        ),
        KindSpec(
            "teams",
            (
                ACCOUNT,
                _f(
                    "employee", "str", "External id of the employee.", required=True, ref="employee"
                ),
                _f("role", "str", "Retention role key or name.", required=True, ref="role"),
                _f("since", "date", "Start of the assignment."),
                _f("until", "date", "End of the assignment."),
                _f("external_id", "str", "Assignment id (default: account|employee|role)."),
            ),
            natural_key=("account", "employee", "role"),
            description="Account-team members: an employee's retention role on an account.",
        ),
        KindSpec(
            "assets",
            (
                EXTERNAL_ID,
                ACCOUNT,
                _f("serial", "str", "Serial number (unique).", required=True),
                _f("model", "str", "Equipment model."),
                _f("product_line", "str", "Product line."),
                _f("installed_at", "date", "Installation date."),
                _f("warranty_end", "date", "End of warranty."),
                _f("service_contract_end", "date", "End of the service contract."),
                _f("status", "str", "Asset status.", choices=ASSET_STATUSES),
            ),
            description="Installed equipment.",
        ),
        KindSpec(
            "orders",
            (
                EXTERNAL_ID,
                ACCOUNT,
                _f("ordered_at", "date", "Order date.", required=True),
                _f("amount", "float", "Order amount.", required=True),
                _f("currency", "str", "ISO currency code."),
                _f("quantity", "float", "Quantity."),
                _f("product_line", "str", "Product line."),
                _f("kind", "str", "What was ordered.", choices=ORDER_KINDS),
                _f("status", "str", "Order status.", choices=ORDER_STATUSES),
                _f("promised_at", "date", "Promised delivery date."),
                _f("delivered_at", "date", "Actual delivery date."),
                _f("invoiced_at", "date", "Invoice date."),
                _f("due_at", "date", "Invoice due date."),
                _f("paid_at", "date", "Date the invoice was paid."),
                _f("quote", "str", "External id of the quote it came from.", ref="quote"),
            ),
            description="Orders and their invoices.",
        ),
        KindSpec(
            "quotes",
            (
                EXTERNAL_ID,
                ACCOUNT,
                _f("received_at", "date", "Day the RFQ arrived.", required=True),
                _f("responded_at", "date", "Day the quote was sent."),
                _f("decided_at", "date", "Day the customer decided."),
                _f("value", "float", "Quoted value."),
                _f("currency", "str", "ISO currency code."),
                _f("product_line", "str", "Product line."),
                _f("promised_lead_time_days", "int", "Lead time promised in the quote."),
                _f("specification", "text", "Specification promised."),
                _f("outcome", "str", "Outcome of the quote.", choices=QUOTE_OUTCOMES),
                _f("owner", "str", "External id of the responsible employee.", ref="employee"),
            ),
            description="RFQs and the quotes that answered them.",
        ),
        KindSpec(
            "tickets",
            (
                EXTERNAL_ID,
                ACCOUNT,
                _f("subject", "str", "Subject line.", required=True),
                _f("opened_at", "datetime", "When the ticket was opened.", required=True),
                _f("kind", "str", "Ticket kind.", choices=TICKET_KINDS),
                _f("text", "text", "Description in the customer's or agent's words."),
                _f("severity", "str", "Severity.", choices=SEVERITIES),
                _f("status", "str", "Status.", choices=TICKET_STATUSES),
                _f("product_line", "str", "Product line concerned."),
                _f("first_response_at", "datetime", "First response to the customer."),
                _f("closed_at", "datetime", "When the ticket was closed."),
                _f("asset", "str", "Serial number of the asset concerned.", ref="asset"),
                _f("contact", "str", "External id of the reporting contact.", ref="contact"),
                _f("assignee", "str", "External id of the assigned employee.", ref="employee"),
            ),
            description="Support tickets, complaints, NCRs, RMAs and warranty claims.",
        ),
        KindSpec(
            "surveys",
            (
                EXTERNAL_ID,
                ACCOUNT,
                _f("kind", "str", "Survey type.", required=True, choices=SURVEY_KINDS),
                _f("score", "float", "Score (NPS 0-10, CSAT 1-5, CES 1-7).", required=True),
                _f("responded_at", "datetime", "Response time.", required=True),
                _f("comment", "text", "Free-text comment."),
                _f("campaign", "str", "Survey campaign."),
                _f("contact", "str", "External id of the responding contact.", ref="contact"),
            ),
            description="NPS, CSAT and CES responses.",
        ),
        KindSpec(
            "interactions",
            (
                EXTERNAL_ID,
                ACCOUNT,
                _f("occurred_at", "datetime", "When it happened.", required=True),
                _f("kind", "str", "Kind of interaction.", choices=INTERACTION_KINDS),
                _f("direction", "str", "Who reached out.", choices=DIRECTIONS),
                _f("subject", "str", "Subject."),
                _f("text", "text", "Notes or message body."),
                _f("employee", "str", "External id of the employee involved.", ref="employee"),
                _f("contact", "str", "External id of the contact involved.", ref="contact"),
            ),
            description="Calls, visits, meetings, e-mails and notes.",
        ),
        KindSpec(
            "telemetry",
            (
                _f("asset", "str", "Serial number of the asset.", required=True, ref="asset"),
                _f("ts", "datetime", "Time of the reading or alarm.", required=True),
                _f("metric", "str", "Metric name (readings)."),
                _f("value", "float", "Metric value (readings)."),
                _f("alarm_code", "str", "Alarm code (alarms)."),
                _f("severity", "str", "Alarm severity.", choices=SEVERITIES),
            ),
            natural_key=("asset", "ts", "metric", "alarm_code"),
            belongs_to_account=False,
            description="Readings and alarms from installed equipment.",
        ),
    )
}


def kind_spec(kind: str) -> KindSpec:
    """The specification of ``kind``, or a ``KeyError`` naming the valid kinds."""
    try:
        return KINDS[kind]
    except KeyError:
        raise KeyError(
            f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}"
        ) from None
