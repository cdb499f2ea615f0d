"""The column mapper: map an uploaded file's columns to Keepwell fields in the browser.

Upload, see each column with samples and a suggested field, correct the choices, date
formats and value translations, preview the dry run, and save the mapping for the source's
next import. Only roles that may import use it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from keepwell.audit.service import record
from keepwell.intake.errors import IntakeError
from keepwell.intake.fields import KINDS, KindSpec, kind_spec
from keepwell.intake.limits import ReadLimits
from keepwell.intake.mapper import (
    ATTRIBUTE,
    Choice,
    Column,
    build_mapping,
    choices_from_mapping,
    read_columns,
    suggested_choices,
)
from keepwell.intake.mapping import Mapping
from keepwell.intake.saved import match_saved, save_mapping, source_name
from keepwell.intake.suggest import translation_targets
from keepwell.web.deps import PageImporter, SessionDep, StateDep
from keepwell.web.imports import (
    Staged,
    discard,
    find_staged,
    run_staged,
    set_mapping,
    stage_upload,
    staged_mapping,
)
from keepwell.web.state import WebState
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)


@router.post("/imports/map")
def upload_to_map(
    request: Request,
    who: PageImporter,
    state: StateDep,
    kind: Annotated[str, Form(max_length=32)],
    file: Annotated[UploadFile, File()],
    create_missing_accounts: Annotated[bool, Form()] = False,
) -> Response:
    """Stage the file and open the column mapper on it."""
    try:
        staged = stage_upload(
            state.uploads,
            user_id=who.user.id,
            kind=kind,
            filename=file.filename or "upload",
            data=file.file,
            mapping=None,
            create_missing_accounts=create_missing_accounts,
        )
    except IntakeError as exc:
        return render(request, "import_error.html", {"error": str(exc)}, status=422)
    return RedirectResponse(f"/imports/{staged.id}/map", status_code=303)


@router.get("/imports/{upload_id}/map")
def mapper_page(request: Request, upload_id: str, who: PageImporter, state: StateDep) -> Response:
    """The file's columns with the saved mapping of its source, or suggestions."""
    try:
        staged = find_staged(state.uploads, upload_id, who.user.id)
    except IntakeError as exc:
        return render(request, "import_error.html", {"error": str(exc)}, status=404)
    spec = kind_spec(staged.kind)
    try:
        columns = _columns(state, staged)
        current = staged_mapping(state.uploads, staged)
    except IntakeError as exc:
        discard(state.uploads, staged)
        return render(request, "import_error.html", {"error": str(exc)}, status=422)
    notice = None
    if current is not None:
        choices, source = choices_from_mapping(current, columns), current.source
    elif (saved := match_saved(_saved_dir(state), spec.name, _names(columns))) is not None:
        choices, source = choices_from_mapping(saved, columns), saved.source
        notice = f"Using the saved mapping for {saved.source}. You can still change it."
    else:
        choices, source = suggested_choices(spec, columns), source_name(staged.filename)
    return _page(request, staged, spec, columns, choices, source, notice=notice)


async def _form(request: Request) -> FormData:
    return await request.form()


@router.post("/imports/{upload_id}/map")
def mapper_submit(
    request: Request,
    upload_id: str,
    who: PageImporter,
    db: SessionDep,
    state: StateDep,
    form: Annotated[FormData, Depends(_form)],
) -> Response:
    """Refresh the options, save the mapping, or preview the dry run with it."""
    try:
        staged = find_staged(state.uploads, upload_id, who.user.id)
    except IntakeError as exc:
        return render(request, "import_error.html", {"error": str(exc)}, status=404)
    spec = kind_spec(staged.kind)
    try:
        columns = _columns(state, staged)
    except IntakeError as exc:
        discard(state.uploads, staged)
        return render(request, "import_error.html", {"error": str(exc)}, status=422)
    choices = _choices(form, spec, columns)
    source = str(form.get("source", "")).strip()
    action = form.get("do", "refresh")
    if action == "refresh":
        return _page(request, staged, spec, columns, choices, source)
    try:
        mapping = build_mapping(spec, source, choices, staged_mapping(state.uploads, staged))
    except IntakeError as exc:
        return _page(request, staged, spec, columns, choices, source, error=str(exc), status=422)
    if action == "save":
        save_mapping(_saved_dir(state), spec.name, mapping)
        _audit(db, who.actor, spec.name, mapping)
        notice = (
            f"Saved the mapping for {mapping.source}; the next {spec.name} file "
            "with these columns is mapped with it."
        )
        return _page(request, staged, spec, columns, choices, source, notice=notice)
    staged = set_mapping(state.uploads, staged, mapping)
    return _dry_run(request, state, who.actor, staged)


