"""Creating and editing interactions and notes through the API."""

from __future__ import annotations

from fastapi import APIRouter, Response

from keepwell.editing.notes import (
    InteractionCreate,
    InteractionUpdate,
    create_interaction,
    update_interaction,
)
from keepwell.record.models import Interaction
from keepwell.web.deps import ApiWriter, SessionDep
from keepwell.web.params import IdPath
from keepwell.web.problem_details import ApiProblem, problem_responses
from keepwell.web.schemas import InteractionPublic

router = APIRouter(tags=["interactions"], responses=problem_responses(401, 403, 404, 422))


@router.post("/interactions", status_code=201, summary="Create an interaction")
def create_interaction_endpoint(
    data: InteractionCreate, db: SessionDep, who: ApiWriter, response: Response
) -> InteractionPublic:
    """Add a call, visit, meeting, email or note (source ``keepwell``) to an account."""
    row = create_interaction(db, data, writer=who.writer(db))
    db.commit()
    response.headers["Location"] = f"/api/v1/interactions/{row.id}"
    return InteractionPublic.model_validate(row)


@router.patch(
    "/interactions/{interaction_id}",
    summary="Update an interaction",
    responses=problem_responses(409),
)
def update_interaction_endpoint(
    interaction_id: IdPath, data: InteractionUpdate, db: SessionDep, who: ApiWriter
) -> InteractionPublic:
    """Change an interaction created in Keepwell; imported ones answer 409. Writers change
    only what they wrote (403 otherwise); leaders and admins change any."""
    row = db.get(Interaction, interaction_id)
    if row is None:
        raise ApiProblem(404, f"no interaction with id {interaction_id}", "not-found")
    update_interaction(db, row, data, writer=who.writer(db))
    db.commit()
    return InteractionPublic.model_validate(row)
