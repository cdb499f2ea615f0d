"""Streaming readers for CSV, XLSX, JSON, NDJSON and Parquet files.

Every reader yields ``(row_number, {column: value})`` in chunks, so memory stays flat
however large the file. Row numbers are what a person finds in the file: the line in a
CSV or spreadsheet (the header is row 1), the position of the object in JSON/NDJSON
and of the record in Parquet (starting at 1).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from openpyxl import load_workbook

from keepwell.intake.errors import UnreadableFile

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


@dataclass(frozen=True)
class SourceFile:
    """A data file with its format, its column names and (where cheap) its row count."""

    path: Path
    format: str
    columns: tuple[str, ...]
    total_rows: int | None

    def rows(self) -> Iterator[Row]:
        """Every data row, numbered."""
        reader = _ROW_READERS[self.format]
        try:
            yield from reader(self.path)
        except (OSError, ValueError, UnicodeDecodeError, csv.Error) as exc:
            raise UnreadableFile(f"{self.path.name}: cannot read: {exc}") from exc

    def chunks(self, size: int) -> Iterator[list[Row]]:
        """The rows in lists of at most ``size``."""
        rows = self.rows()
        while chunk := list(islice(rows, size)):
            yield chunk


def open_source(path: Path) -> SourceFile:
    """Recognise the file's format by its extension and read its header."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableFile(
            f"{path.name}: unsupported file type {path.suffix!r}; expected one of "
            + ", ".join(sorted(FORMATS))
        )
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    try:
        columns, total = _HEADER_READERS[fmt](path)
    except (OSError, ValueError, UnicodeDecodeError, csv.Error, KeyError) as exc:
        raise UnreadableFile(f"{path.name}: cannot read: {exc}") from exc
    return SourceFile(path, fmt, tuple(columns), total)


def _csv_header(path: Path) -> tuple[list[str], int | None]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise ValueError("the file is empty (no header row)")
    return [c.strip() for c in header], None


def _csv_rows(path: Path) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [c.strip() for c in next(reader)]
        width = len(header)
        for line, record in enumerate(reader, start=2):
            if not record:
                continue
            row: dict[str, Any] = dict(zip(header, record, strict=False))
            if len(record) > width:
                row[EXTRA_VALUES] = record[width:]
            yield line, row


def _xlsx_header(path: Path) -> tuple[list[str], int | None]:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        first = next(sheet.iter_rows(max_row=1, values_only=True), None)
        total = (sheet.max_row - 1) if sheet.max_row else None
    finally:
        book.close()
    if not first:
        raise ValueError("the first sheet is empty (no header row)")
    return [str(c).strip() if c is not None else "" for c in first], total


def _xlsx_rows(path: Path) -> Iterator[Row]:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(values)]
        for line, record in enumerate(values, start=2):
            if all(v is None for v in record):
                continue
            yield line, dict(zip(header, record, strict=False))
    finally:
        book.close()


def _json_objects(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
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
            obj = json.loads(text)
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
