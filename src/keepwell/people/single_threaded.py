"""When a customer relationship is single-threaded: the one definition everything uses.

An *active pair* is one of our employees still employed and a contact still at the
customer with at least one interaction in the last :data:`RELATIONSHIP_WINDOW_DAYS` days.
An account is single-threaded when it has active pairs and one employee holds all of them
or they all reach one contact: the relationship hangs on one person on either side. An
account without any active pair is *uncovered*, not single-threaded.

The team coverage (:mod:`keepwell.teams.coverage`, Python over records) and the
``single_threaded`` feature (Ibis, at past cutoffs) both call :func:`is_single_threaded`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import ibis.expr.types as ir

RELATIONSHIP_WINDOW_DAYS = 180
"""How far back an interaction keeps an employee–contact pair active."""
ONE_THREAD = 1
"""The number of people on one side that makes a relationship hang on them."""


@overload
def is_single_threaded(holders: int, contacts: int) -> bool: ...


@overload
def is_single_threaded(holders: ir.IntegerValue, contacts: ir.IntegerValue) -> ir.BooleanValue: ...


def is_single_threaded(holders: Any, contacts: Any) -> Any:
    """Active pairs exist, and our ``holders`` or their ``contacts`` in them number one.

    Works on plain counts and on Ibis count columns alike (``&`` and ``|`` only).
    """
    covered = (holders >= ONE_THREAD) & (contacts >= ONE_THREAD)
    return covered & ((holders == ONE_THREAD) | (contacts == ONE_THREAD))
