"""Which table each import kind writes."""

from __future__ import annotations

from keepwell.db.base import Base
from keepwell.people.models import AccountTeamMember, Employee
from keepwell.record.models import (
    Account,
    Asset,
    Contact,
    Interaction,
    Order,
    Quote,
    SurveyResponse,
    TelemetryEvent,
    Ticket,
)

MODELS: dict[str, type[Base]] = {
    "accounts": Account,
    "contacts": Contact,
    "employees": Employee,
    "teams": AccountTeamMember,
    "assets": Asset,
    "orders": Order,
    "quotes": Quote,
    "tickets": Ticket,
    "surveys": SurveyResponse,
    "interactions": Interaction,
    "telemetry": TelemetryEvent,
}
