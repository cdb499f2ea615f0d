"""Finding accounts, the account list with its counts, and the account 360."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.record.test_timeline import ACME_EVENTS, FILES, load, statements

from keepwell.intake.mapping import Mapping
from keepwell.record.models import Account
from keepwell.record.service import (
    AccountLookupError,
    account_360,
    count_accounts,
    find_account,
    list_accounts,
)

ACCOUNTS = """external_id,name,segment,region,status,erp_id,fleet_size
C-1,Acme Pumps,OEM,North,active,1001,12
C-2,Beta Works,Utility,South,lost,1002,3
C-3,ACME Pumps,OEM,South,active,1003,"""
JUNE = date(2024, 6, 30)


@pytest.fixture
def session(engine: Engine, tmp_path: Path) -> Iterator[Session]:
    """A session on the record of three accounts (two named Acme Pumps but for case)."""
    accounts = (Mapping(source="crm", external_ids={"erp": "erp_id"}), ACCOUNTS)
    load(engine, tmp_path, {**FILES, "accounts": accounts})
    with Session(engine) as session:
        yield session


def ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Account.external_id, Account.id)).all())


def test_find_account_by_id_external_id_or_name(session: Session) -> None:
    acme, beta = ids(session)["C-1"], ids(session)["C-2"]
    for key in (acme, str(acme), "C-1", "1001", "erp:1001", "crm:C-1", " Acme Pumps "):
        assert find_account(session, key).id == acme, key
    assert find_account(session, "beta works").id == beta
    with pytest.raises(AccountLookupError, match="'acme pumps' matches 2 accounts") as ambiguous:
        find_account(session, "acme pumps")
    assert [a.external_id for a in ambiguous.value.candidates] == ["C-1", "C-3"]
    assert "Acme Pumps (id" in str(ambiguous.value)
    with pytest.raises(AccountLookupError, match="no account matches 'acm'") as similar:
        find_account(session, "acm")
    assert sorted(a.external_id for a in similar.value.candidates) == ["C-1", "C-3"]
    with pytest.raises(LookupError, match=r"no account matches '99999999999'$"):
        find_account(session, "99999999999")


def test_list_accounts_counts_filters_and_pages(session: Session) -> None:
    rows = {a.name: a for a in list_accounts(session, as_of=JUNE)}
    acme = rows["Acme Pumps"]
    assert (acme.contacts, acme.open_tickets, acme.team_size) == (1, 1, 2)
    assert (acme.orders_12m, acme.revenue_12m, acme.last_order_on) == (2, 2500.0, date(2024, 6, 1))
    beta = rows["Beta Works"]
    assert (beta.status, beta.contacts, beta.open_tickets, beta.team_size) == ("lost", 1, 0, 0)
    assert (beta.orders_12m, beta.revenue_12m, beta.last_order_on) == (0, 0.0, date(2023, 1, 15))
    empty = rows["ACME Pumps"]
    assert (empty.contacts, empty.orders_12m, empty.last_order_on) == (0, 0, None)
    march = {a.name: a for a in list_accounts(session, as_of=date(2024, 3, 10))}["Acme Pumps"]
    assert (march.contacts, march.open_tickets, march.team_size, march.orders_12m) == (2, 1, 3, 2)

    def names(**filters: Any) -> list[str]:
        return [a.name for a in list_accounts(session, **filters)]

    assert names() == ["Acme Pumps", "ACME Pumps", "Beta Works"]
    assert names(status="lost") == ["Beta Works"]
    assert names(segment="OEM", region="South") == ["ACME Pumps"]
    assert names(search="acme") == ["Acme Pumps", "ACME Pumps"]
    assert names(search="1002") == names(search="C-2") == ["Beta Works"]
    assert names(search="100%") == []
    assert names(limit=1, offset=1) == ["ACME Pumps"]
    assert count_accounts(session) == 3
    assert count_accounts(session, search="acme", region="North") == 1


def test_account_360_as_of_june(session: Session) -> None:
    view = account_360(session, ids(session)["C-1"], JUNE)
    header = view.account
    assert (header.name, header.segment, header.attributes) == (
        "Acme Pumps",
        "OEM",
        {"fleet_size": "12"},
    )
    assert [(x.source, x.external_id) for x in header.external_ids] == [
        ("crm", "C-1"),
        ("erp", "1001"),
    ]
    team = [(m.name, m.role, m.department, m.current) for m in view.team]
    assert team == [
        ("Anna Weber", "Account owner", "Sales", True),
        ("Bob Stone", "Service lead", "Service", True),
        ("Carl Berg", "Engineering lead", "Engineering", False),
        ("Dora Lenz", "Finance contact", "Finance", False),
    ]
    contacts = [(c.name, c.is_key, c.status, c.left_at) for c in view.contacts]
    assert contacts == [
        ("Jane Buyer", True, "active", None),
        ("Tom Tech", False, "left", date(2024, 4, 14)),
    ]
    quarters = [(q.quarter, q.orders, q.revenue) for q in view.orders.quarters]
    assert quarters[0] == ("2022-Q3", 0, 0.0)
    assert quarters[-5:] == [
        ("2023-Q2", 1, 1000.0),
        ("2023-Q3", 0, 0.0),
        ("2023-Q4", 0, 0.0),
        ("2024-Q1", 1, 2000.0),
        ("2024-Q2", 1, 500.0),
    ]
    last, previous = view.orders.last_12_months, view.orders.previous_12_months
    assert (last.start, last.end, last.orders, last.revenue) == (date(2023, 7, 1), JUNE, 2, 2500.0)
    assert (previous.start, previous.end, previous.orders) == (
        date(2022, 7, 1),
        date(2023, 6, 30),
        1,
    )
    assert (view.orders.revenue_change, view.orders.orders_change) == (1.5, 1.0)
    (ticket,) = view.open_tickets
    assert (ticket.external_id, ticket.severity, ticket.age_days) == ("T-2", "critical", 28)
    assert (ticket.asset_serial, ticket.assignee) == ("SN-100", "Bob Stone")
    surveys = [(s.kind, s.score, s.contact) for s in view.last_surveys]
    assert surveys == [("csat", 4.0, None), ("nps", 3.0, "Jane Buyer")]
    (asset,) = view.assets
    assert (asset.serial, asset.alarms_90d, asset.under_warranty) == ("SN-100", 1, True)
    assert (asset.warranty_end, asset.under_service_contract) == (date(2025, 12, 31), False)
    assert [(e.at.strftime("%Y-%m-%d %H:%M"), e.kind) for e in view.timeline] == ACME_EVENTS[:20]


def test_account_360_as_of_an_earlier_day(session: Session) -> None:
    view = account_360(session, ids(session)["C-1"], date(2024, 3, 10), timeline=3)
    assert [t.external_id for t in view.open_tickets] == ["T-1"]
    assert view.open_tickets[0].age_days == 5
    team = [(m.name, m.current) for m in view.team]
    assert team == [
        ("Anna Weber", True),
        ("Carl Berg", True),
        ("Bob Stone", True),
        ("Dora Lenz", False),
    ]
    assert [c.status for c in view.contacts] == ["active", "active"]
    assert [s.responded_at for s in view.last_surveys] == [datetime(2023, 10, 1, 12)]
    assert [e.kind for e in view.timeline] == [
        "ticket.opened",
        "order.delivered_late",
        "order.placed",
    ]
    assert view.assets[0].alarms_90d == 0
    with pytest.raises(LookupError, match="no account with id 999"):
        account_360(session, 999)


def test_statement_counts_do_not_grow_with_accounts(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    with statements(engine) as before:
        assert len(list_accounts(session)) == 3
    with statements(engine) as small_360:
        account_360(session, ids(session)["C-3"], JUNE)
    more = "\n".join(f"X-{n},Extra {n},,,active,2{n:03},{n}" for n in range(30))
    orders = "\n".join(f"XO-{n},X-{n},2024-05-0{n % 9 + 1},{n},EUR" for n in range(30))
    load(
        engine,
        tmp_path,
        {
            "accounts": (Mapping(source="crm"), ACCOUNTS.splitlines()[0] + "\n" + more),
            "orders": (
                Mapping(source="crm"),
                "external_id,account,ordered_at,amount,currency\n" + orders,
            ),
        },
    )
    with statements(engine) as after:
        assert len(list_accounts(session, as_of=JUNE)) == 33
    with statements(engine) as big_360:
        account_360(session, ids(session)["C-1"], JUNE)
    assert len(before) == len(after) == 1
    with statements(engine) as small_page:
        list_accounts(session, limit=2)
    with statements(engine) as big_page:
        list_accounts(session, limit=50, offset=1)
    assert len(small_page) == len(big_page) == 2, "the page's ids, then their counts"
    assert len(small_360) == len(big_360)
