"""Notes and logged interactions written in Keepwell: pages, API and CLI share these.

Interactions created here have the source ``keepwell``; only those can be edited here,
imported ones belong to their source system and change with its next import. Each keeps
the user who wrote it; only that user, or a leader or an admin, may edit it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.permissions import edits_others_notes
from keepwell.days import utcnow
from keepwell.db.values import Moment
from keepwell.errors import Invalid, NotAllowed, NotFound
from keepwell.people.models import Employee
from keepwell.record.models import Account, Contact, Interaction, InteractionContact
from keepwell.record.service import MAX_ID

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
InteractionKind = Literal["call", "visit", "meeting", "email", "note"]
Direction = Literal["inbound", "outbound"]


class InteractionBase(BaseModel):
    """The editable part of an interaction."""

    model_config = ConfigDict(extra="forbid")

    kind: InteractionKind = "note"
    direction: Direction | None = None
    occurred_at: Moment | None = Field(default=None, description="Default: now (UTC).")
    subject: str | None = Field(default=None, max_length=512)
    text: str = Field(default="", max_length=20_000)
    contact_id: Id | None = None


class InteractionCreate(InteractionBase):
    """A new interaction or note; its author defaults to the caller's employee record."""

    account_id: Id
    employee_id: Id | None = None
    contacts_met: list[Id] = Field(
        default_factory=list,
        max_length=50,
        description="Contacts met on a visit or call; they count toward relationship coverage.",
    )


class InteractionUpdate(BaseModel):
    """Fields to change on an interaction created in Keepwell (omitted ones stay)."""

    model_config = ConfigDict(extra="forbid")

    kind: InteractionKind | None = None
    direction: Direction | None = None
    occurred_at: Moment | None = None
    subject: str | None = Field(default=None, max_length=512)
    text: str | None = Field(default=None, max_length=20_000)
    contact_id: Id | None = None


SOURCE = "keepwell"


class InteractionError(Invalid):
    """An interaction cannot be written as asked; ``status`` is the HTTP status to answer."""

    problem_type = "interaction"

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Writer:
    """Who writes: the signed-in user, their employee record and how they appear in the log."""

    user_id: int
    role: str
    employee: Employee | None
    actor: str

    @property
    def edits_any(self) -> bool:
        """True when the writer may edit interactions others wrote."""
        return edits_others_notes(self.role)


def create_interaction(session: Session, data: InteractionCreate, *, writer: Writer) -> Interaction:
    """Add an interaction (default author: ``author``) and audit it; not yet committed."""
    if session.get(Account, data.account_id) is None:
        raise NotFound(f"no account with id {data.account_id}")
    _check_contact(session, data.account_id, data.contact_id)
    met = list(dict.fromkeys(data.contacts_met))
    for contact_id in met:
        _check_contact(session, data.account_id, contact_id)
    employee_id = data.employee_id if data.employee_id is not None else _id(writer.employee)
    if employee_id is not None and session.get(Employee, employee_id) is None:
        raise InteractionError(f"no employee with id {employee_id}")
    interaction = Interaction(
        source=SOURCE,
        external_id=f"kw-{uuid.uuid4().hex}",
        account_id=data.account_id,
        employee_id=employee_id,
        contact_id=data.contact_id if data.contact_id is not None or not met else met[0],
        kind=data.kind,
        direction=data.direction,
        occurred_at=data.occurred_at.replace(tzinfo=None) if data.occurred_at else utcnow(),
        subject=(data.subject or "").strip() or None,
        text=data.text.strip(),
        author_user_id=writer.user_id,
    )
    session.add(interaction)
    session.flush()
    session.add_all(InteractionContact(interaction_id=interaction.id, contact_id=c) for c in met)
    changes: dict[str, Any] = {
        "account_id": data.account_id,
        "kind": data.kind,
        "subject": interaction.subject,
    }
    if met:
        names = {c.id: c.name for c in session.scalars(select(Contact).where(Contact.id.in_(met)))}
        changes["contacts_met"] = [names[c] for c in met]
    record(
        session,
        actor=writer.actor,
        action="interaction.created",
        entity="interactions",
        entity_id=interaction.id,
        changes=changes,
    )
    _voice_heard(session, interaction.id)
    return interaction


def update_interaction(
    session: Session, interaction: Interaction, data: InteractionUpdate, *, writer: Writer
) -> dict[str, list[Any]]:
    """Apply the fields set in ``data``; audit and return ``{field: [old, new]}``."""
    if interaction.source != SOURCE:
        raise InteractionError(
            f"interaction {interaction.id} comes from {interaction.source}; change it there", 409
        )
    if interaction.author_user_id != writer.user_id and not writer.edits_any:
        raise NotAllowed(
            f"interaction {interaction.id} was written by someone else; only its author, "
            "a leader or an admin may change it"
        )
    wanted = data.model_dump(exclude_unset=True)
    if "contact_id" in wanted:
        _check_contact(session, interaction.account_id, wanted["contact_id"])
    if wanted.get("occurred_at") is not None:
        wanted["occurred_at"] = wanted["occurred_at"].replace(tzinfo=None)
    elif "occurred_at" in wanted:
        raise InteractionError("occurred_at cannot be null")
    if "text" in wanted:
        wanted["text"] = (wanted["text"] or "").strip()
    changes = {
        k: [getattr(interaction, k), v] for k, v in wanted.items() if getattr(interaction, k) != v
    }
    for field, (_old, new) in changes.items():
        setattr(interaction, field, new)
    if changes:
        record(
            session,
            actor=writer.actor,
            action="interaction.updated",
            entity="interactions",
            entity_id=interaction.id,
            changes={k: [str(o), str(n)] for k, (o, n) in changes.items()},
        )
        session.flush()
        _voice_heard(session, interaction.id)
    return changes


def _voice_heard(session: Session, interaction_id: int) -> None:
    """Place the written interaction in its voice theme (staff notes leave the voice)."""
    from keepwell.voice.store import place_comments

    place_comments(session, {"interaction": [interaction_id]})


def _check_contact(session: Session, account_id: int, contact_id: int | None) -> None:
    if contact_id is None:
        return
    contact = session.get(Contact, contact_id)
    if contact is None or contact.account_id != account_id:
        raise InteractionError(f"contact {contact_id} is not a contact of account {account_id}")


def _id(employee: Employee | None) -> int | None:
    return employee.id if employee is not None else None
