"""Problems found while importing.

Exception hierarchy::

    KeepwellError
    └── IntakeError
        ├── MappingError       the mapping file itself is invalid
        ├── UnreadableFile     the data file cannot be opened or parsed
        └── ImportConflict     the database refused the writes (another writer, a value)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from keepwell.errors import Conflict, Invalid


class IntakeError(Invalid):
    """A file could not be imported."""

    problem_type = "import-rejected"


class MappingError(IntakeError):
    """A mapping file is invalid."""


class UnreadableFile(IntakeError):
    """A data file cannot be read."""


class ImportConflict(IntakeError, Conflict):
    """The database refused the import's writes; nothing was written."""

    status = 409


@dataclass(frozen=True)
class RowError:
    """One validation problem: where it is (file, row, column), the value and why."""

    file: str
    row: int | None
    column: str | None
    value: Any
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        data = asdict(self)
        if data["value"] is not None and not isinstance(data["value"], str | int | float | bool):
            data["value"] = str(data["value"])
        return data

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        value = "" if self.value is None else f", value {self.value!r}"
        return f"{where}{value}: {self.reason}"
