"""The ingest API: import a file (or dry-run it) and list completed imports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from pydantic import Field

from keepwell.intake.errors import IntakeError
from keepwell.intake.limits import ReadLimits
from keepwell.intake.models import ImportBatch
from keepwell.web.api.listing import ListQuery, Resource, list_page
from keepwell.web.deps import ApiImporter, SessionDep, StateDep
from keepwell.web.imports import discard, run_staged, stage_upload
from keepwell.web.problem_details import ApiProblem, problem_responses
from keepwell.web.schemas import ImportBatchPublic, ImportResultPublic, Page

router = APIRouter(tags=["imports"], responses=problem_responses(400, 401, 403, 422))
BATCHES = Resource("import batch", ImportBatch, ImportBatchPublic)


class BatchesQuery(ListQuery):
    """Filters of the import list."""

    sort: str = Field(default="-id", pattern="^-?id$")
    kind: str | None = None
    source: str | None = None


@router.post("/imports", summary="Import a file")
def import_endpoint(
    who: ApiImporter,
    state: StateDep,
    response: Response,
    kind: Annotated[str, Form(description="What the file holds: accounts, orders, ...")],
    file: Annotated[UploadFile, File(description="CSV, XLSX, JSON, NDJSON or Parquet.")],
    mapping: Annotated[UploadFile | None, File(description="Mapping YAML.")] = None,
    dry_run: Annotated[bool, Form()] = False,
    create_missing_accounts: Annotated[bool, Form()] = False,
) -> ImportResultPublic:
    """Import one file, validated and atomic; a file with problems changes nothing (422)."""
    mapping_bytes = mapping.file.read() if mapping is not None else None
    staged = stage_upload(
        state.uploads,
        user_id=who.user.id,
        kind=kind,
        filename=file.filename or "upload",
        data=file.file,
        mapping=mapping_bytes,
        create_missing_accounts=create_missing_accounts,
    )
    try:
        result = run_staged(
            state.engine,
            state.uploads,
            staged,
            dry_run=dry_run,
            actor=who.actor,
            limits=ReadLimits.from_settings(state.settings),
        )
    except IntakeError as exc:
        raise ApiProblem(422, str(exc), "import-rejected") from None
    finally:
        discard(state.uploads, staged)
    public = ImportResultPublic.model_validate(result.as_dict())
    if not result.ok:
        raise ApiProblem(
            422,
            f"{len(result.errors) + result.errors_truncated} problems; nothing was imported",
            "import-rejected",
            result=public.model_dump(mode="json"),
        )
    response.status_code = 200 if dry_run else 201
    return public


@router.get("/imports")
def list_imports(
    db: SessionDep,
    who: ApiImporter,
    request: Request,
    response: Response,
    query: Annotated[BatchesQuery, Query()],
) -> Page[ImportBatchPublic]:
    """Completed imports, newest first."""
    return list_page(db, BATCHES, query, who, request, response)
