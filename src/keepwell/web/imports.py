"""Uploaded import files: staged on disk between the dry run and the confirmation.

A staged upload lives in ``<data dir>/uploads/<id>/``: ``data/<file name>``, the optional
``mapping.yaml`` and ``meta.json`` (kind, owner, options). Only the user who uploaded it
can confirm it; uploads older than a day are removed on the next upload.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine

from keepwell.intake.errors import IntakeError
from keepwell.intake.fields import kind_spec
from keepwell.intake.limits import ReadLimits
from keepwell.intake.mapping import Mapping, load_mapping
from keepwell.intake.saved import mapping_yaml
from keepwell.intake.service import ImportResult, import_file

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
MAX_MAPPING_BYTES = 1024 * 1024
STALE_SECONDS = 24 * 3600
UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadError(IntakeError):
    """An upload cannot be staged or found."""


@dataclass(frozen=True)
class Staged:
    """An uploaded file waiting for its import to be confirmed."""

    id: str
    user_id: int
    kind: str
    filename: str
    has_mapping: bool
    create_missing_accounts: bool
    mapped: bool = False
    """The mapping was made in the column mapper (saved for the source on import)."""

    def directory(self, root: Path) -> Path:
        """Where the upload is kept."""
        return root / self.id

    def data_path(self, root: Path) -> Path:
        """The uploaded data file."""
        return root / self.id / "data" / self.filename


def safe_filename(name: str) -> str:
    """The file's own name with only safe characters (its suffix kept)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = UNSAFE.sub("_", base).strip("._") or "upload"
    return cleaned[-120:]


def stage_upload(
    root: Path,
    *,
    user_id: int,
    kind: str,
    filename: str,
    data: BinaryIO,
    mapping: bytes | None,
    create_missing_accounts: bool,
) -> Staged:
    """Store an upload and its options; ``UploadError`` for an unknown kind or a huge file."""
    try:
        kind_spec(kind)
    except KeyError as exc:
        raise UploadError(str(exc.args[0])) from None
    if mapping is not None and len(mapping) > MAX_MAPPING_BYTES:
        raise UploadError("the mapping file is larger than 1 MiB")
    _prune(root)
    staged = Staged(
        id=secrets.token_urlsafe(18),
        user_id=user_id,
        kind=kind,
        filename=safe_filename(filename),
        has_mapping=mapping is not None,
        create_missing_accounts=create_missing_accounts,
    )
    folder = staged.directory(root)
    staged.data_path(root).parent.mkdir(parents=True)
    try:
        _copy_limited(data, staged.data_path(root))
        if mapping is not None:
            (folder / "mapping.yaml").write_bytes(mapping)
        (folder / "meta.json").write_text(json.dumps(asdict(staged)), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return staged


def find_staged(root: Path, upload_id: str, user_id: int) -> Staged:
    """The upload ``upload_id`` of ``user_id``; ``UploadError`` if there is none."""
    meta = root / upload_id / "meta.json"
    if not UPLOAD_ID.match(upload_id) or not meta.is_file():
        raise UploadError("this upload is gone; upload the file again")
    staged = Staged(**json.loads(meta.read_text(encoding="utf-8")))
    if staged.user_id != user_id:
        raise UploadError("this upload is gone; upload the file again")
    return staged


def run_staged(
    engine: Engine,
    root: Path,
    staged: Staged,
    *,
    dry_run: bool,
    actor: str,
    limits: ReadLimits | None = None,
) -> ImportResult:
    """Import (or dry-run) the staged file with its mapping, as ``actor``, within ``limits``."""
    folder = staged.directory(root)
    mapping = load_mapping(folder / "mapping.yaml") if staged.has_mapping else None
    return import_file(
        engine,
        staged.kind,
        staged.data_path(root),
        mapping,
        dry_run=dry_run,
        create_missing_accounts=staged.create_missing_accounts,
        actor=actor,
        limits=limits,
    )


def set_mapping(root: Path, staged: Staged, mapping: Mapping) -> Staged:
    """Give the staged upload the mapper's ``mapping``; the updated upload."""
    updated = replace(staged, has_mapping=True, mapped=True)
    folder = staged.directory(root)
    (folder / "mapping.yaml").write_text(mapping_yaml(mapping), encoding="utf-8")
    (folder / "meta.json").write_text(json.dumps(asdict(updated)), encoding="utf-8")
    return updated


def staged_mapping(root: Path, staged: Staged) -> Mapping | None:
    """The staged upload's mapping, if it has one."""
    return load_mapping(staged.directory(root) / "mapping.yaml") if staged.has_mapping else None


def discard(root: Path, staged: Staged) -> None:
    """Remove the staged upload."""
    shutil.rmtree(staged.directory(root), ignore_errors=True)


def _copy_limited(data: BinaryIO, target: Path) -> None:
    copied = 0
    with target.open("wb") as out:
        while block := data.read(1 << 20):
            copied += len(block)
            if copied > MAX_UPLOAD_BYTES:
                raise UploadError("the file is larger than 512 MiB")
            out.write(block)


def _prune(root: Path) -> None:
    if not root.is_dir():
        return
    limit = time.time() - STALE_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
