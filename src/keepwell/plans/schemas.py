"""Request bodies of the success-plans API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from keepwell.plans.sharing import MAX_SHARE_DAYS, SHARE_DAYS

MAX_ID = 2**31 - 1
EARLIEST, LATEST = date(2000, 1, 1), date(2199, 12, 31)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanCreate(_Body):
    """A new success plan for an account."""

    title: str = Field(max_length=255)
    review_on: date | None = Field(
        default=None, ge=EARLIEST, le=LATEST, description="Next review; default in 90 days."
    )
    internal_note: str = Field(default="", max_length=2000, description="Never shared.")


class ObjectiveCreate(_Body):
    """An objective in the customer's words, its owners, status and measure."""

    text: str = Field(max_length=2000)
    employee_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="Our owner.")
    contact_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="The customer's owner (a contact of the account).",
    )
    status: str = Field(
        default="on_track", max_length=16, description="on_track, at_risk, done or dropped"
    )
    measure: str | None = Field(
        default=None, max_length=32, description="`on_time_delivery` or `repeat_complaints`"
    )
    target: float | None = Field(default=None, ge=-1e9, le=1e9, allow_inf_nan=False)
    shared: bool = Field(default=True, description="Shown to the customer through the link.")
    internal_note: str = Field(default="", max_length=2000, description="Never shared.")


class MilestoneCreate(_Body):
    """A milestone of an objective."""

    title: str = Field(max_length=255)
    due_on: date = Field(ge=EARLIEST, le=LATEST)
    shared: bool = True


class ShareCreate(_Body):
    """How long the customer's link works."""

    days: int = Field(default=SHARE_DAYS, ge=1, le=MAX_SHARE_DAYS)


ProposedObjective = Annotated[
    str, StringConstraints(min_length=1, max_length=500, pattern=r"^[^\r\n]+$")
]
"""One proposed objective for the next period (one line)."""


class ReviewCreate(_Body):
    """The draft of an account's review for a quarter."""

    period: str = Field(max_length=16, description="A quarter: `2026Q3` or `2026-Q3`.")
    summary: str | None = Field(
        default=None, max_length=4000, description="Default: a summary built from the figures."
    )
    objectives: list[ProposedObjective] | None = Field(
        default=None,
        max_length=20,
        description="Proposed objectives for the next period; default: the open shared ones.",
    )


class ReviewEdit(_Body):
    """The team's words of a draft review; a field left out keeps its value."""

    summary: str | None = Field(default=None, max_length=4000)
    objectives: list[ProposedObjective] | None = Field(default=None, max_length=20)
