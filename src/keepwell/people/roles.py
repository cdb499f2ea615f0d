"""The built-in retention roles and their charters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.people.models import RetentionRole


@dataclass(frozen=True)
class RoleCharter:
    """A retention role as shipped: what it does to keep the customer."""

    key: str
    name: str
    charter: str
    signals: tuple[str, ...]
    tasks: tuple[str, ...]


BUILTIN_ROLES: tuple[RoleCharter, ...] = (
    RoleCharter(
        "account_owner",
        "Account owner",
        "Owns the relationship and the retention plan; knows the customer's goals, "
        "coordinates the account team and makes sure every signal gets an owner.",
        ("churn_risk", "order_gap", "renewal_due", "human_model_disagreement"),
        ("account review", "renewal preparation", "re-engagement call"),
    ),
    RoleCharter(
        "executive_sponsor",
        "Executive sponsor",
        "Holds a peer relationship with the customer's leadership, so the relationship "
        "does not hang on one person; steps in on escalations and strategic decisions.",
        ("churn_risk", "key_contact_left", "single_threaded"),
        ("executive check-in", "escalation call"),
    ),
    RoleCharter(
        "service_lead",
        "Service lead",
        "Keeps installed equipment running and tickets answered within their SLA; "
        "turns repeated tickets into problems with a root cause.",
        ("complaint_sla", "repeat_problem", "alarm_spike", "usage_decline"),
        ("service visit", "ticket follow-up"),
    ),
    RoleCharter(
        "technical_lead",
        "Engineering lead",
        "Owns the technical fit: feasibility of requests, root causes of failures, "
        "and the engineering side of corrective actions.",
        ("repeat_problem", "rfq_review"),
        ("root-cause analysis", "feasibility review"),
    ),
    RoleCharter(
        "delivery_lead",
        "Operations / delivery lead",
        "Makes promised lead times and specifications come true and warns early "
        "when they will not.",
        ("broken_promise", "late_delivery", "rfq_review"),
        ("delivery recovery plan", "capacity review"),
    ),
    RoleCharter(
        "quality_lead",
        "Quality lead",
        "Runs complaints, NCRs and RMAs to a verified corrective action and checks "
        "that fixed problems stay fixed.",
        ("complaint", "repeat_problem", "recurrence_after_fix"),
        ("8D report", "containment action"),
    ),
    RoleCharter(
        "finance_contact",
        "Finance contact",
        "Keeps invoicing clean and payment issues from turning into relationship issues.",
        ("overdue_invoice",),
        ("payment follow-up",),
    ),
)


def ensure_builtin_roles(session: Session) -> dict[str, RetentionRole]:
    """Create any missing built-in role (existing ones keep their edits); return all by key."""
    existing = {role.key: role for role in session.scalars(select(RetentionRole))}
    for spec in BUILTIN_ROLES:
        if spec.key not in existing:
            role = RetentionRole(
                key=spec.key,
                name=spec.name,
                charter=spec.charter,
                signals=list(spec.signals),
                tasks=list(spec.tasks),
                builtin=True,
            )
            session.add(role)
            existing[spec.key] = role
    session.flush()
    return existing
