"""The shapes signals and actions share: the evaluation context, hits and firings."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.insight.models import AccountScore
from keepwell.insight.snapshots import latest_scores
from keepwell.notify.notice import Notice
from keepwell.record.models import Account

if TYPE_CHECKING:
    from keepwell.playbooks.rules import Rule
    from keepwell.tasks.models import Task

P = TypeVar("P", bound=BaseModel)


class Params(BaseModel):
    """Base of the parameters of a signal or an action (unknown keys are errors)."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Hit:
    """A signal found on one account, for one reason (the de-duplication key)."""

    account_id: int
    reason_key: str
    summary: str
    facts: dict[str, Any] = field(default_factory=dict)
    fallback_owner_id: int | None = None
    """Who owns tasks when nobody on the account team can (a leaver's manager, ...)."""


@dataclass
class Context:
    """What a run evaluates against: the database session and the day."""

    session: Session
    today: date
    actor: str = "playbooks"
    notices: list[Notice] = field(default_factory=list)

    @cached_property
    def accounts(self) -> dict[int, Account]:
        """The active accounts by id (playbooks act on live customers only)."""
        rows = self.session.scalars(select(Account).where(Account.status == "active"))
        return {account.id: account for account in rows}

    @cached_property
    def scores(self) -> dict[int, AccountScore]:
        """The latest scoring run's scores by account."""
        return latest_scores(self.session)


@dataclass
class Firing:
    """One rule firing on one hit, as its actions run in order."""

    rule: Rule
    hit: Hit
    account: Account
    task: Task | None = None
    outcomes: list[str] = field(default_factory=list)


class Signal(ABC, Generic[P]):
    """A condition on the record that a rule can trigger on.

    Subclasses set ``name``, ``description`` and ``params`` and implement ``find``.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    params: type[P]
    fact_fields: ClassVar[dict[str, str]] = {}
    """Facts that carry a record field's values (``{"amount": "order.amount"}``), so a
    condition on them is refused where that field is hidden."""

    @abstractmethod
    def find(self, ctx: Context, params: P) -> list[Hit]:
        """The accounts (among ``ctx.accounts``) where the signal holds today."""


class Action(ABC, Generic[P]):
    """Something a rule does when it fires; ``sweep`` runs once per rule and run."""

    name: ClassVar[str]
    description: ClassVar[str]
    params: type[P]

    @abstractmethod
    def apply(self, ctx: Context, firing: Firing, params: P) -> None:
        """Act on one firing (append a short outcome to ``firing.outcomes``)."""

    def sweep(self, ctx: Context, rule: Rule, params: P) -> int:
        """Periodic work of the action for ``rule`` (escalations); how many things it did."""
        return 0
