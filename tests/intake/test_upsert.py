"""Atomic, idempotent, audited imports; dry runs; people and teams."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.intake.helpers import write_rows

from keepwell.audit.models import AuditLog
from keepwell.intake import service
from keepwell.intake.models import ImportBatch
from keepwell.intake.service import import_file
from keepwell.migrations.tables import Base
from keepwell.people.models import AccountTeamMember, Department, Employee, RetentionRole
from keepwell.record.models import Order


def _orders(n: int, bad_at: int | None = None) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {
            "external_id": f"O-{i}",
            "account": "C-1" if i % 2 else "C-2",
            "ordered_at": f"2024-{1 + i % 12:02d}-01",
            "amount": 10.0 + i,
        }
        for i in range(n)
    ]
    if bad_at is not None:
        rows[bad_at]["amount"] = "n/a"
    return rows


def _snapshot(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }


def test_one_bad_row_in_the_middle_writes_nothing(crm_engine: Engine, tmp_path: Path) -> None:
    rows = _orders(3 * service.CHUNK_ROWS, bad_at=int(1.5 * service.CHUNK_ROWS))
    before = _snapshot(crm_engine)
    result = import_file(crm_engine, "orders", write_rows(tmp_path / "o.csv", rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (int(1.5 * service.CHUNK_ROWS) + 2, "amount")
    ]
    assert _snapshot(crm_engine) == before


def test_importing_the_same_file_twice_changes_nothing(crm_engine: Engine, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "o.parquet", _orders(50))
    first = import_file(crm_engine, "orders", path)
    with Session(crm_engine) as session:
        rows_before = session.execute(select(Order.__table__)).all()
    second = import_file(crm_engine, "orders", path)
    assert (first.created, second.created, second.updated, second.unchanged) == (50, 0, 0, 50)
    with Session(crm_engine) as session:
        assert session.execute(select(Order.__table__)).all() == rows_before
        assert (
            session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action == "import.update")
            )
            == 0
        )


def test_a_changed_row_updates_its_record_and_is_audited(
    crm_engine: Engine, tmp_path: Path
) -> None:
    rows = _orders(5)
    import_file(crm_engine, "orders", write_rows(tmp_path / "o.csv", rows))
    rows[3]["amount"] = 999.0
    result = import_file(crm_engine, "orders", write_rows(tmp_path / "o2.csv", rows))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    with Session(crm_engine) as session:
        order = session.scalars(select(Order).where(Order.external_id == "O-3")).one()
        assert order.amount == 999.0 and order.import_batch_id == result.batch_id
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "import.update")).one()
        assert (entry.entity, entry.entity_id, entry.changes) == (
            "orders",
            order.id,
            {"amount": [13.0, 999.0]},
        )
        assert entry.import_batch_id == result.batch_id


def test_dry_run_reports_changes_and_writes_nothing(crm_engine: Engine, tmp_path: Path) -> None:
    rows = _orders(4)
    import_file(crm_engine, "orders", write_rows(tmp_path / "o.csv", rows[:3]))
    rows[0]["amount"] = 1.0
    before = _snapshot(crm_engine)
    result = import_file(crm_engine, "orders", write_rows(tmp_path / "o2.csv", rows), dry_run=True)
    assert (result.ok, result.batch_id, result.created, result.updated, result.unchanged) == (
        True,
        None,
        1,
        1,
        2,
    )
    assert [(c.action, c.key, c.changes) for c in result.changes] == [
        ("updated", "O-0", {"amount": [10.0, 1.0]}),
        ("created", "O-3", {}),
    ]
    assert _snapshot(crm_engine) == before


def test_a_successful_import_records_its_batch(crm_engine: Engine, tmp_path: Path) -> None:
    result = import_file(crm_engine, "orders", write_rows(tmp_path / "o.csv", _orders(7)))
    with Session(crm_engine) as session:
        batch = session.get(ImportBatch, result.batch_id)
        assert batch is not None
        assert (batch.kind, batch.filename, batch.rows, batch.created) == ("orders", "o.csv", 7, 7)
        assert len(batch.sha256) == 64 and batch.finished_at is not None


def test_employees_and_teams_with_departments_and_roles(crm_engine: Engine, tmp_path: Path) -> None:
    employees = [
        {
            "external_id": "E1",
            "name": "Ada",
            "department": "Service",
            "hired_at": "2020-01-01",
            "active": "yes",
            "left_at": "",
        },
        {
            "external_id": "E2",
            "name": "Bo",
            "department": "Sales",
            "active": "no",
            "left_at": "2024-05-01",
        },
    ]
    teams = [
        {"account": "C-1", "employee": "E1", "role": "service_lead"},
        {"account": "C-1", "employee": "E2", "role": "Account owner"},
        {"account": "C-2", "employee": "E2", "role": "chief of fun"},
    ]
    assert import_file(crm_engine, "employees", write_rows(tmp_path / "e.csv", employees)).ok
    refused = import_file(crm_engine, "teams", write_rows(tmp_path / "t.csv", teams))
    assert [(e.row, e.column, e.value, e.reason) for e in refused.errors] == [
        (4, "role", "chief of fun", "unknown retention role"),
    ]
    result = import_file(crm_engine, "teams", write_rows(tmp_path / "t2.csv", teams[:2]))
    assert result.created == 2
    assert (
        import_file(crm_engine, "teams", write_rows(tmp_path / "t3.csv", teams[:2])).unchanged == 2
    )
    with Session(crm_engine) as session:
        assert sorted(session.scalars(select(Department.name))) == ["Sales", "Service"]
        bo = session.scalars(select(Employee).where(Employee.external_id == "E2")).one()
        assert (bo.active, bo.department is not None and bo.department.name) == (False, "Sales")
        members = session.execute(
            select(AccountTeamMember.external_id, RetentionRole.key)
            .join(RetentionRole)
            .order_by(RetentionRole.key)
        ).all()
        assert [tuple(m) for m in members] == [
            ("C-1|E2|Account owner", "account_owner"),
            ("C-1|E1|service_lead", "service_lead"),
        ]
