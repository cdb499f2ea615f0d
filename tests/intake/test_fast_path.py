"""The fast insert path stores exactly what SQLAlchemy would, so re-imports find no change."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Table, insert, select, text
from sqlalchemy.orm import Session
from tests.intake.helpers import write_rows

from keepwell.intake import readers
from keepwell.intake.fastwrite import BulkInserter
from keepwell.intake.mapping import Mapping
from keepwell.intake.models import ImportBatch
from keepwell.intake.service import import_file
from keepwell.intake.tables import MODELS

FILES: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "employees",
        [
            {"external_id": "E1", "name": "Ada", "hired_at": "2020-01-01", "active": "yes"},
            {"external_id": "E2", "name": "Bo", "left_at": "2024-05-01", "active": "no"},
        ],
    ),
    (
        "contacts",
        [
            {"external_id": "K1", "account": "C-1", "name": "Cy", "left_at": "2023-02-28"},
            {"external_id": "K2", "account": "C-2", "name": "Di", "is_key": "y", "left_at": ""},
        ],
    ),
    (
        "teams",
        [{"account": "C-1", "employee": "E1", "role": "service_lead", "since": "2021-01-01"}],
    ),
    (
        "assets",
        [
            {"external_id": "A1", "account": "C-1", "serial": "S-1", "installed_at": "2019-07-04"},
            {"external_id": "A2", "account": "C-2", "serial": "S-2", "warranty_end": "2026-12-31"},
        ],
    ),
    (
        "quotes",
        [
            {"external_id": "Q1", "account": "C-1", "received_at": "2024-01-02", "owner": "E1"},
            {"external_id": "Q2", "account": "C-2", "received_at": "2024-01-03", "value": "7"},
        ],
    ),
    (
        "orders",
        [
            {"external_id": "O1", "account": "C-1", "ordered_at": "2024-02-01", "amount": "0.1"},
            {
                "external_id": "O2",
                "account": "100002",
                "ordered_at": "2024-02-02T10:00:00",
                "amount": "1e3",
                "quote": "Q1",
                "paid_at": "2024-03-01",
            },
        ],
    ),
    (
        "tickets",
        [
            {
                "external_id": "T1",
                "account": "C-1",
                "subject": "Leak",
                "opened_at": "2024-03-01T08:30:00",
                "closed_at": "2024-03-02T09:00:00.250000+02:00",
                "asset": "S-1",
            },
            {
                "external_id": "T2",
                "account": "C-2",
                "subject": "Noise",
                "opened_at": "2024-03-05",
                "first_response_at": "2024-03-05T12:00:00.000001Z",
                "contact": "K2",
            },
        ],
    ),
    (
        "surveys",
        [
            {
                "external_id": "N1",
                "account": "C-1",
                "kind": "NPS",
                "score": "9",
                "responded_at": "2024-04-01T00:00:00",
            }
        ],
    ),
    (
        "interactions",
        [
            {
                "external_id": "I1",
                "account": "C-2",
                "occurred_at": "2024-04-02T15:45:30.5",
                "kind": "visit",
                "employee": "E2",
            }
        ],
    ),
    (
        "telemetry",
        [
            {"asset": "S-1", "ts": "2024-05-01T00:00:00", "metric": "temp", "value": "71.5"},
            {"asset": "S-1", "ts": "2024-05-01T00:00:00.123456", "alarm_code": "E7"},
            {"asset": "S-2", "ts": "2024-05-01T06:00:00+01:00", "metric": "rpm", "value": "0"},
        ],
    ),
]


def _csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write rows whose keys differ as one CSV (absent cells empty)."""
    header = dict.fromkeys(key for row in rows for key in row)
    return write_rows(path, [{key: row.get(key, "") for key in header} for row in rows])


def _stored(engine: Engine, table: Table) -> list[tuple[Any, ...]]:
    """Every row as the driver returns it (on SQLite: the stored text of dates)."""
    columns = ", ".join(c.name for c in table.columns if c.name != "import_batch_id")
    with engine.connect() as connection:
        return list(
            connection.exec_driver_sql(f"SELECT {columns} FROM {table.name} ORDER BY id").all()
        )


def test_reimporting_every_kind_finds_every_row_unchanged(
    crm_engine: Engine, tmp_path: Path
) -> None:
    paths = []
    for kind, rows in FILES:
        path = _csv(tmp_path / f"{kind}.csv", rows)
        first = import_file(crm_engine, kind, path)
        assert first.ok, first.errors
        assert first.created == len(rows)
        paths.append((kind, path, len(rows)))
    for kind, path, count in paths:
        table = MODELS[kind].__table__
        assert isinstance(table, Table)
        before = _stored(crm_engine, table)
        again = import_file(crm_engine, kind, path)
        assert (kind, again.created, again.updated, again.unchanged) == (kind, 0, 0, count)
        assert _stored(crm_engine, table) == before


