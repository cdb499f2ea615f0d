"""Readers never lose rows: every file imports whole or is refused with a clear error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.intake.corpus import LIMITS, ROWS, Case, corpus, declared_dimension, encoded, records
from tests.intake.corpus import with_sheet as edited_sheet

from keepwell.intake.errors import IntakeError, UnreadableFile
from keepwell.intake.limits import ReadLimits
from keepwell.intake.service import ImportResult, import_file
from keepwell.record.models import Account


def outcome(engine: Engine, case: Case, folder: Path) -> ImportResult | Exception:
    """The dry run of the case: its result, or the error it was refused with."""
    try:
        return import_file(engine, "accounts", case.write(folder), dry_run=True, limits=LIMITS)
    except Exception as exc:  # counted below: anything but IntakeError is a traceback
        return exc


def test_the_corpus_loses_no_row_and_raises_nothing_unexpected(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    cases = corpus()
    silent_losses, unclear, tracebacks = [], [], []
    for case in cases:
        result = outcome(sqlite_engine, case, tmp_path)
        if isinstance(result, Exception) and not isinstance(result, IntakeError):
            tracebacks.append((case.name, repr(result)))
        elif isinstance(result, IntakeError):
            if case.must_import or not str(result).startswith(case.name + ":"):
                unclear.append((case.name, str(result)))
        elif isinstance(result, ImportResult):
            if result.ok and (result.rows, result.created) != (case.rows, case.rows):
                silent_losses.append((case.name, result.rows))
            elif not result.ok and (case.must_import or result.errors[0].file != case.name):
                unclear.append((case.name, str(result.errors[0])))
    print(
        f"\nbad-input corpus: {len(cases)} files, {len(silent_losses)} silent losses, "
        f"{len(unclear)} unclear outcomes, {len(tracebacks)} tracebacks"
    )
    assert (silent_losses, unclear, tracebacks) == ([], [], [])
    assert len(cases) >= 60


@pytest.mark.parametrize("ref", ["A1:I4", None])
def test_xlsx_rows_past_the_declared_dimension_are_imported(
    engine: Engine, tmp_path: Path, ref: str | None
) -> None:
    path = tmp_path / "accounts.xlsx"
    path.write_bytes(edited_sheet(encoded(".xlsx", records()), declared_dimension(ref)))
    result = import_file(engine, "accounts", path)
    assert (result.ok, result.rows, result.created) == (True, ROWS, ROWS)
    with Session(engine) as session:
        assert session.scalar(select(func.count(Account.id))) == ROWS


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("external_id,name,name", "accounts.csv: the header names 'name' twice (columns 2 and 3)"),
        ("external_id,,name", "accounts.csv: column 2 of the header has no name"),
    ],
)
def test_header_names_are_distinct_and_present(
    engine: Engine, tmp_path: Path, header: str, message: str
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(f"{header}\nA-1,first,second\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=re.escape(message)):
        import_file(engine, "accounts", path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".ndjson", ".parquet"])
def test_row_cap(sqlite_engine: Engine, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"accounts{suffix}"
    path.write_bytes(encoded(suffix, records(ROWS)))
    with pytest.raises(UnreadableFile, match=r"more than 9 rows.*KEEPWELL_IMPORT_MAX_ROWS"):
        import_file(sqlite_engine, "accounts", path, limits=ReadLimits(max_rows=9))
    assert import_file(sqlite_engine, "accounts", path, limits=ReadLimits(max_rows=10)).ok


def test_expanded_size_cap_refuses_a_workbook_before_unpacking(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    bomb = next(case for case in corpus() if case.name == "bomb.xlsx")
    path = bomb.write(tmp_path)
    assert path.stat().st_size < LIMITS.max_expanded_bytes
    with pytest.raises(UnreadableFile, match=r"bomb\.xlsx: the file unpacks to .* MiB, more than"):
        import_file(sqlite_engine, "accounts", path, limits=LIMITS)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "random-100.xlsx",
            "cannot read the file as an Excel workbook \\(\\.xlsx\\): it is damaged",
        ),
        ("truncated-0.5.xlsx", "it is damaged or not of this format"),
        ("latin1.csv", "cannot read the file as CSV: it is not UTF-8 text .byte 0xfc"),
        ("deep.json", "cannot read the file as JSON: it is nested too deeply"),
        ("duplicate-key.json", "an object holds the key 'name' twice"),
        ("stray-quote.csv", "cannot read the file as CSV"),
        ("truncated-0.9.parquet", "cannot read the file as Parquet"),
    ],
)
def test_malformed_files_are_named_with_a_reason(
    sqlite_engine: Engine, tmp_path: Path, name: str, reason: str
) -> None:
    case = next(case for case in corpus() if case.name == name)
    with pytest.raises(UnreadableFile, match=f"^{name}: .*{reason}"):
        import_file(sqlite_engine, "accounts", case.write(tmp_path), limits=LIMITS)
