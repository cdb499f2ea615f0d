"""Errors of the teams features; each carries the HTTP status it maps to.

TeamsError (ValueError)
 ├─ NotFound         404: no such account, role, employee, quote or team member
 ├─ NotAllowed       403: the principal may not do this (not a leader, not the owner)
 └─ Conflict         409: the request contradicts the record (duplicate, gate not passed)
Plain ``TeamsError`` is bad input (422).
"""

from __future__ import annotations


class TeamsError(ValueError):
    """Bad input for a teams feature."""

    status = 422


class NotFound(TeamsError):
    """The record named does not exist."""

    status = 404


class NotAllowed(TeamsError):
    """The principal may not do this."""

    status = 403


class Conflict(TeamsError):
    """The request contradicts the record."""

    status = 409
