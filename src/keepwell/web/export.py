"""Every list's CSV and Excel export: readable headers, money only for roles that see it,
cells that a spreadsheet cannot run as a formula.

A list declares its columns once (``Column``); the page's ``?format=csv`` or
``?format=xlsx`` then writes every matching row, not only the page shown.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Query
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from starlette.responses import Response

from keepwell.auth.visibility import MONEY_FIELDS

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Format = Annotated[str, Query(pattern="^(|html|csv|xlsx)$", description="csv or xlsx to export")]
"""The ``format`` parameter of every list page (empty or ``html`` for the page)."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell starts that a spreadsheet may run as a formula."""


@dataclass(frozen=True)
class Column:
    """One exported column: its header, how a row gives its value, and its hidden field.

    ``field`` names a declared money field (``keepwell.auth.visibility``); the column is
    left out for roles that may not see it, and its header says the currency.
    """

    header: str
    value: Callable[[Any], Any]
    field: str | None = None

    @property
    def money(self) -> bool:
        """True for an amount of money."""
        return self.field in MONEY_FIELDS


def visible(columns: Iterable[Column], hidden: frozenset[str]) -> list[Column]:
    """The columns a role with ``hidden`` fields may export."""
    return [c for c in columns if c.field is None or c.field not in hidden]


def header(column: Column, currency: str) -> str:
    """The column's header, with the currency for money."""
    return f"{column.header} ({currency})" if column.money else column.header


def amount(value: float | None) -> float | None:
    """Money rounded to cents, as the pages show it."""
    return None if value is None else round(value, 2)


def percent(value: float | None) -> int | None:
    """A ratio as a whole percentage, as the pages show it (``0.123`` → 12)."""
    return None if value is None else round(value * 100)


def safe(value: Any) -> Any:
    """A cell value: numbers stay numbers; text that could start a formula gets a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, date):
        return value  # a date stays a date: text in CSV, a date cell in Excel
    text = ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def table(columns: Sequence[Column], rows: Iterable[Any], currency: str) -> list[list[Any]]:
    """The header line and one safe line per row."""
    lines: list[list[Any]] = [[safe(header(c, currency)) for c in columns]]
    lines.extend([safe(c.value(row)) for c in columns] for row in rows)
    return lines


def to_csv(lines: list[list[Any]]) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so spreadsheets read accents right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([_csv_text(v) for v in line] for line in lines)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(lines: list[list[Any]], title: str) -> bytes:
    """An Excel workbook of one sheet; numbers stay numbers, text is stored as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Export")
    for line in lines:
        sheet.append([_xlsx_cell(sheet, v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_text(value: Any) -> Any:
    """Dates and moments as ISO text (to the minute); anything else as it is."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if isinstance(value, date) else value


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """Dates and moments as Excel date cells that sort and filter as dates."""
    if not isinstance(value, date):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime) else "yyyy-mm-dd"
    return cell


def export(
    fmt: str,
    name: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    hidden: frozenset[str],
    currency: str,
    title: str = "",
) -> Response:
    """The download of ``rows`` as ``fmt`` (csv or xlsx), money left out where hidden."""
    lines = table(visible(columns, hidden), rows, currency)
    body = to_csv(lines) if fmt == "csv" else to_xlsx(lines, title or name)
    filename = f"{name}-{date.today().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, media_type=FORMATS[fmt], headers=headers)


def wants_export(fmt: str) -> bool:
    """True when the request asks for a download rather than the page."""
    return fmt in FORMATS
