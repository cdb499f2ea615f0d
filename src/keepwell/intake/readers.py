"""Streaming readers for CSV, XLSX, JSON, NDJSON and Parquet files.

Every reader yields ``(row_number, {column: value})`` in chunks, so memory stays flat
however large the file. Row numbers are what a person finds in the file: the line in a
CSV or spreadsheet (the header is row 1), the position of the object in JSON/NDJSON
and of the record in Parquet (starting at 1).
"""

from __future__ import annotations

import csv
import json
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from keepwell.intake.errors import UnreadableFile
from keepwell.intake.limits import ReadLimits, check_header

Row = tuple[int, dict[str, Any]]
EXTRA_VALUES = "\x00extra"
"""Key under which a CSV row's values beyond the header's width are kept (an error)."""
PARQUET_BATCH = 10_000
FORMATS = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".parquet": "parquet",
}
FORMAT_NAMES = {
    "csv": "CSV",
    "xlsx": "an Excel workbook (.xlsx)",
    "json": "JSON",
    "ndjson": "NDJSON (one JSON object per line)",
    "parquet": "Parquet",
}
READ_FAILURES: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,  # with UnicodeDecodeError, json's errors and pyarrow's ArrowInvalid
    KeyError,
    IndexError,
    TypeError,
    EOFError,
    SyntaxError,  # XML parse errors inside a workbook
    RecursionError,  # JSON nested deeper than the parser goes
    csv.Error,
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    pa.ArrowException,
)
"""What the format libraries raise on a damaged or malformed file."""


@dataclass(frozen=True)
class SourceFile:
    """A data file with its format, its column names and (where cheap) its row count."""

    path: Path
    format: str
    columns: tuple[str, ...]
    total_rows: int | None
    """The number of rows the file declares (JSON, Parquet); None where it declares none."""
    limits: ReadLimits = field(default_factory=ReadLimits)

    def rows(self) -> Iterator[Row]:
        """Every data row, numbered; the count is checked against the file's own."""
        reader = _ROW_READERS[self.format]
        count = 0
        try:
            for row in reader(self.path):
                count += 1
                if count > self.limits.max_rows:
                    self.limits.check_rows(self.path.name, count)
                yield row
        except READ_FAILURES as exc:
            raise unreadable(self.path, self.format, exc) from exc
        if self.total_rows is not None and count != self.total_rows:
            raise UnreadableFile(
                f"{self.path.name}: read {count:,} rows but the file declares "
                f"{self.total_rows:,}; the file is damaged"
            )

    def chunks(self, size: int) -> Iterator[list[Row]]:
        """The rows in lists of at most ``size``."""
        rows = self.rows()
        while chunk := list(islice(rows, size)):
            yield chunk


def open_source(path: Path, limits: ReadLimits | None = None) -> SourceFile:
    """Recognise the file's format by its extension, check its size and read its header.

    ``UnreadableFile`` names the file and the reason: damaged or not of its format, over a
    cap of ``limits``, or a header with an unnamed or repeated column.
    """
    limits = limits or ReadLimits()
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableFile(
            f"{path.name}: unsupported file type {path.suffix!r}; expected one of "
            + ", ".join(sorted(FORMATS))
        )
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    try:
        limits.check_size(path, fmt)
        columns, total = _HEADER_READERS[fmt](path)
    except READ_FAILURES as exc:
        raise unreadable(path, fmt, exc) from exc
    check_header(path.name, columns)
    if total is not None:
        limits.check_rows(path.name, total)
    return SourceFile(path, fmt, tuple(columns), total, limits)


def unreadable(path: Path, fmt: str, exc: BaseException) -> UnreadableFile:
    """The clear error for a format library's failure on ``path``."""
    if isinstance(exc, UnicodeDecodeError):
        reason = f"it is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})"
    elif isinstance(exc, RecursionError):
        reason = "it is nested too deeply"
    elif isinstance(exc, zipfile.BadZipFile | EOFError | zlib.error | InvalidFileException):
        reason = "it is damaged or not of this format"
    else:
        reason = str(exc) or type(exc).__name__
    return UnreadableFile(f"{path.name}: cannot read the file as {FORMAT_NAMES[fmt]}: {reason}")


