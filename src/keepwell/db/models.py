"""Imports every table so that ``Base.metadata`` is complete (for migrations and checks)."""

from keepwell.audit.models import AuditLog
from keepwell.auth.models import ApiToken, LoginAttempt, User, UserSession
from keepwell.db.base import Base
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.intake.models import ImportBatch
from keepwell.people.models import AccountTeamMember, Department, Employee, RetentionRole
from keepwell.problems.models import ProblemEvent, ProblemRecord, ProblemTicket
from keepwell.record.models import (
    Account,
    AccountExternalId,
    Asset,
    Contact,
    Interaction,
    Order,
    Quote,
    SurveyResponse,
    TelemetryEvent,
    Ticket,
)

__all__ = [
    "Account",
    "AccountExternalId",
    "AccountScore",
    "AccountTeamMember",
    "ApiToken",
    "Asset",
    "AuditLog",
    "Base",
    "Contact",
    "Department",
    "Employee",
    "ImportBatch",
    "Interaction",
    "LoginAttempt",
    "Order",
    "ProblemEvent",
    "ProblemRecord",
    "ProblemTicket",
    "Quote",
    "RetentionRole",
    "ScoreRun",
    "SurveyResponse",
    "TelemetryEvent",
    "Ticket",
    "User",
    "UserSession",
]
