"""Importing one file into the shared customer record: validate, resolve, upsert — atomically.

Validation and writing run in one database transaction. Every row is checked and every
problem collected; writing stops at the first problem, and unless the whole file was
clean the transaction is rolled back, so a failed import leaves the database as it was.
A dry run does the same work and always rolls back.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.days import utcnow
from keepwell.db.engine import session_factory
from keepwell.intake.errors import ImportConflict, IntakeError, RowError
from keepwell.intake.fastwrite import bulk_writes
from keepwell.intake.fields import KindSpec, kind_spec
from keepwell.intake.limits import ReadLimits
from keepwell.intake.mapping import Mapping
from keepwell.intake.models import ImportBatch
from keepwell.intake.plan import ParsedRow, RowPlan, build_plan
from keepwell.intake.readers import SourceFile, open_source
from keepwell.intake.resolve import Resolver
from keepwell.intake.upsert import Change, Upserter

ProgressCallback = Callable[[int, int | None], None]
"""Called with (rows done, total rows or None) as an import advances."""

log = logging.getLogger(__name__)
NOTHING = "; nothing was imported"
CONTENTION = (
    psycopg.errors.LockNotAvailable,
    psycopg.errors.SerializationFailure,
    psycopg.errors.DeadlockDetected,
)
"""PostgreSQL's refusals of a write that raced another one."""
CHUNK_ROWS = 1000
MAX_ERRORS = 100_000