def _dry_run(request: Request, state: WebState, actor: str, staged: Staged) -> Response:
    try:
        result = run_staged(
            state.engine,
            state.uploads,
            staged,
            dry_run=True,
            actor=actor,
            limits=ReadLimits.from_settings(state.settings),
        )
    except IntakeError as exc:
        discard(state.uploads, staged)
        return render(request, "import_error.html", {"error": str(exc)}, status=422)
    context = {"result": result, "staged": staged, "kinds": KINDS}
    return render(request, "import_result.html", context, status=200 if result.ok else 422)


def save_confirmed(state: WebState, db: Session, actor: str, staged: Staged) -> Mapping | None:
    """Keep the mapper's mapping of a confirmed import for its source's next file."""
    if not staged.mapped:
        return None
    mapping = staged_mapping(state.uploads, staged)
    if mapping is not None:
        save_mapping(_saved_dir(state), staged.kind, mapping)
        _audit(db, actor, staged.kind, mapping)
    return mapping


def _audit(db: Session, actor: str, kind: str, mapping: Mapping) -> None:
    changes = {"kind": kind, "source": mapping.source, "columns": len(mapping.columns)}
    record(db, actor=actor, action="mapping.saved", entity="mappings", changes=changes)
    db.commit()


def _choices(form: FormData, spec: KindSpec, columns: list[Column]) -> dict[str, Choice]:
    allowed = {*spec.by_name, ATTRIBUTE}
    choices = {}
    for index, column in enumerate(columns):
        picked = str(form.get(f"field_{index}", ""))
        name = picked if picked in allowed else None
        choice = Choice(name, str(form.get(f"format_{index}", "")))
        targets = translation_targets(spec.by_name[name]) if name in spec.by_name else ()
        for number, value in enumerate(column.values or ()):
            meant = str(form.get(f"value_{index}_{number}", ""))
            if meant in targets:
                choice.translations[value] = meant
        choices[column.name] = choice
    return choices


def _page(
    request: Request,
    staged: Staged,
    spec: KindSpec,
    columns: list[Column],
    choices: dict[str, Choice],
    source: str,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    rows: list[dict[str, Any]] = []
    for column in columns:
        choice = choices.get(column.name, Choice())
        target = spec.by_name.get(choice.field or "")
        rows.append(
            {
                "column": column,
                "choice": choice,
                "is_date": target is not None and target.type in ("date", "datetime"),
                "targets": translation_targets(target) if target is not None else (),
            }
        )
    context = {
        "staged": staged,
        "spec": spec,
        "rows": rows,
        "source": source,
        "notice": notice,
        "error": error,
        "attribute": ATTRIBUTE if spec.name == "accounts" else None,
    }
    return render(request, "import_mapper.html", context, status=status)


def _columns(state: WebState, staged: Staged) -> list[Column]:
    return read_columns(staged.data_path(state.uploads), ReadLimits.from_settings(state.settings))


def _names(columns: list[Column]) -> tuple[str, ...]:
    return tuple(c.name for c in columns)


def _saved_dir(state: WebState) -> Path:
    return state.settings.resolved_mappings_dir()
