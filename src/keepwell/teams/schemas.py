"""Request bodies of the teams API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoleUpdate(_Body):
    """A role's new name, charter, watched signals and tasks."""

    name: str = Field(max_length=128)
    charter: str = Field(max_length=20_000)
    signals: list[str] = Field(default_factory=list, max_length=20)
    tasks: list[str] = Field(default_factory=list, max_length=20)


class TeamMemberCreate(_Body):
    """Put an employee on an account's team in a role."""

    employee_id: int = Field(ge=1, le=2**31 - 1)
    role: str = Field(max_length=64, description="The role key, e.g. `service_lead`.")
    since: date | None = None


class TeamMemberEnd(_Body):
    """End a membership (default today)."""

    until: date | None = None


class ReadCreate(_Body):
    """The account owner's read of the customer."""

    read: str = Field(max_length=16, description="healthy, watch or at_risk")
    reason: str = Field(max_length=5_000)


class ReviewCreate(_Body):
    """One required review of an RFQ."""

    kind: str = Field(max_length=32, description="engineering, operations or quality")
    decision: str = Field(max_length=16, description="approved, changes_needed or declined")
    note: str = Field(default="", max_length=5_000)


class QuoteSend(_Body):
    """The quote's promises as it goes out."""

    lead_time_days: int = Field(ge=0, le=100_000)
    specification: str = Field(max_length=20_000)


class SpecCheck(_Body):
    """Whether the delivery met the promised specification."""

    spec_met: bool
    note: str = Field(default="", max_length=5_000)


class CommentCreate(_Body):
    """A comment; ``@handle`` mentions a colleague by the start of their email."""

    body: str = Field(max_length=20_000)