@dataclass
class ImportResult:
    """What an import did, or would do (dry run), or why it did nothing."""

    kind: str
    file: str
    source: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_created: int = 0
    batch_id: int | None = None
    errors: list[RowError] = field(default_factory=list)
    errors_truncated: int = 0
    changes: list[Change] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list, repr=False)
    """The ids of the rows the import changed (not part of its JSON)."""

    @property
    def ok(self) -> bool:
        """True when the file had no problem."""
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (with the full error list)."""
        return {
            "ok": self.ok,
            "kind": self.kind,
            "file": self.file,
            "source": self.source,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "accounts_created": self.accounts_created,
            "batch_id": self.batch_id,
            "errors": [e.as_dict() for e in self.errors],
            "errors_not_shown": self.errors_truncated,
            "changes": [
                {
                    "action": c.action,
                    "key": str(c.key),
                    "row": c.row,
                    "changes": {k: [str(o), str(n)] for k, (o, n) in c.changes.items()},
                }
                for c in self.changes
            ],
        }


def import_file(
    engine: Engine,
    kind: str,
    path: Path,
    mapping: Mapping | None = None,
    *,
    dry_run: bool = False,
    create_missing_accounts: bool = False,
    actor: str = "cli",
    progress: ProgressCallback | None = None,
    limits: ReadLimits | None = None,
) -> ImportResult:
    """Import ``path`` as ``kind``; see the module docstring for the guarantees.

    ``limits`` caps the file's size and rows (default: the configured caps).
    """
    spec = kind_spec(kind)
    mapping = mapping or Mapping()
    mapping.check_against(spec)
    source_file = open_source(path, limits or ReadLimits.from_settings())
    result = ImportResult(kind, path.name, mapping.source, dry_run)
    plan, header_errors = build_plan(path.name, spec, mapping, source_file.columns)
    if plan is None:
        result.errors = header_errors
        return result
    session = session_factory(engine)()
    try:
        with _settled_heap(), bulk_writes(session):
            _run(session, spec, plan, source_file, result, actor, create_missing_accounts, progress)
        if result.ok and not dry_run:
            if kind == "telemetry":
                from keepwell.telemetry.rollups import rebuild_rollups

                rebuild_rollups(session)  # with the readings, in the same transaction
            session.commit()
        else:
            session.rollback()
            result.batch_id = None
    except DBAPIError as exc:
        session.rollback()
        conflict = refused(path, exc)
        if conflict is None:
            raise
        raise conflict from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    if kind in COMMENT_KINDS and result.ok and not dry_run:
        _place_comments(engine, COMMENT_KINDS[kind], result.updated_ids)
    return result


COMMENT_KINDS = {"tickets": "ticket", "interactions": "interaction", "surveys": "survey"}
"""Kinds whose rows are the customer's voice, with the comment source each one feeds: new
ones join the stored voice themes, changed ones are placed again."""


def _place_comments(engine: Engine, source: str, changed: list[int]) -> None:
    """Place the imported comments in the stored voice themes: changed ones again (their
    text may have moved to another theme, or stopped being the customer's voice), then the
    new ones. The import itself is done: a failure here is logged, and the next scheduled
    run places them."""
    from keepwell.voice.store import place_comments, place_unseen

    try:
        with session_factory(engine)() as session:
            if changed:
                place_comments(session, {source: changed})
            place_unseen(session)
            session.commit()
    except DBAPIError:
        log.exception("imported comments not yet placed in voice themes")


def refused(path: Path, exc: DBAPIError) -> ImportConflict | None:
    """The clear error for writes the database refused, without its statement or values;
    None for a failure that is not the file's (the database is down, say)."""
    reason = str(exc.orig).splitlines()[0] if exc.orig else ""
    if isinstance(exc, DataError):
        return ImportConflict(f"{path.name}: the database refused a value ({reason})" + NOTHING)
    if isinstance(exc, IntegrityError) or isinstance(exc.orig, CONTENTION) or "locked" in reason:
        return ImportConflict(
            f"{path.name}: another import or change wrote the same records at the same time"
            + NOTHING
            + "; import the file again"
        )
    return None


@contextmanager
def _settled_heap() -> Iterator[None]:
    """Leave the objects that existed before the import out of garbage collection passes.

    An import allocates millions of short-lived objects, which set off full collections;
    without this, each of those rescans every object in the process.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run(
    session: Session,
    spec: KindSpec,
    plan: RowPlan,
    source_file: SourceFile,
    result: ImportResult,
    actor: str,
    create_missing_accounts: bool,
    progress: ProgressCallback | None,
) -> None:
    batch = _open_batch(session, spec, plan.mapping, source_file.path, actor)
    resolver = Resolver(session, spec, plan.mapping, create_missing_accounts)
    upserter = Upserter(session, spec, plan.mapping, batch.id, actor)
    for chunk in source_file.chunks(CHUNK_ROWS):
        clean = _validate(chunk, plan, resolver, upserter, result)
        if result.ok and clean:
            upserter.write(clean)
        result.rows += len(chunk)
        if progress is not None:
            progress(result.rows, source_file.total_rows)
    result.created, result.updated, result.unchanged = (
        upserter.counts["created"],
        upserter.counts["updated"],
        upserter.counts["unchanged"],
    )
    result.accounts_created = resolver.accounts_created
    result.changes = upserter.sample
    result.updated_ids = upserter.updated_ids
    result.errors.sort(key=lambda error: error.row or 0)
    if result.ok:
        _close_batch(session, batch, result, actor)


def _validate(
    chunk: list[tuple[int, dict[str, Any]]],
    plan: RowPlan,
    resolver: Resolver,
    upserter: Upserter,
    result: ImportResult,
) -> list[ParsedRow]:
    """Parse, resolve and check one chunk; return its clean rows and collect its errors."""
    parsed: list[ParsedRow] = []
    bad_rows: set[int] = set()
    for number, raw in chunk:
        row, errors = plan.parse(number, raw)
        parsed.append(row)
        if errors:
            bad_rows.add(number)
            _add_errors(result, errors)
    problems = resolver.resolve(parsed)
    bad_rows |= {p.row for p in problems}
    resolved = [row for row in parsed if row.number not in bad_rows]
    problems += upserter.check(resolved)
    column_of = _column_names(plan)
    _add_errors(
        result,
        [
            RowError(plan.file, p.row, column_of.get(p.field, p.field), p.value, p.reason)
            for p in sorted(problems, key=lambda p: p.row)
        ],
    )
    bad_rows |= {p.row for p in problems}
    return [row for row in resolved if row.number not in bad_rows]


def _column_names(plan: RowPlan) -> dict[str, str]:
    return {fp.spec.name: fp.column or fp.spec.name for fp in plan.fields}


def _add_errors(result: ImportResult, errors: list[RowError]) -> None:
    room = MAX_ERRORS - len(result.errors)
    result.errors.extend(errors[:room])
    result.errors_truncated += max(0, len(errors) - room)


def _open_batch(
    session: Session, spec: KindSpec, mapping: Mapping, path: Path, actor: str
) -> ImportBatch:
    batch = ImportBatch(
        kind=spec.name,
        source=mapping.source,
        filename=path.name,
        sha256=_sha256(path),
        actor=actor,
        mapping=mapping.model_dump_json(exclude_defaults=True),
    )
    session.add(batch)
    session.flush()
    return batch


def _close_batch(session: Session, batch: ImportBatch, result: ImportResult, actor: str) -> None:
    batch.finished_at = utcnow()
    batch.rows, batch.created, batch.updated, batch.unchanged = (
        result.rows,
        result.created,
        result.updated,
        result.unchanged,
    )
    result.batch_id = batch.id
    record(
        session,
        actor=actor,
        action="import",
        entity="import_batches",
        entity_id=batch.id,
        changes={
            "kind": result.kind,
            "file": result.file,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
        import_batch_id=batch.id,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise IntakeError(f"{path}: cannot read: {exc.strerror}") from exc
    return digest.hexdigest()
