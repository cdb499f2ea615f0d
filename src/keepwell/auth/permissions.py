"""Roles, API token scopes and the permissions they grant.

A browser session has the permissions of its user's role. An API token has those of
its user's role that its scope also allows, so a token never does more than its user.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """One thing a principal may do."""

    READ = "read"
    """See the customer record: accounts, timeline, people, tickets, ..."""
    WRITE = "write"
    """Add and edit notes and interactions."""
    MONEY = "money"
    """See order and invoice amounts, contract values and quote values."""
    IMPORT = "import"
    """Import files into the record (pages and the ingest API)."""
    AUDIT = "audit"
    """Read the audit log."""
    ADMIN = "admin"
    """Manage users, roles, API tokens; see the settings."""


class Role(StrEnum):
    """A user's role."""

    ADMIN = "admin"
    LEADER = "leader"
    MEMBER = "member"
    AUDITOR = "auditor"


class Scope(StrEnum):
    """What an API token is for."""

    READ = "read"
    WRITE = "write"
    INGEST = "ingest"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.LEADER: frozenset({Permission.READ, Permission.WRITE, Permission.MONEY}),
    Role.MEMBER: frozenset({Permission.READ, Permission.WRITE}),
    Role.AUDITOR: frozenset({Permission.READ, Permission.AUDIT}),
}

_READING = frozenset({Permission.READ, Permission.MONEY, Permission.AUDIT})
SCOPE_PERMISSIONS: dict[Scope, frozenset[Permission]] = {
    Scope.READ: _READING,
    Scope.WRITE: _READING | {Permission.WRITE},
    Scope.INGEST: frozenset({Permission.IMPORT}),
}

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.ADMIN: "everything, including users, tokens, imports and settings",
    Role.LEADER: "reads and writes the record and sees money fields",
    Role.MEMBER: "reads the record and adds notes; money fields are hidden",
    Role.AUDITOR: "reads the record and the audit log, changes nothing; money fields are hidden",
}


NOTE_EDITORS = frozenset({Role.ADMIN, Role.LEADER})
"""Roles that may edit notes and interactions other people wrote (writers edit their own)."""


def edits_others_notes(role: str) -> bool:
    """True when ``role`` may edit notes and interactions written by someone else."""
    return role in NOTE_EDITORS


def role_permissions(role: str) -> frozenset[Permission]:
    """The permissions of ``role``; an unknown role grants nothing."""
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()


def token_permissions(role: str, scope: str) -> frozenset[Permission]:
    """The permissions of a token of ``scope`` held by a user of ``role``."""
    try:
        allowed = SCOPE_PERMISSIONS[Scope(scope)]
    except ValueError:
        return frozenset()
    return role_permissions(role) & allowed
