"""The JSON API under ``/api/v1``, its OpenAPI document and its reference page."""

from fastapi import APIRouter, Depends

from keepwell.web.api import (
    accounts,
    editing,
    ingest,
    knowledge,
    meta,
    notifications,
    plans,
    playbooks,
    problems,
    records,
    reviews,
    search,
    tasks,
    teams,
    telemetry,
    views,
    voice,
    writes,
)
from keepwell.web.api.strict import refuse_unknown_query
from keepwell.web.problem_details import problem_responses

router = APIRouter()
_v1 = APIRouter(
    prefix="/api/v1",
    dependencies=[Depends(refuse_unknown_query)],
    responses=problem_responses(400),  # a body that cannot be parsed at all
)
for module in (
    accounts,
    records,
    writes,
    editing,
    ingest,
    telemetry,
    teams,
    knowledge,
    tasks,
    playbooks,
    problems,
    plans,
    reviews,
    voice,
    search,
    views,
    notifications,
):
    _v1.include_router(module.router)
router.include_router(_v1)
router.include_router(meta.router)
router.include_router(meta.docs_router)

__all__ = ["router"]
