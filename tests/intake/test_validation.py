"""Every class of bad input is reported with file, row, column, value and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.intake.helpers import write_rows

from keepwell.intake.convert import describe_format
from keepwell.intake.errors import UnreadableFile
from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file


def _errors(engine: Engine, kind: str, path: Path, mapping: Mapping | None = None) -> list[tuple]:
    result = import_file(engine, kind, path, mapping)
    assert not result.ok and result.batch_id is None
    return [(e.file, e.row, e.column, e.value, e.reason) for e in result.errors]


def test_every_problem_in_every_row_is_reported(crm_engine: Engine, tmp_path: Path) -> None:
    rows = [
        {
            "external_id": "O-1",
            "account": "C-1",
            "ordered_at": "2024-01-05",
            "amount": "12",
            "status": "paid",
            "quantity": "1",
        },
        {
            "external_id": "O-2",
            "account": "C-9",
            "ordered_at": "5 Jan",
            "amount": "twelve",
            "status": "shipped",
            "quantity": "1",
        },
        {
            "external_id": "",
            "account": "C-1",
            "ordered_at": "2024-01-05",
            "amount": "",
            "status": "open",
            "quantity": "inf",
        },
        {
            "external_id": "O-1",
            "account": "C-1",
            "ordered_at": "2024-01-06",
            "amount": "3",
            "status": "open",
            "quantity": "1",
        },
    ]
    assert _errors(crm_engine, "orders", write_rows(tmp_path / "bad.csv", rows)) == [
        ("bad.csv", 3, "ordered_at", "5 Jan", "not a date as year-month-day, e.g. 2026-12-31"),
        ("bad.csv", 3, "amount", "twelve", "not a number"),
        (
            "bad.csv",
            3,
            "status",
            "shipped",
            "not one of open, delivered, invoiced, paid, cancelled",
        ),
        ("bad.csv", 3, "account", "C-9", "unknown account"),
        ("bad.csv", 4, "external_id", "", "external_id is required"),
        ("bad.csv", 4, "amount", "", "amount is required"),
        ("bad.csv", 4, "quantity", "inf", "not a finite number"),
        ("bad.csv", 5, "external_id", "O-1", "duplicate key: same record as row 2"),
    ]


def test_type_errors_for_ints_bools_and_lengths(crm_engine: Engine, tmp_path: Path) -> None:
    quotes = [
        {
            "external_id": "Q-1",
            "account": "C-1",
            "received_at": "2024-01-01",
            "promised_lead_time_days": "2.5",
            "currency": "EURO",
        }
    ]
    contacts = [{"external_id": "P-1", "account": "C-1", "name": "Ann", "is_key": "maybe"}]
    assert _errors(crm_engine, "quotes", write_rows(tmp_path / "q.csv", quotes)) == [
        ("q.csv", 2, "currency", "EURO", "longer than 3 characters (4)"),
        ("q.csv", 2, "promised_lead_time_days", "2.5", "not a whole number"),
    ]
    assert _errors(crm_engine, "contacts", write_rows(tmp_path / "c.csv", contacts)) == [
        ("c.csv", 2, "is_key", "maybe", "not a yes/no value (use true/false, yes/no or 1/0)"),
    ]


def test_missing_columns_are_reported_before_reading_rows(
    crm_engine: Engine, tmp_path: Path
) -> None:
    rows = [{"id": "O-1", "Kunde": "C-1"}]
    mapping = Mapping(columns={"account": "Customer"})
    assert _errors(crm_engine, "orders", write_rows(tmp_path / "o.csv", rows), mapping) == [
        (
            "o.csv",
            None,
            None,
            None,
            "required field 'external_id' has no column in the file and no constant",
        ),
        (
            "o.csv",
            None,
            "Customer",
            None,
            "column 'Customer' (mapped to account) is not in the file",
        ),
        (
            "o.csv",
            None,
            None,
            None,
            "required field 'ordered_at' has no column in the file and no constant",
        ),
        (
            "o.csv",
            None,
            None,
            None,
            "required field 'amount' has no column in the file and no constant",
        ),
    ]


def test_ambiguous_account_ids_must_name_their_source(crm_engine: Engine, tmp_path: Path) -> None:
    other = [{"external_id": "C-1", "name": "Other company"}]
    assert import_file(
        crm_engine, "accounts", write_rows(tmp_path / "a.csv", other), Mapping(source="erp")
    ).ok
    orders = [{"external_id": "O-1", "account": "C-1", "ordered_at": "2024-01-01", "amount": 1}]
    assert _errors(crm_engine, "orders", write_rows(tmp_path / "o.csv", orders)) == [
        (
            "o.csv",
            2,
            "account",
            "C-1",
            "account id 'C-1' exists in several sources; "
            "name the source under references in the mapping",
        ),
    ]


def test_clashing_serials_and_external_ids(crm_engine: Engine, tmp_path: Path) -> None:
    assets = [{"external_id": "M-1", "account": "C-1", "serial": "SN-1"}]
    assert import_file(crm_engine, "assets", write_rows(tmp_path / "a.csv", assets)).ok
    clash = [{"external_id": "M-2", "account": "C-1", "serial": "SN-1"}]
    assert _errors(crm_engine, "assets", write_rows(tmp_path / "b.csv", clash)) == [
        ("b.csv", 2, "serial", "SN-1", "serial already belongs to asset 'M-1' of source 'file'"),
    ]
    accounts = [{"Id": "C-3", "Name": "Gamma", "ERP": "100001"}]
    mapping = Mapping(
        source="crm", columns={"external_id": "Id", "name": "Name"}, external_ids={"erp": "ERP"}
    )
    assert _errors(crm_engine, "accounts", write_rows(tmp_path / "c.csv", accounts), mapping) == [
        ("c.csv", 2, "erp", "100001", "erp id already belongs to account 'C-1' of source 'crm'"),
    ]


def test_telemetry_rows_need_a_reading_or_an_alarm(crm_engine: Engine, tmp_path: Path) -> None:
    assets = [{"external_id": "M-1", "account": "C-1", "serial": "SN-1"}]
    assert import_file(crm_engine, "assets", write_rows(tmp_path / "a.csv", assets)).ok
    rows = [
        {"asset": "SN-1", "ts": "2024-01-01T00:00:00", "metric": "", "value": "", "alarm_code": ""},
        {
            "asset": "SN-404",
            "ts": "2024-01-01T00:00:00",
            "metric": "rpm",
            "value": "1",
            "alarm_code": "",
        },
    ]
    assert _errors(crm_engine, "telemetry", write_rows(tmp_path / "t.csv", rows)) == [
        ("t.csv", 2, "metric", None, "a telemetry row needs metric and value, or an alarm_code"),
        ("t.csv", 3, "asset", "SN-404", "unknown asset serial"),
    ]


def test_a_csv_row_with_too_many_values(crm_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("external_id,account,ordered_at,amount\nO-1,C-1,2024-01-01,5,extra\n")
    assert _errors(crm_engine, "orders", path) == [
        ("o.csv", 2, None, "['extra']", "more values than header columns"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("orders.txt", "x", "unsupported file type '.txt'"),
        ("orders.csv", "", "the file is empty"),
        ("orders.json", "{not json", "cannot read"),
    ],
)
def test_unreadable_files(
    engine: Engine, tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(UnreadableFile, match=message):
        import_file(engine, "orders", path)


def test_a_date_in_the_wrong_format_is_explained_in_words(
    crm_engine: Engine, tmp_path: Path
) -> None:
    rows = [{"external_id": "O-1", "account": "C-1", "ordered_at": "2024-01-05", "amount": "3"}]
    mapping = Mapping(source="crm", date_formats={"ordered_at": "%d.%m.%Y"})
    [error] = _errors(crm_engine, "orders", write_rows(tmp_path / "o.csv", rows), mapping)
    assert error == (
        "o.csv",
        2,
        "ordered_at",
        "2024-01-05",
        "not a date as day.month.year, e.g. 31.12.2026",
    )
    assert describe_format("%Y-%m-%dT%H:%M") == (
        "year-month-dayThour:minute, e.g. 2026-12-31T14:30"
    )