def _csv_header(path: Path) -> tuple[list[str], int | None]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle, strict=True), None)
    if not header:
        raise ValueError("the file is empty (no header row)")
    return header_names(header), None


def _csv_rows(path: Path) -> Iterator[Row]:
    """Records of a strict reader: a stray quote is an error, not rows merged into one."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, strict=True)
        header = header_names(next(reader))
        for line, record in enumerate(reader, start=2):
            if record:
                yield line, _record(header, record, "")


def header_names(cells: Sequence[Any]) -> list[str]:
    """Column names of a header row, trailing empty cells left out."""
    names = ["" if cell is None else str(cell).strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    return names


def _record(header: list[str], values: Sequence[Any], empty: Any) -> dict[str, Any]:
    """One row as a dict; values past the header's width, unless empty, are kept apart."""
    row: dict[str, Any] = dict(zip(header, values, strict=False))
    extra = [value for value in values[len(header) :] if value != empty]
    if extra:
        row[EXTRA_VALUES] = extra
    return row


def _xlsx_header(path: Path) -> tuple[list[str], int | None]:
    """The first sheet's first row; the row count is unknown until read (see ``_xlsx_rows``)."""
    with _first_sheet(path) as values:
        first = next(values, None)
    if not first or not any(cell is not None for cell in first):
        raise ValueError("the first sheet is empty (no header row)")
    return header_names(first), None


def _xlsx_rows(path: Path) -> Iterator[Row]:
    with _first_sheet(path) as values:
        header = header_names(next(values))
        for line, record in enumerate(values, start=2):
            if any(v is not None for v in record):
                yield line, _record(header, record, None)


@contextmanager
def _first_sheet(path: Path) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The first sheet's rows, read to the sheet's real end.

    A workbook declares its used range (``<dimension ref="A1:I4"/>``) and read-only mode
    stops there; writers get it wrong, so the declaration is dropped before reading.
    """
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        if not book.worksheets:
            raise ValueError("the workbook has no worksheet")
        sheet = book.worksheets[0]
        if isinstance(sheet, ReadOnlyWorksheet):
            sheet.reset_dimensions()
        yield sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _json_objects(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle, object_pairs_hook=_distinct_keys)
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError("expected a JSON array of objects (or an object holding one)")
    return data


def _json_header(path: Path) -> tuple[list[str], int | None]:
    objects = _json_objects(path)
    return _union_keys(objects), len(objects)


def _json_rows(path: Path) -> Iterator[Row]:
    yield from enumerate(_json_objects(path), start=1)


def _ndjson_header(path: Path) -> tuple[list[str], int | None]:
    objects = [obj for _, obj in islice(_ndjson_rows(path), 1000)]
    return _union_keys(objects), None


def _ndjson_rows(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            obj = json.loads(text, object_pairs_hook=_distinct_keys)
            if not isinstance(obj, dict):
                raise ValueError(f"line {line} is not a JSON object")
            yield line, obj


def _parquet_header(path: Path) -> tuple[list[str], int | None]:
    meta = pq.ParquetFile(path)
    return list(meta.schema_arrow.names), meta.metadata.num_rows


def _parquet_rows(path: Path) -> Iterator[Row]:
    """Records of each batch, built from whole columns converted at once."""
    start = 1
    for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH):
        names = batch.schema.names
        columns = [column.to_pylist() for column in batch.columns]
        for number, record in enumerate(zip(*columns, strict=True), start=start):
            yield number, dict(zip(names, record, strict=True))
        start += batch.num_rows


def _distinct_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all distinct (else one value would be lost)."""
    obj = dict(pairs)
    if len(obj) < len(pairs):
        keys = [key for key, _ in pairs]
        twice = next(key for key in obj if keys.count(key) > 1)
        raise ValueError(f"an object holds the key {twice!r} twice")
    return obj


def _union_keys(objects: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for obj in objects:
        seen.update(dict.fromkeys(obj))
    return list(seen)


_HEADER_READERS = {
    "csv": _csv_header,
    "xlsx": _xlsx_header,
    "json": _json_header,
    "ndjson": _ndjson_header,
    "parquet": _parquet_header,
}
_ROW_READERS = {
    "csv": _csv_rows,
    "xlsx": _xlsx_rows,
    "json": _json_rows,
    "ndjson": _ndjson_rows,
    "parquet": _parquet_rows,
}
