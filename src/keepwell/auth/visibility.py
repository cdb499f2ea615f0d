"""What each role may not see: one declared list of hidden fields that every path consults.

A field is named ``record.field`` (``account.contract_value``, ``order.amount``). A role
without the money permission may not read such a field, filter or sort on it, export it,
or test it in a playbook condition: API shapes null it, lists refuse it as a filter or a
sort, dry runs and previews refuse a rule that tests it (``HiddenFieldError``), and
pages, reports and the audit log show a mark instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from keepwell.auth.permissions import ROLE_PERMISSIONS, Permission, Role
from keepwell.errors import NotAllowed

MONEY_FIELDS: dict[str, str] = {
    "account.contract_value": "the contract value",
    "account.revenue_12m": "the revenue of the last twelve months",
    "score.annual_revenue": "the annual revenue",
    "score.revenue_at_risk": "the revenue at risk",
    "score.expected_value_12m": "the expected value of the next twelve months",
    "order.amount": "order and invoice amounts",
    "quote.value": "quote values",
}
"""Every money field, with how a sentence names it."""


def hidden_fields(permissions: Iterable[Permission]) -> frozenset[str]:
    """The fields a holder of ``permissions`` may not see."""
    return frozenset() if Permission.MONEY in set(permissions) else frozenset(MONEY_FIELDS)


HIDDEN_FIELDS: dict[Role, frozenset[str]] = {
    role: hidden_fields(permissions) for role, permissions in ROLE_PERMISSIONS.items()
}
"""The hidden fields of each role (a token hides what its user's role hides, at least)."""


def hidden_in(record: str, hidden: frozenset[str]) -> tuple[str, ...]:
    """The names (without the record) of ``record``'s fields among ``hidden``."""
    prefix = f"{record}."
    return tuple(sorted(f.removeprefix(prefix) for f in hidden if f.startswith(prefix)))


class HiddenFieldError(NotAllowed):
    """A request reads, filters, sorts or tests a field its role may not see."""

    def __init__(self, fields: Iterable[str], doing: str) -> None:
        self.fields = sorted(set(fields))
        names = ", ".join(MONEY_FIELDS.get(f, f) for f in self.fields)
        super().__init__(f"your role may not see {names}, so it may not {doing} them")


def refuse_hidden(fields: Iterable[str], hidden: frozenset[str], doing: str) -> None:
    """Raise ``HiddenFieldError`` when any of ``fields`` is hidden."""
    found = [f for f in fields if f in hidden]
    if found:
        raise HiddenFieldError(found, doing)
