"""Writing small import files in every supported format."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from openpyxl import Workbook


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write ``rows`` to ``path`` in the format its extension names."""
    suffix = path.suffix
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    elif suffix == ".json":
        path.write_text(json.dumps(rows, default=str), encoding="utf-8")
    elif suffix in (".ndjson", ".jsonl"):
        path.write_text("".join(json.dumps(r, default=str) + "\n" for r in rows), encoding="utf-8")
    elif suffix == ".parquet":
        pq.write_table(pa.Table.from_pylist(rows), path)
    elif suffix == ".xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(list(rows[0]))
        for row in rows:
            sheet.append([row[k] for k in rows[0]])
        book.save(path)
    else:
        raise ValueError(suffix)
    return path


def write_mapping(path: Path, mapping: dict[str, Any]) -> Path:
    """Write a mapping file."""
    path.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    return path
