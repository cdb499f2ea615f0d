"""``keepwell import``: bring one source-system export into the shared customer record."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from keepwell.cli.app import app, console, fail, print_json, state
from keepwell.intake.docs import template_header
from keepwell.intake.errors import IntakeError
from keepwell.intake.fields import KINDS, kind_spec
from keepwell.intake.mapper import build_mapping, read_columns, suggested_choices
from keepwell.intake.mapping import Mapping, load_mapping
from keepwell.intake.saved import mapping_yaml, source_name
from keepwell.intake.service import ImportResult, import_file

SHOWN_ERRORS = 50


@app.command("import")
def import_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(KINDS)}.")],
    file: Annotated[
        Path | None, typer.Argument(help="CSV, XLSX, JSON, NDJSON or Parquet file.")
    ] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="Mapping YAML file.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and show the changes; write nothing.")
    ] = False,
    create_missing_accounts: Annotated[
        bool,
        typer.Option("--create-missing-accounts", help="Create accounts for unknown account ids."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary or errors as JSON.")
    ] = False,
    template: Annotated[
        bool, typer.Option("--template", help="Print the CSV header of KIND and exit.")
    ] = False,
    suggest_mapping: Annotated[
        bool,
        typer.Option(
            "--suggest-mapping",
            help="Print a mapping YAML suggested from FILE's column names and values, and exit.",
        ),
    ] = False,
) -> None:
    """Import FILE as KIND: validated, atomic and idempotent."""
    try:
        spec = kind_spec(kind)
    except KeyError as exc:
        raise fail(str(exc.args[0]), 2) from None
    if template:
        typer.echo(template_header(spec))
        return
    if file is None:
        raise fail("FILE is required (or use --template)", 2)
    if suggest_mapping:
        try:
            suggested = suggested_choices(spec, read_columns(file))
            typer.echo(
                mapping_yaml(build_mapping(spec, source_name(file.name), suggested)), nl=False
            )
        except IntakeError as exc:
            raise fail(str(exc), 2) from None
        return
    try:
        parsed_mapping = load_mapping(mapping) if mapping else None
        result = _run_with_progress(
            ctx, kind, file, parsed_mapping, dry_run, create_missing_accounts, as_json
        )
    except IntakeError as exc:
        if as_json:
            print_json(
                {
                    "ok": False,
                    "errors": [
                        {
                            "file": str(file),
                            "row": None,
                            "column": None,
                            "value": None,
                            "reason": str(exc),
                        }
                    ],
                }
            )
        raise fail(str(exc), 2) from None
    if as_json:
        print_json(result.as_dict())
    else:
        _print_result(result)
    if not result.ok:
        raise typer.Exit(1)


def _run_with_progress(
    ctx: typer.Context,
    kind: str,
    file: Path,
    mapping: Mapping | None,
    dry_run: bool,
    create_missing_accounts: bool,
    quiet: bool,
) -> ImportResult:
    engine = state(ctx).engine()
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True, disable=quiet) as progress:
        task = progress.add_task(f"{kind} ← {file.name}", total=None)

        def advance(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        return import_file(
            engine,
            kind,
            file,
            mapping,
            dry_run=dry_run,
            create_missing_accounts=create_missing_accounts,
            progress=advance,
        )


def _print_result(result: ImportResult) -> None:
    if not result.ok:
        table = Table(
            title=f"{len(result.errors) + result.errors_truncated} problems in {result.file}"
            " — nothing was imported"
        )
        for column in ("row", "column", "value", "reason"):
            table.add_column(column)
        for error in result.errors[:SHOWN_ERRORS]:
            table.add_row(
                str(error.row or ""),
                error.column or "",
                "" if error.value is None else repr(error.value),
                error.reason,
            )
        console.print(table)
        hidden = len(result.errors) - SHOWN_ERRORS + result.errors_truncated
        if hidden > 0:
            console.print(f"… and {hidden} more (use --json for the full list)")
        return
    verb = "would be" if result.dry_run else "were"
    console.print(
        f"[bold]{result.kind}[/] from {result.file} (source {result.source}): {result.rows} rows — "
        f"{result.created} {verb} created, {result.updated} {verb} updated, "
        f"{result.unchanged} unchanged"
        + (
            f", {result.accounts_created} accounts {verb} created"
            if result.accounts_created
            else ""
        )
    )
    if result.dry_run:
        for change in result.changes:
            detail = ", ".join(f"{k}: {o!r} → {n!r}" for k, (o, n) in change.changes.items())
            console.print(f"  {change.action:8} row {change.row} {change.key} {detail}")
