"""Imports from the browser: upload, see the dry run, confirm; every problem is listed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from sqlalchemy import func, select
from starlette.responses import Response

from keepwell.audit.service import record
from keepwell.intake.errors import IntakeError
from keepwell.intake.fields import KINDS
from keepwell.intake.limits import ReadLimits
from keepwell.intake.models import ImportBatch
from keepwell.intake.service import ImportResult
from keepwell.web.deps import PageImporter, Principal, SessionDep, StateDep
from keepwell.web.imports import Staged, discard, find_staged, run_staged, stage_upload
from keepwell.web.pages import mapper
from keepwell.web.pages.mapper import save_confirmed
from keepwell.web.paging import pager
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
router.include_router(mapper.router)
BATCHES_PER_PAGE = 20


@router.get("/imports")
def imports_page(
    request: Request,
    who: PageImporter,
    db: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The upload form and the completed imports, newest first."""
    return _form_page(request, db, page)


@router.post("/imports")
def upload(
    request: Request,
    who: PageImporter,
    db: SessionDep,
    state: StateDep,
    kind: Annotated[str, Form(max_length=32)],
    file: Annotated[UploadFile, File()],
    mapping: Annotated[UploadFile | None, File()] = None,
    create_missing_accounts: Annotated[bool, Form()] = False,
) -> Response:
    """Stage the upload and show its dry run: what would change, or every problem."""
    mapping_bytes = mapping.file.read() if mapping is not None and mapping.filename else None
    try:
        staged = stage_upload(
            state.uploads,
            user_id=who.user.id,
            kind=kind,
            filename=file.filename or "upload",
            data=file.file,
            mapping=mapping_bytes,
            create_missing_accounts=create_missing_accounts,
        )
    except IntakeError as exc:
        return _form_page(request, db, 1, error=str(exc), status=422)
    return _run(request, db, state, who, staged, dry_run=True)


@router.post("/imports/{upload_id}/confirm")
def confirm(
    request: Request, upload_id: str, who: PageImporter, db: SessionDep, state: StateDep
) -> Response:
    """Import the staged file for real (validated again, atomic)."""
    try:
        staged = find_staged(state.uploads, upload_id, who.user.id)
    except IntakeError as exc:
        return _form_page(request, db, 1, error=str(exc), status=404)
    return _run(request, db, state, who, staged, dry_run=False)


@router.post("/imports/{upload_id}/cancel")
def cancel(
    request: Request, upload_id: str, who: PageImporter, db: SessionDep, state: StateDep
) -> Response:
    """Drop a staged upload without importing it."""
    try:
        discard(state.uploads, find_staged(state.uploads, upload_id, who.user.id))
    except IntakeError as exc:
        return _form_page(request, db, 1, error=str(exc), status=404)
    return _form_page(request, db, 1, notice="The upload was discarded; nothing was imported.")


def _run(
    request: Request,
    db: SessionDep,
    state: StateDep,
    who: Principal,
    staged: Staged,
    *,
    dry_run: bool,
) -> Response:
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
        discard(state.uploads, staged)
        return _form_page(request, db, 1, error=str(exc), status=422)
    saved = save_confirmed(state, db, who.actor, staged) if result.ok and not dry_run else None
    if not dry_run or (not result.ok and not staged.mapped):
        discard(state.uploads, staged)
    if not dry_run and not result.ok:
        _audit_rejected(db, who, result)
    context = {"result": result, "staged": staged, "kinds": KINDS, "saved": saved}
    return render(request, "import_result.html", context, status=200 if result.ok else 422)


def _audit_rejected(db: SessionDep, who: Principal, result: ImportResult) -> None:
    problems = len(result.errors) + result.errors_truncated
    changes = {"kind": result.kind, "file": result.file, "problems": problems}
    record(db, actor=who.actor, action="import.rejected", entity="import_batches", changes=changes)
    db.commit()


def _form_page(
    request: Request,
    db: SessionDep,
    page: int,
    *,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    total = db.scalar(select(func.count(ImportBatch.id))) or 0
    paging = pager(request, page, total, BATCHES_PER_PAGE)
    batches = db.scalars(
        select(ImportBatch)
        .order_by(ImportBatch.id.desc())
        .offset(paging.offset)
        .limit(paging.per_page)
    )
    context = {
        "kinds": KINDS,
        "batches": list(batches),
        "pager": paging,
        "error": error,
        "notice": notice,
    }
    return render(request, "imports.html", context, status=status)
