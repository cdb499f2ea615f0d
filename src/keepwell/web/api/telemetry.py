"""The telemetry API: batched ingest with an idempotency key, statistics, dead letters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy.orm import Session

from keepwell.telemetry.deadletters import REASONS, list_dead_letters, replay_dead_letters
from keepwell.telemetry.ingest import MAX_KEY, BadKey, IngestResult, ingest, settled_heap
from keepwell.telemetry.parse import decode_payload
from keepwell.telemetry.service import telemetry_stats
from keepwell.web.deps import ApiImporter, ApiReader, SessionDep, StateDep
from keepwell.web.problem_details import ApiProblem, problem_responses

router = APIRouter(tags=["telemetry"], responses=problem_responses(400, 401, 403, 422))


class IngestResultPublic(BaseModel):
    """What a batch did; ``repeated`` when its idempotency key was seen before."""

    batch_id: int
    items: int
    readings: int
    alarms: int
    duplicates: int
    dead_letters: int
    repeated: bool


@router.post(
    "/telemetry",
    summary="Ingest a batch of readings and alarms",
    status_code=201,
    responses={
        200: {"model": IngestResultPublic, "description": "The batch of this key, again"},
        **problem_responses(413),
    },
)
async def ingest_endpoint(
    request: Request,
    response: Response,
    who: ApiImporter,
    db: SessionDep,
    state: StateDep,
    idempotency_key: Annotated[
        str | None,
        Header(max_length=MAX_KEY, description="Same key, same batch: stored only once."),
    ] = None,
) -> IngestResultPublic:
    """Store a JSON array or NDJSON of readings and alarms (``asset`` is the serial number).

    Items that cannot be stored are kept as dead letters with their reason (and counted
    in ``dead_letters``); a batch sent again with the same ``Idempotency-Key`` stores
    nothing and answers 200 with the first answer and ``repeated: true``.
    """
    settings = state.settings
    body = await _read_limited(request, settings.telemetry_max_batch_bytes)
    try:
        result: IngestResult = await run_in_threadpool(
            _decode_and_ingest,
            db,
            body,
            settings.telemetry_max_item_bytes,
            idempotency_key,
            who.actor,
        )
    except BadKey as exc:
        raise ApiProblem(400, str(exc), "bad-idempotency-key") from None
    if result.repeated:
        response.status_code = 200
    return IngestResultPublic.model_validate(result.as_dict())


def _decode_and_ingest(
    db: Session, body: bytes, max_item_bytes: int, key: str | None, actor: str
) -> IngestResult:
    with settled_heap():
        items = decode_payload(body, max_item_bytes)
    return ingest(db, items, channel="http", key=key, actor=actor)


async def _read_limited(request: Request, limit: int) -> bytes:
    too_large = ApiProblem(413, f"the batch exceeds {limit} bytes; send smaller ones", "too-large")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiProblem(
                413, f"the batch exceeds {limit} bytes; send smaller batches", "too-large"
            )
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/telemetry/stats", summary="Telemetry statistics")
def stats_endpoint(db: SessionDep, who: ApiReader) -> dict[str, int]:
    """Readings and alarms stored, batches, duplicates left out, pending dead letters."""
    return telemetry_stats(db).as_dict()


@router.get("/telemetry/dead-letters", summary="Dead letters")
def dead_letters_endpoint(
    db: SessionDep,
    who: ApiImporter,
    reason: Annotated[str | None, Query(description=f"One of {', '.join(REASONS)}.")] = None,
    status: Annotated[str | None, Query(pattern="^(pending|replayed)$")] = "pending",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, list[dict[str, Any]]]:
    """Items and messages that could not be stored, newest first, with the reason."""
    letters = list_dead_letters(db, status=status, reason=reason, limit=limit)
    return {
        "dead_letters": [
            {
                "id": d.id,
                "channel": d.channel,
                "received_at": d.received_at.isoformat(),
                "reason": d.reason,
                "detail": d.detail,
                "serial": d.serial,
                "status": d.status,
                "payload": d.payload,
            }
            for d in letters
        ]
    }


@router.post("/telemetry/replay", summary="Replay the pending dead letters")
def replay_endpoint(
    db: SessionDep,
    who: ApiImporter,
    state: StateDep,
    allow_late: Annotated[
        bool, Query(description="Store readings on pruned days too (after checking them).")
    ] = False,
) -> dict[str, int]:
    """Try every pending dead letter again; those that now store are marked replayed."""
    result = replay_dead_letters(
        db,
        actor=who.actor,
        max_item_bytes=state.settings.telemetry_max_item_bytes,
        allow_late=allow_late,
    )
    return vars(result)
