"""Writing tables as CSV, XLSX, JSON, NDJSON and Parquet, byte for byte reproducibly."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def day(value: date | None, pattern: str = "%Y-%m-%d") -> str:
    """A date in ``pattern``, or an empty string."""
    return value.strftime(pattern) if value is not None else ""


def money(value: float | None) -> str:
    """An amount with two decimals, or an empty string."""
    return f"{value:.2f}" if value is not None else ""


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False
) -> None:
    """A comma-separated file with a header row (optionally with a byte-order mark)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_ndjson(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """One JSON object per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_json(path: Path, document: dict[str, Any]) -> None:
    """A pretty-printed JSON document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8", newline="\n")


def write_xlsx(
    path: Path,
    sheet_name: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    created: datetime,
) -> None:
    """A one-sheet workbook whose bytes depend on its content only."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.properties.creator = "CRM export"
    book.properties.created = created
    book.properties.modified = created
    buffer = io.BytesIO()
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_fixed_zip_times(buffer.getvalue()))


def _fixed_zip_times(data: bytes) -> bytes:
    """The same archive with every member dated 1980-01-01 (zip files record write times)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def write_parquet(path: Path, table: pa.Table) -> None:
    """A zstd-compressed Parquet file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