def test_reimporting_a_parquet_file_finds_every_row_unchanged(
    crm_engine: Engine, tmp_path: Path
) -> None:
    rows = [
        {
            "external_id": f"O-{i}",
            "account": "C-1",
            "ordered_at": date(2024, 1, 1 + i),
            "amount": 10 * i,
            "delivered_at": datetime(2024, 2, 1 + i, 12, 30),
        }
        for i in range(5)
    ]
    path = write_rows(tmp_path / "orders.parquet", rows)
    assert import_file(crm_engine, "orders", path).created == 5
    again = import_file(crm_engine, "orders", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_telemetry_matches_readings_delivered_by_another_source(
    crm_engine: Engine, tmp_path: Path
) -> None:
    for kind, rows in FILES[3:4]:
        assert import_file(crm_engine, kind, _csv(tmp_path / f"{kind}.csv", rows)).ok
    readings = FILES[-1][1]
    path = _csv(tmp_path / "telemetry.csv", readings)
    assert import_file(crm_engine, "telemetry", path).created == len(readings)
    again = import_file(crm_engine, "telemetry", path, Mapping(source="scada"))
    assert (again.ok, again.created, again.unchanged) == (True, 0, len(readings))


def _core_and_fast(
    engine: Engine, kind: str, rows: list[dict[str, Any]]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Insert ``rows`` through Core and through the fast path; the stored rows of each."""
    table = MODELS[kind].__table__
    assert isinstance(table, Table)
    skip = ("id", "external_id", "created_at", "updated_at")
    columns = [c.name for c in table.columns if c.name not in skip]
    stored = []
    with Session(engine) as session:
        batch = ImportBatch(kind=kind, source="t", filename="f", sha256="0" * 64, actor="t")
        session.add(batch)
        session.flush()
        for label in ("core", "fast"):
            copies = [{**row, "external_id": f"{label}-{i}"} for i, row in enumerate(rows)]
            if label == "core":
                session.execute(insert(table), copies)
            else:
                inserter = BulkInserter(session, table)
                assert inserter.is_fast(tuple(copies[0]))
                inserter.insert(copies)
            query = text(
                f"SELECT {', '.join(columns)} FROM {table.name} "
                "WHERE external_id LIKE :label ORDER BY external_id"
            )
            stored.append([tuple(r) for r in session.execute(query, {"label": f"{label}-%"})])
        session.rollback()
    return stored[0], stored[1]


@pytest.mark.parametrize(
    ("kind", "rows"),
    [
        (
            "orders",
            [
                {
                    "source": "s",
                    "account_id": None,
                    "ordered_at": date(2024, 1, 2),
                    "amount": 0.1 + 0.2,
                    "quantity": 3,
                    "paid_at": None,
                },
                {
                    "source": "s",
                    "account_id": None,
                    "ordered_at": date(999, 12, 31),
                    "amount": 1e300,
                    "quantity": None,
                    "paid_at": date(2024, 2, 29),
                },
            ],
        ),
        (
            "tickets",
            [
                {
                    "source": "s",
                    "account_id": None,
                    "subject": "Ünïcode \\ tab\t 'quote'",
                    "opened_at": datetime(2024, 3, 1, 8, 30),
                    "closed_at": datetime(2024, 3, 1, 8, 30, 0, 1),
                },
            ],
        ),
        (
            "contacts",
            [
                {"source": "s", "account_id": None, "name": "N", "is_key": True, "active": False},
            ],
        ),
        (
            "accounts",
            [
                {"source": "s", "name": "A", "attributes": {"fleet": 3, "note": "ü"}},
                {"source": "s", "name": "B", "attributes": {}},
            ],
        ),
    ],
)
def test_fast_path_stores_what_core_stores(
    engine: Engine, kind: str, rows: list[dict[str, Any]]
) -> None:
    with Session(engine) as session:
        account = session.execute(
            text(
                "INSERT INTO accounts (source, external_id, name, status, attributes) "
                "VALUES ('x', 'x', 'x', 'active', '{}') RETURNING id"
            )
        ).scalar_one()
        session.commit()
    for row in rows:
        if "account_id" in row:
            row["account_id"] = account
    core, fast = _core_and_fast(engine, kind, rows)
    assert core == fast
    assert len(fast) == len(rows)


def test_callable_defaults_are_left_to_core(engine: Engine) -> None:
    table = MODELS["accounts"].__table__
    assert isinstance(table, Table)
    with Session(engine) as session:
        inserter = BulkInserter(session, table)
        assert not inserter.is_fast(("source", "external_id", "name"))
        inserter.insert([{"source": "s", "external_id": "e", "name": "n"}])
        stored = session.execute(select(table.c.attributes, table.c.status)).one()
        assert tuple(stored) == ({}, "active")


def test_parquet_row_numbers_run_on_across_batches(
    crm_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "PARQUET_BATCH", 3)
    rows: list[dict[str, Any]] = [
        {"external_id": f"O-{i}", "account": "C-1", "ordered_at": "2024-01-01", "amount": "1"}
        for i in range(8)
    ]
    rows[6]["amount"] = "lots"
    result = import_file(crm_engine, "orders", write_rows(tmp_path / "o.parquet", rows))
    assert [(e.row, e.column, e.value) for e in result.errors] == [(7, "amount", "lots")]


def test_sqlite_cache_is_restored_after_an_import(sqlite_engine: Engine, tmp_path: Path) -> None:
    with sqlite_engine.connect() as connection:
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    path = write_rows(tmp_path / "a.csv", [{"external_id": "C-9", "name": "Nine"}])
    assert import_file(sqlite_engine, "accounts", path).created == 1
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar_one() == before
