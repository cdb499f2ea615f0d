"""Mapping features: columns, date formats, value translations, constants, references."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.intake.helpers import write_mapping, write_rows

from keepwell.intake.errors import MappingError
from keepwell.intake.mapping import Mapping, load_mapping
from keepwell.intake.service import import_file
from keepwell.record.models import Account, AccountExternalId, Order, Ticket


def test_accounts_mapping_applies_every_section(crm_engine: Engine) -> None:
    with Session(crm_engine) as session:
        acme = session.scalars(select(Account).where(Account.external_id == "C-1")).one()
        beta = session.scalars(select(Account).where(Account.external_id == "C-2")).one()
        assert (acme.source, acme.status, acme.started_on) == ("crm", "active", date(2022, 1, 3))
        assert beta.status == "lost"
        assert acme.attributes == {"Fleet": "12"}
        links = session.execute(
            select(AccountExternalId.source, AccountExternalId.external_id).where(
                AccountExternalId.account_id == acme.id
            )
        ).all()
        assert sorted(tuple(link) for link in links) == [("crm", "C-1"), ("erp", "100001")]


def test_erp_orders_reference_accounts_by_erp_number(crm_engine: Engine, tmp_path: Path) -> None:
    rows = [
        {
            "Beleg": "4711",
            "Kunde": "100001",
            "Datum": "05.01.2024",
            "Betrag": "250.00",
            "Status": "Bezahlt",
        }
    ]
    mapping = Mapping(
        source="erp",
        columns={
            "external_id": "Beleg",
            "account": "Kunde",
            "ordered_at": "Datum",
            "amount": "Betrag",
            "status": "Status",
        },
        date_formats={"ordered_at": "%d.%m.%Y"},
        values={"status": {"Bezahlt": "paid"}},
        constants={"currency": "EUR"},
        references={"account": "erp"},
    )
    result = import_file(crm_engine, "orders", write_rows(tmp_path / "erp.csv", rows), mapping)
    assert result.ok, result.errors
    with Session(crm_engine) as session:
        order = session.scalars(select(Order)).one()
        account = session.get(Account, order.account_id)
        assert account is not None and account.name == "Acme Pumps"
        assert (order.source, order.status, order.currency) == ("erp", "paid", "EUR")
        assert order.ordered_at == date(2024, 1, 5)


def test_reference_restricted_to_a_source_rejects_other_ids(
    crm_engine: Engine, tmp_path: Path
) -> None:
    rows = [{"external_id": "T-1", "account": "C-1", "subject": "Leak", "opened_at": "2024-01-01"}]
    mapping = Mapping(source="helpdesk", references={"account": "erp"})
    result = import_file(crm_engine, "tickets", write_rows(tmp_path / "t.csv", rows), mapping)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "account", "unknown account in source 'erp'")
    ]


def test_datetimes_with_time_zone_are_stored_in_utc(crm_engine: Engine, tmp_path: Path) -> None:
    rows = [
        {
            "external_id": "T-1",
            "account": "C-1",
            "subject": "Seal leak",
            "opened_at": "2024-03-01T10:00:00+02:00",
        }
    ]
    assert import_file(crm_engine, "tickets", write_rows(tmp_path / "t.json", rows)).ok
    with Session(crm_engine) as session:
        assert session.scalars(select(Ticket.opened_at)).one() == datetime(2024, 3, 1, 8, 0)


def test_load_mapping_reports_unknown_sections(tmp_path: Path) -> None:
    path = write_mapping(tmp_path / "m.yaml", {"source": "crm", "colums": {"name": "Name"}})
    with pytest.raises(MappingError, match=r"m\.yaml: colums: Extra inputs are not permitted"):
        load_mapping(path)


def test_mapping_naming_unknown_fields_is_refused(crm_engine: Engine, tmp_path: Path) -> None:
    rows = [{"external_id": "O-1", "account": "C-1", "ordered_at": "2024-01-01", "amount": 1}]
    mapping = Mapping(columns={"amout": "amount"})
    with pytest.raises(MappingError, match="unknown field 'amout' for orders"):
        import_file(crm_engine, "orders", write_rows(tmp_path / "o.csv", rows), mapping)


def test_without_mapping_extra_account_columns_become_attributes(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [{"external_id": "A", "name": "Gamma", "Contract Type": "Full service"}]
    assert import_file(engine, "accounts", write_rows(tmp_path / "a.csv", rows)).ok
    with Session(engine) as session:
        assert session.scalars(select(Account.attributes)).one() == {
            "Contract Type": "Full service"
        }


def test_create_missing_accounts_from_a_plain_order_history(engine: Engine, tmp_path: Path) -> None:
    rows = [
        {
            "external_id": "1",
            "account": "K-7",
            "account_name": "Kappa",
            "ordered_at": "2024-01-01",
            "amount": 5,
        },
        {
            "external_id": "2",
            "account": "K-7",
            "account_name": "Kappa",
            "ordered_at": "2024-02-01",
            "amount": 6,
        },
        {
            "external_id": "3",
            "account": "K-8",
            "account_name": "",
            "ordered_at": "2024-02-01",
            "amount": 7,
        },
    ]
    path = write_rows(tmp_path / "history.csv", rows)
    refused = import_file(engine, "orders", path)
    assert {e.reason for e in refused.errors} == {"unknown account"}
    result = import_file(engine, "orders", path, create_missing_accounts=True)
    assert (result.ok, result.created, result.accounts_created) == (True, 3, 2)
    with Session(engine) as session:
        assert sorted(session.scalars(select(Account.name))) == ["K-8", "Kappa"]
    assert import_file(engine, "orders", path, create_missing_accounts=True).accounts_created == 0
