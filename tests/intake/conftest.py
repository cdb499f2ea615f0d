"""Fixtures for import tests: a database with two accounts from a CRM."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.intake.helpers import write_rows

from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file

ACCOUNTS = [
    {
        "Id": "C-1",
        "Name": "Acme Pumps",
        "Stage": "Customer",
        "Since": "03.01.2022",
        "ERP": "100001",
        "Fleet": "12",
    },
    {
        "Id": "C-2",
        "Name": "Beta Works",
        "Stage": "Closed Lost",
        "Since": "01.06.2021",
        "ERP": "100002",
        "Fleet": "3",
    },
]
CRM = Mapping(
    source="crm",
    columns={"external_id": "Id", "name": "Name", "status": "Stage", "started_on": "Since"},
    date_formats={"default": "%d.%m.%Y"},
    values={"status": {"Customer": "active", "Closed Lost": "lost"}},
    attributes=["Fleet"],
    external_ids={"erp": "ERP"},
)


@pytest.fixture
def crm_engine(engine: Engine, tmp_path: Path) -> Engine:
    """The test database holding the two CRM accounts (also known by ERP numbers)."""
    result = import_file(engine, "accounts", write_rows(tmp_path / "crm.csv", ACCOUNTS), CRM)
    assert result.ok, result.errors
    return engine
