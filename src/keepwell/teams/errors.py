"""Errors of the teams features, on the shared hierarchy of ``keepwell.errors``.

TeamsError (Invalid, 422)   bad input for a teams feature; pages show it in the form
 └─ Conflict         409: the request contradicts the record (duplicate, gate not passed)
NotFound (404) and NotAllowed (403) are the shared ones: no page or endpoint catches
them, the one handler per surface answers with the error page or problem detail.
"""

from __future__ import annotations

from keepwell import errors
from keepwell.errors import NotAllowed, NotFound

__all__ = ["Conflict", "NotAllowed", "NotFound", "TeamsError"]


class TeamsError(errors.Invalid):
    """Bad input for a teams feature."""

    status = 422


class Conflict(TeamsError, errors.Conflict):
    """The request contradicts the record."""

    status = 409
