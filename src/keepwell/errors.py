"""Keepwell's own errors: one hierarchy every package builds on.

KeepwellError                 something asked of Keepwell cannot be done; ``str()`` says why
 ├─ Invalid      (422)        bad input: a value, a file, a choice
 ├─ NotFound     (404)        the record named does not exist
 ├─ NotAllowed   (403)        the person or token may not do this
 └─ Conflict     (409)        the request contradicts the record (duplicate, wrong state)

Each carries the HTTP status it maps to, so the three surfaces translate every error the
same way in one place each: the API answers an RFC 9457 problem detail, the pages an
error page (or the form again with the message), the command line a red line and exit
code 1. Packages subclass these for their own vocabulary (``TaskError``, ``MappingError``);
``status`` may also be set per instance where one error class covers several cases.
"""

from __future__ import annotations

__all__ = ["Conflict", "Invalid", "KeepwellError", "NotAllowed", "NotFound"]


class KeepwellError(Exception):
    """Base class of Keepwell's own errors; the message is written for people."""

    status: int = 422
    problem_type: str | None = None
    """The documented API problem type (``/api/docs#problem-…``); ``None``: by class."""

    def __init__(self, message: str = "", *, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class Invalid(KeepwellError, ValueError):
    """Bad input: a value, a file or a choice Keepwell cannot accept."""

    status = 422


class NotFound(KeepwellError, LookupError):
    """The record named does not exist (or is not visible to whoever asks)."""

    status = 404


class NotAllowed(KeepwellError, PermissionError):
    """The person or token may not do this."""

    status = 403


class Conflict(KeepwellError):
    """The request contradicts the record: a duplicate, a state that does not allow it."""

    status = 409
