"""Job-description profiles of the retention roles: what the role does to keep customers
and whom it works with, ready to paste into a job posting.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from keepwell.teams.roles import list_roles
from keepwell.teams.workforce import current_team

SIGNAL_WORDS = {
    "churn_risk": "rising churn risk",
    "order_gap": "gaps in ordering",
    "renewal_due": "upcoming renewals",
    "human_model_disagreement": "disagreements between the team's read and the model's",
    "key_contact_left": "key contacts leaving the customer",
    "single_threaded": "relationships hanging on one person",
    "complaint_sla": "complaints nearing their response deadline",
    "repeat_problem": "recurring problems",
    "alarm_spike": "machine alarm spikes",
    "usage_decline": "declining machine usage",
    "rfq_review": "RFQs waiting for their review",
    "broken_promise": "broken delivery or specification promises",
    "late_delivery": "late deliveries",
    "complaint": "complaints, NCRs and RMAs",
    "recurrence_after_fix": "problems returning after a fix",
    "overdue_invoice": "overdue invoices",
}


@dataclass(frozen=True)
class Profile:
    """A role written as a job-description section."""

    key: str
    title: str
    summary: str
    responsibilities: list[str]
    watches: list[str]
    works_with: list[tuple[str, int]]

    @property
    def text(self) -> str:
        """Plain text to paste into a job description."""
        lines = [self.title, "", self.summary, "", "Responsibilities:"]
        lines += [f"- {r}" for r in self.responsibilities]
        if self.watches:
            lines += ["", "Notices early and acts on:"] + [f"- {w}" for w in self.watches]
        if self.works_with:
            partners = ", ".join(name for name, _ in self.works_with)
            lines += ["", f"Works every week with colleagues in {partners} on the same customers."]
        lines += [
            "",
            "We look for someone who keeps customers, not someone who takes orders: "
            "who follows up after the sale, shares what they learn with the account team, "
            "and raises problems before the customer has to.",
        ]
        return "\n".join(lines)


def profiles(session: Session, day: date | None = None) -> list[Profile]:
    """A profile for every retention role, with the departments it shares accounts with."""
    rows = current_team(session, day or date.today())
    by_account: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        by_account[row.account_id].append((row.key, row.department or "other teams"))
    partners: dict[str, Counter[str]] = defaultdict(Counter)
    for team in by_account.values():
        for key, own in team:
            partners[key].update({dept for other, dept in team if other != key and dept != own})
    found = []
    for role in list_roles(session, day):
        clauses = [c.strip().rstrip(".") for c in role.charter.split(";") if c.strip()]
        duties = [c[0].upper() + c[1:] + "." for c in clauses]
        if role.tasks:
            duties.append(f"Takes on each account's {', '.join(role.tasks)}.")
        found.append(
            Profile(
                role.key,
                role.name,
                role.charter,
                duties,
                [SIGNAL_WORDS.get(s, s.replace("_", " ")) for s in role.signals],
                partners[role.key].most_common(4),
            )
        )
    return found
