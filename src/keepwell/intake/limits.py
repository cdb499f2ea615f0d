"""What a data file must be before its rows are read: a header of distinct names, and
a size and row count within the configured caps.

A file over a cap is refused before it is unpacked (an ``.xlsx`` is a zip archive whose
members may expand a thousandfold) or, when only reading tells, as soon as the cap is
passed; either way with a clear ``UnreadableFile`` naming the file and the setting.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from keepwell.intake.errors import UnreadableFile
from keepwell.settings import Settings, get_settings

MIB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Caps on what one import reads (``KEEPWELL_IMPORT_MAX_ROWS``, ``…_MAX_EXPANDED_MIB``)."""

    max_rows: int = 2_000_000
    max_expanded_bytes: int = 1024 * MIB

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ReadLimits:
        """The caps configured in ``settings`` (default: the process settings)."""
        settings = settings or get_settings()
        return cls(settings.import_max_rows, settings.import_max_expanded_mib * MIB)

    def check_rows(self, name: str, rows: int) -> None:
        """Refuse a file of more than ``max_rows`` data rows."""
        if rows > self.max_rows:
            raise UnreadableFile(
                f"{name}: the file has more than {self.max_rows:,} rows, the most one import "
                "takes (setting KEEPWELL_IMPORT_MAX_ROWS); split it or raise the limit"
            )

    def check_size(self, path: Path, fmt: str) -> None:
        """Refuse a file whose content, once unpacked, exceeds ``max_expanded_bytes``."""
        size = expanded_size(path, fmt)
        if size > self.max_expanded_bytes:
            raise UnreadableFile(
                f"{path.name}: the file unpacks to {size / MIB:,.0f} MiB, more than the "
                f"{self.max_expanded_bytes / MIB:,.0f} MiB one import takes "
                "(setting KEEPWELL_IMPORT_MAX_EXPANDED_MIB); split it or raise the limit"
            )


def expanded_size(path: Path, fmt: str) -> int:
    """Bytes the reader will unpack: a workbook's members, Parquet's uncompressed data."""
    if fmt == "xlsx":
        with zipfile.ZipFile(path) as archive:
            return sum(member.file_size for member in archive.infolist())
    if fmt == "parquet":
        meta = pq.ParquetFile(path).metadata
        return sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return path.stat().st_size


def check_header(name: str, columns: Sequence[str]) -> None:
    """Refuse a header with an unnamed column or a name used twice (one would be lost)."""
    first_seen: dict[str, int] = {}
    for position, column in enumerate(columns, start=1):
        if not column:
            raise UnreadableFile(
                f"{name}: column {position} of the header has no name; name it or remove the column"
            )
        if column in first_seen:
            raise UnreadableFile(
                f"{name}: the header names {column!r} twice (columns {first_seen[column]} "
                f"and {position}); every column needs its own name"
            )
        first_seen[column] = position
