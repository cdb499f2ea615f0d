"""Every supported file format imports the same records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.intake.helpers import write_rows

from keepwell.intake.service import import_file
from keepwell.record.models import Order

ORDERS = [
    {"external_id": "O-1", "account": "C-1", "ordered_at": "2024-01-05", "amount": 1200.5},
    {"external_id": "O-2", "account": "100002", "ordered_at": "2024-02-10", "amount": 99.0},
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".ndjson", ".parquet"])
def test_each_format_imports_orders(crm_engine: Engine, tmp_path: Path, suffix: str) -> None:
    path = write_rows(tmp_path / f"orders{suffix}", ORDERS)
    result = import_file(crm_engine, "orders", path)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    with Session(crm_engine) as session:
        orders = session.scalars(select(Order).order_by(Order.external_id)).all()
        assert [(o.external_id, o.ordered_at, o.amount) for o in orders] == [
            ("O-1", date(2024, 1, 5), 1200.5),
            ("O-2", date(2024, 2, 10), 99.0),
        ]
        assert all(o.source == "file" and o.import_batch_id == result.batch_id for o in orders)


def test_native_types_from_parquet(crm_engine: Engine, tmp_path: Path) -> None:
    rows = [
        {
            "external_id": "O-9",
            "account": "C-1",
            "ordered_at": date(2024, 3, 1),
            "amount": 5,
            "quantity": 2,
        }
    ]
    result = import_file(crm_engine, "orders", write_rows(tmp_path / "o.parquet", rows))
    assert result.ok, result.errors
    with Session(crm_engine) as session:
        order = session.scalars(select(Order)).one()
        assert (order.ordered_at, order.amount, order.quantity) == (date(2024, 3, 1), 5.0, 2.0)


def test_json_object_wrapping_an_array(crm_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "orders.json"
    path.write_text(
        '{"data": [{"external_id": "O-1", "account": "C-1", '
        '"ordered_at": "2024-01-05", "amount": 3}]}'
    )
    assert import_file(crm_engine, "orders", path).created == 1
