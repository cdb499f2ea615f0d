"""The audit log in words: what each action means, and a change as "old → new"."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

ACTIONS = {
    "account.updated": "Account changed",
    "article.created": "Article written",
    "article.updated": "Article changed",
    "articles.imported": "Articles imported",
    "auth.login": "Signed in",
    "auth.login_failed": "Sign-in refused",
    "account_review.approved": "Account review approved for the customer",
    "account_review.saved": "Account review draft saved",
    "auth.logout": "Signed out",
    "auth.password_changed": "Password changed",
    "comment.add": "Comment added",
    "contact.created": "Contact added",
    "contact.updated": "Contact changed",
    "import": "File imported",
    "import.rejected": "Import refused",
    "import.override_kept": "Import left an edited field alone",
    "import.update": "Record changed by an import",
    "interaction.created": "Note added",
    "mapping.saved": "Import mapping saved",
    "interaction.updated": "Note changed",
    "plan.created": "Success plan made",
    "plan.milestone_added": "Milestone added to a success plan",
    "plan.milestone_done": "Milestone marked done",
    "plan.objective_added": "Objective added to a success plan",
    "plan.objective_status": "Objective status changed",
    "plan.reviewed": "Success plan reviewed",
    "plan.share_revoked": "Shared plan link revoked",
    "plan.shared": "Success plan shared with the customer",
    "update.started": "Update started from the app",
    "view.deleted": "Saved view deleted",
    "view.saved": "View saved",
    "plan_link.comment": "Customer commented on a milestone",
    "plan_link.milestone_done": "Customer marked a milestone done",
    "plan_link.refused": "Shared plan link refused",
    "plan_link.review": "Customer downloaded an account review",
    "plan_link.viewed": "Customer opened the shared plan",
    "playbook.fired": "Playbook created a task",
    "playbook.saved": "Playbook saved",
    "read.record": "Account read recorded",
    "rfq.review": "RFQ reviewed",
    "rfq.send": "Quote sent",
    "rfq.spec_check": "Delivery checked against the quote",
    "role.create": "Retention role created",
    "role.update": "Retention role changed",
    "task.created": "Task created",
    "task.escalated": "Task escalated",
    "task.updated": "Task changed",
    "team.add": "Added to an account team",
    "team.end": "Left an account team",
    "token.created": "API token created",
    "token.revoked": "API token revoked",
    "user.created": "User created",
    "user.password_reset": "Password reset",
}
"""Each audited action's label; an action not listed reads as its words ("problem.merge"
→ "Problem: merge")."""
EMPTY = "(empty)"
PAIRED = frozenset({"import.update", "interaction.updated", "task.updated"})
"""Actions whose changes are (or once were) ``[old, new]`` pairs (an import's diff)."""
FIELDS = {
    "account_id": "Account",
    "contacts_met": "Contacts met",
    "due_on": "Due day",
    "ended_on": "Ended on",
    "is_key": "Key contact",
    "left_at": "Left the customer on",
    "lost_reason": "Why lost, in words",
    "lost_reason_code": "Why lost",
    "outcome_note": "Outcome note",
    "owner_id": "Owner",
    "renewal_date": "Renewal",
}
"""Field names that read better than their column's name."""
INTERNAL = frozenset({"reason_key"})
"""Recorded for the machine (a de-duplication key), not shown to people."""


def action_label(action: str) -> str:
    """What the action means, for people."""
    known = ACTIONS.get(action)
    if known:
        return known
    subject, _, verb = action.partition(".")
    words = subject.replace("_", " ").capitalize()
    return f"{words}: {verb.replace('_', ' ')}" if verb else words


def field_label(name: str) -> str:
    """A changed field's name in words: ``contract_value`` → ``Contract value``."""
    if name in FIELDS:
        return FIELDS[name]
    return name.replace("_", " ").capitalize()


def value_text(value: Any) -> str:
    """One value as people read it: dates as dates, nothing as "(empty)", lists joined."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value) or EMPTY
    if isinstance(value, Mapping):
        return "; ".join(f"{field_label(str(k))} {value_text(v)}" for k, v in value.items())
    return str(value)


def change_text(value: Any) -> str:
    """A recorded change: ``{"old": a, "new": b}`` reads "a → b"; anything else its value."""
    if isinstance(value, Mapping) and set(value) == {"old", "new"}:
        return f"{value_text(value['old'])} → {value_text(value['new'])}"
    return value_text(value)


def entry_changes(
    action: str,
    changes: Mapping[str, Any],
    words: Mapping[str, Callable[[str], str]] | None = None,
) -> list[tuple[str, str]]:
    """An entry's changes as (field, text) for people, whatever shape the action stored.

    ``words`` names, per field, how its value reads (a playbook's name as its title).
    """
    shown = []
    for name, value in changes.items():
        if name in INTERNAL:
            continue
        if words and name in words and isinstance(value, str):
            text = words[name](value)
        elif action in PAIRED and isinstance(value, list | tuple) and len(value) == 2:
            text = change_text({"old": value[0], "new": value[1]})
        else:
            text = change_text(value)
        shown.append((field_label(name), text))
    return shown
