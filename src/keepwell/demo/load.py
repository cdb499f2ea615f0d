"""Building the demo: generate the source systems' exports, then import them like any other file.

The files go through Keepwell's real importers with the packaged mapping files, in
dependency order, so the demo exercises exactly what a customer's own data goes through.
Importing the same files again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from keepwell.db import session_scope
from keepwell.demo.company import build_company
from keepwell.demo.exports import FILES, ExportFile, write_exports
from keepwell.demo.ground_truth import GroundTruth, build_ground_truth, write_ground_truth
from keepwell.intake.errors import IntakeError
from keepwell.intake.mapping import Mapping, load_mapping
from keepwell.intake.service import ImportResult, import_file
from keepwell.people.roles import ensure_builtin_roles

DemoProgress = Callable[[str, int, int | None], None]
"""Called with (step description, units done, units in total or None) as the build advances."""
ACTOR = "demo"


class DemoLoadError(IntakeError):
    """A generated demo file did not import cleanly."""

    def __init__(self, result: ImportResult) -> None:
        shown = "; ".join(str(error) for error in result.errors[:5])
        more = len(result.errors) + result.errors_truncated - 5
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"demo file {result.file} did not import: {shown}{suffix}")
        self.result = result


@dataclass(frozen=True)
class FileSummary:
    """What importing one demo file did."""

    kind: str
    path: str
    system: str
    rows: int
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class DemoSummary:
    """What a demo build generated and what importing it changed."""

    out_dir: Path
    seed: int
    accounts: int
    as_of: date
    rows: dict[str, int]
    churned_by_cause: dict[str, int]
    churned: int
    at_risk: int
    files: list[FileSummary] = field(default_factory=list)

    @property
    def created(self) -> int:
        """Records created by the imports."""
        return sum(f.created for f in self.files)

    @property
    def updated(self) -> int:
        """Records updated by the imports."""
        return sum(f.updated for f in self.files)

    @property
    def unchanged(self) -> int:
        """Records the imports found already up to date."""
        return sum(f.unchanged for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "out_dir": str(self.out_dir),
            "seed": self.seed,
            "accounts": self.accounts,
            "as_of": self.as_of.isoformat(),
            "rows": self.rows,
            "churned": self.churned,
            "churned_by_cause": self.churned_by_cause,
            "at_risk": self.at_risk,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "files": [vars(f) for f in self.files],
        }


def generate_demo(
    out_dir: Path, *, seed: int = 7, accounts: int = 300, as_of: date | None = None
) -> GroundTruth:
    """Write the demo company's export files and ``ground_truth.json`` into ``out_dir``."""
    company = build_company(seed, accounts, as_of or date.today())
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = write_exports(company, out_dir)
    truth = build_ground_truth(company, rows)
    write_ground_truth(truth, out_dir)
    return truth


def demo_mapping(name: str) -> Mapping:
    """One of the packaged mapping files of the demo's exports."""
    with as_file(files("keepwell.demo") / "mappings" / name) as path:
        return load_mapping(path)


def build_demo(
    engine: Engine,
    out_dir: Path,
    *,
    seed: int = 7,
    accounts: int = 300,
    as_of: date | None = None,
    progress: DemoProgress | None = None,
) -> DemoSummary:
    """Generate the demo files into ``out_dir`` and import them into ``engine``'s database."""
    day = as_of or date.today()
    if progress is not None:
        progress("Generating the demo company", 0, 1)
    truth = generate_demo(out_dir, seed=seed, accounts=accounts, as_of=day)
    if progress is not None:
        progress("Generating the demo company", 1, 1)
    with session_scope(engine) as session:
        ensure_builtin_roles(session)
    summaries = [_import(engine, out_dir, export, progress) for export in FILES]
    return DemoSummary(
        out_dir=out_dir,
        seed=seed,
        accounts=accounts,
        as_of=day,
        rows=truth.rows,
        churned_by_cause=truth.churned_by_cause(),
        churned=len(truth.churned),
        at_risk=len(truth.at_risk),
        files=summaries,
    )


def _import(
    engine: Engine, out_dir: Path, export: ExportFile, progress: DemoProgress | None
) -> FileSummary:
    step = f"Importing {export.path}"
    report: Callable[[int, int | None], None] | None = None
    if progress is not None:
        callback = progress

        def report(done: int, total: int | None) -> None:
            callback(step, done, total)

        callback(step, 0, None)
    result = import_file(
        engine,
        export.kind,
        out_dir / export.path,
        demo_mapping(export.mapping),
        actor=ACTOR,
        progress=report,
    )
    if not result.ok:
        raise DemoLoadError(result)
    return FileSummary(
        export.kind,
        export.path,
        export.system,
        result.rows,
        result.created,
        result.updated,
        result.unchanged,
    )
