"""A corpus of good, damaged and hostile import files, generated (seeded) on the spot.

Every case is an ``accounts`` file meant to hold ``ROWS`` rows. A case either must import
all of them (``must_import``), or may import them all or be refused with a clear error —
never import fewer (a silent loss), never fail with a traceback or a 500.
"""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from keepwell.intake.limits import ReadLimits

ROWS = 10
LIMITS = ReadLimits(max_rows=1_000, max_expanded_bytes=2 * 1024 * 1024)
"""Caps small enough that the corpus's bomb and long file pass them."""
SHEET = "xl/worksheets/sheet1.xml"
SUFFIXES = (".csv", ".xlsx", ".json", ".ndjson", ".parquet")


@dataclass(frozen=True)
class Case:
    """One corpus file: its name, its bytes, whether it must import, and its true rows."""

    name: str
    data: bytes
    must_import: bool = False
    rows: int = ROWS

    def write(self, folder: Path) -> Path:
        """The case as a file in ``folder``."""
        path = folder / self.name
        path.write_bytes(self.data)
        return path


def records(count: int = ROWS) -> list[dict[str, str]]:
    """Valid account rows."""
    return [{"external_id": f"A-{i}", "name": f"Account {i}"} for i in range(count)]


def encoded(suffix: str, rows: list[dict[str, str]]) -> bytes:
    """``rows`` as a file of the format ``suffix`` names."""
    keys = list(rows[0])
    if suffix == ".csv":
        lines = [",".join(keys)] + [",".join(r[k] for k in keys) for r in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    if suffix == ".json":
        return json.dumps(rows).encode()
    if suffix == ".ndjson":
        return "".join(json.dumps(r) + "\n" for r in rows).encode()
    if suffix == ".parquet":
        buffer = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(rows), buffer)
        return buffer.getvalue()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(keys)
    for row in rows:
        sheet.append([row[k] for k in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(workbook: bytes, edit: object) -> bytes:
    """The workbook with its first sheet's XML passed through ``edit`` (a str -> str)."""
    assert callable(edit)
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == SHEET:
                data = edit(data.decode()).encode()
            target.writestr(item.filename, data)
    return out.getvalue()


def declared_dimension(ref: str | None) -> object:
    """An edit that declares the used range ``ref`` (or none at all)."""
    replacement = "" if ref is None else f'<dimension ref="{ref}" />'
    return lambda xml: re.sub(r"<dimension ref=\"[^\"]*\" />", replacement, xml)


def bomb_rows(xml: str) -> str:
    """An edit repeating the last data row until the sheet XML is several MiB."""
    rows = re.findall(r"<row r=\"\d+\">.*?</row>", xml)
    template = rows[-1]
    extra = "".join(
        re.sub(r"r=\"([A-Z]*)\d+\"", lambda m, n=n: f'r="{m.group(1)}{n}"', template)
        for n in range(ROWS + 2, 60_000)
    )
    return xml.replace("</sheetData>", extra + "</sheetData>")


def corpus() -> list[Case]:
    """Every case, in a fixed order (seeded)."""
    rng = random.Random(20)
    good = {suffix: encoded(suffix, records()) for suffix in SUFFIXES}
    cases = [Case(f"good{s}", data, must_import=True) for s, data in good.items()]
    cases += [
        Case(
            "dimension-too-small.xlsx", with_sheet(good[".xlsx"], declared_dimension("A1:I4")), True
        ),
        Case("dimension-missing.xlsx", with_sheet(good[".xlsx"], declared_dimension(None)), True),
        Case("dimension-one-cell.xlsx", with_sheet(good[".xlsx"], declared_dimension("A1")), True),
        Case("bom.csv", b"\xef\xbb\xbf" + good[".csv"], True),
        Case("long.csv", encoded(".csv", records(1_001))),
        Case("long.parquet", encoded(".parquet", records(1_001))),
        Case("bomb.xlsx", with_sheet(good[".xlsx"], bomb_rows)),
    ]
    for suffix in SUFFIXES:
        for size in (0, 1, 100, 10_000):
            cases.append(Case(f"random-{size}{suffix}", rng.randbytes(size)))
    for suffix in (".xlsx", ".parquet"):
        data = good[suffix]
        for cut in (0.1, 0.5, 0.9):
            cases.append(Case(f"truncated-{cut}{suffix}", data[: int(len(data) * cut)]))
        cases.append(Case(f"truncated-last-byte{suffix}", data[:-1]))
        for flip in range(10):
            mutated = bytearray(data)
            mutated[rng.randrange(len(mutated))] ^= 1 << rng.randrange(8)
            cases.append(Case(f"flipped-{flip}{suffix}", bytes(mutated)))
    cases += _malformed_text(good)
    return cases


def _malformed_text(good: dict[str, bytes]) -> list[Case]:
    csv = good[".csv"].decode()
    deep = "[" * 100_000 + "]" * 100_000
    return [
        Case("latin1.csv", csv.replace("Account 3", "Kundenkonto Müller").encode("latin-1")),
        Case("nul.csv", csv.replace("Account 5", "Acc\x00ount").encode()),
        Case("stray-quote.csv", csv.replace("Account 4", '"Account 4').encode()),
        Case("duplicate-header.csv", csv.replace("name", "name,name", 1).encode()),
        Case("empty-header.csv", csv.replace("external_id,", "external_id,,", 1).encode()),
        Case("header-only.csv", b"external_id,name\r\n", must_import=True, rows=0),
        Case("deep.json", deep.encode()),
        Case("deep-in-array.json", f'[{{"external_id": "A", "name": {deep}}}]'.encode()),
        Case("deep.ndjson", f'{{"external_id": "A", "name": {deep}}}\n'.encode()),
        Case("duplicate-key.json", b'[{"external_id": "A", "name": "x", "name": "y"}]'),
        Case("duplicate-key.ndjson", b'{"external_id": "A", "name": "x", "name": "y"}\n'),
        Case("not-objects.json", b"[1, 2, 3]"),
        Case("scalar.json", b"42"),
        Case("not-object-line.ndjson", good[".ndjson"] + b"[1]\n"),
        Case("half-line.ndjson", good[".ndjson"] + b'{"external_id": "A-'),
        Case("latin1.json", '[{"external_id": "A", "name": "Müller"}]'.encode("latin-1")),
    ]
