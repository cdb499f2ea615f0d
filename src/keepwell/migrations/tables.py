"""Every table, imported so that ``Base.metadata`` is complete (for migrations and checks)."""

from keepwell.audit.models import AuditLog
from keepwell.auth.models import ApiToken, LoginAttempt, User, UserSession
from keepwell.db.base import Base
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.intake.models import ImportBatch
from keepwell.knowledge.models import Article, ArticleLink, ArticleTag, ArticleVersion
from keepwell.notify.models import InboxEntry, Notification, NotificationPreference
from keepwell.people.models import AccountTeamMember, Department, Employee, RetentionRole
from keepwell.plans.models import (
    AccountReviewDraft,
    MilestoneComment,
    PlanLinkHit,
    PlanMilestone,
    PlanObjective,
    PlanShareLink,
    SuccessPlan,
)
from keepwell.playbooks.models import PlaybookFiring, ReviewItem
from keepwell.problems.models import ProblemEvent, ProblemRecord, ProblemTicket
from keepwell.record.models import (
    Account,
    AccountExternalId,
    Asset,
    Contact,
    Interaction,
    InteractionContact,
    Order,
    Quote,
    SurveyResponse,
    TelemetryEvent,
    Ticket,
)
from keepwell.surveys.models import SurveyInvitation, SurveyLinkHit, SurveyOptOut
from keepwell.tasks.models import Task, TaskEvent
from keepwell.teams.models import Comment, HumanRead, Mention, PromiseCheck, QuoteReview
from keepwell.telemetry.models import (
    DeadLetter,
    PrunedDay,
    PrunedKeys,
    TelemetryBatch,
    TelemetryDaily,
)
from keepwell.views.models import SavedView
from keepwell.voice.models import VoiceTheme, VoiceThemeComment, VoiceThemeRun

__all__ = [
    "Account",
    "AccountExternalId",
    "AccountReviewDraft",
    "AccountScore",
    "AccountTeamMember",
    "ApiToken",
    "Article",
    "ArticleLink",
    "ArticleTag",
    "ArticleVersion",
    "Asset",
    "AuditLog",
    "Base",
    "Comment",
    "Contact",
    "DeadLetter",
    "Department",
    "Employee",
    "HumanRead",
    "ImportBatch",
    "InboxEntry",
    "Interaction",
    "InteractionContact",
    "LoginAttempt",
    "Mention",
    "MilestoneComment",
    "Notification",
    "NotificationPreference",
    "Order",
    "PlanLinkHit",
    "PlanMilestone",
    "PlanObjective",
    "PlanShareLink",
    "PlaybookFiring",
    "ProblemEvent",
    "ProblemRecord",
    "ProblemTicket",
    "PromiseCheck",
    "PrunedDay",
    "PrunedKeys",
    "Quote",
    "QuoteReview",
    "RetentionRole",
    "ReviewItem",
    "SavedView",
    "ScoreRun",
    "SuccessPlan",
    "SurveyInvitation",
    "SurveyLinkHit",
    "SurveyOptOut",
    "SurveyResponse",
    "Task",
    "TaskEvent",
    "TelemetryBatch",
    "TelemetryDaily",
    "TelemetryEvent",
    "Ticket",
    "User",
    "UserSession",
    "VoiceTheme",
    "VoiceThemeComment",
    "VoiceThemeRun",
]
