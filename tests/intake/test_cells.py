"""A plain string cell's short way gives exactly what the general way gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keepwell.intake.cells import SKIP, CellProblem, cell_reader, missing_handler, parse_value
from keepwell.intake.convert import converter
from keepwell.intake.fields import FieldSpec

SPECS = [
    (FieldSpec("d", "date", ""), None, None),
    (FieldSpec("d", "date", ""), "%d.%m.%Y", None),
    (FieldSpec("t", "datetime", ""), None, None),
    (FieldSpec("i", "int", ""), None, None),
    (FieldSpec("f", "float", ""), None, None),
    (FieldSpec("b", "bool", ""), None, None),
    (FieldSpec("c", "str", "", choices=("open", "no_bid")), None, None),
    (FieldSpec("s", "str", ""), None, 4),
    (FieldSpec("s", "text", ""), None, None),
]
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            " 2024-03-01 ",
            "2024-03-01T08:30:00.5+02:00",
            "01.03.2024",
            "2024-03-01Z",
            " 12 ",
            "1e3",
            "nan",
            "-inf",
            "12.5",
            " Yes",
            "x",
            "No Bid",
            "no-bid",
            "OPEN ",
            "\u00a0",
            "\t\n",
        ]
    ),
)


def _outcome(read: Any) -> tuple[str, Any]:
    try:
        value = read()
    except CellProblem as problem:
        return ("problem", (problem.value, problem.reason))
    return ("value", value)


@pytest.mark.parametrize(("spec", "fmt", "max_length"), SPECS)
@given(cell=CELLS, required=st.booleans(), store_none=st.booleans())
def test_string_cells_short_way_equals_general_way(
    spec: FieldSpec,
    fmt: str | None,
    max_length: int | None,
    cell: str,
    required: bool,
    store_none: bool,
) -> None:
    convert = converter(spec, fmt, max_length)
    missing = missing_handler(spec.name, required, store_none)
    read = cell_reader("col", None, {}, convert, missing)
    short = _outcome(lambda: read({"col": cell}))
    general = _outcome(lambda: parse_value(cell, {}, convert.value, missing))
    assert short == general


def test_missing_cells_set_none_nothing_or_an_error() -> None:
    convert = converter(FieldSpec("n", "int", ""), None, None)
    assert cell_reader("n", None, {}, convert, missing_handler("n", False, True))({}) is None
    assert cell_reader("n", None, {}, convert, missing_handler("n", False, False))({}) is SKIP
    with pytest.raises(CellProblem, match="n is required"):
        cell_reader("n", None, {}, convert, missing_handler("n", True, False))({"n": " "})
