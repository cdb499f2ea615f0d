"""The customer timeline: all sources merged newest first, filtered, in constant queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file
from keepwell.record.models import Account, TelemetryEvent, Ticket
from keepwell.record.timeline import account_timeline, recent_events

FILES: dict[str, tuple[Mapping, str]] = {
    "accounts": (
        Mapping(source="crm", external_ids={"erp": "erp_id"}),
        """external_id,name,status,erp_id
C-1,Acme Pumps,active,1001
C-2,Beta Works,lost,1002""",
    ),
    "employees": (
        Mapping(source="crm"),
        """external_id,name,department,active,left_at
E-1,Anna Weber,Sales,true,
E-2,Bob Stone,Service,true,
E-3,Carl Berg,Engineering,false,2024-05-31
E-4,Dora Lenz,Finance,false,""",
    ),
    "teams": (
        Mapping(source="crm"),
        """account,employee,role,until
C-1,E-1,account_owner,
C-1,E-2,service_lead,
C-1,E-3,technical_lead,
C-1,E-4,finance_contact,
C-2,E-1,account_owner,2024-03-01""",
    ),
    "contacts": (
        Mapping(source="crm"),
        """external_id,account,name,title,is_key,active,left_at
K-1,C-1,Jane Buyer,Purchasing,true,true,
K-2,C-1,Tom Tech,Maintenance,false,false,2024-04-14
K-3,C-2,Olga Ops,Operations,true,true,""",
    ),
    "assets": (
        Mapping(source="crm"),
        """external_id,account,serial,model,warranty_end
A-1,C-1,SN-100,P-200,2025-12-31""",
    ),
    "orders": (
        Mapping(source="erp"),
        """external_id,account,ordered_at,amount,currency,status,promised_at,delivered_at,due_at,paid_at
O-1,1001,2023-05-10,1000,EUR,paid,,,,
O-2,1001,2024-02-01,2000,EUR,paid,2024-02-20,2024-03-01,2024-03-31,2024-04-15
O-3,1001,2024-06-01,500,EUR,paid,2024-06-15,2024-06-10,2024-07-10,2024-06-20
O-4,1001,2024-06-05,9999,EUR,cancelled,,,,
O-5,1002,2023-01-15,700,EUR,paid,,,,""",
    ),
    "quotes": (
        Mapping(source="crm"),
        """external_id,account,received_at,responded_at,decided_at,value,currency,outcome,owner
Q-1,C-1,2024-01-10,2024-01-15,2024-01-25,2000,EUR,won,E-1""",
    ),
    "tickets": (
        Mapping(source="helpdesk", references={"contact": "crm", "assignee": "crm"}),
        """external_id,account,kind,severity,status,subject,text,opened_at,closed_at,asset,contact,assignee
T-1,C-1,complaint,high,closed,Leak,Seal failed,2024-03-05T09:00,2024-03-20T10:00,SN-100,K-1,E-2
T-2,C-1,support,critical,open,Pump stopped,,2024-06-02T08:00:00,,SN-100,K-1,E-2""",
    ),
    "surveys": (
        Mapping(source="crm"),
        """external_id,account,kind,score,responded_at,comment,contact
S-1,C-1,nps,3,2024-04-01T12:00:00,Late again,K-1
S-2,C-1,nps,8,2023-10-01T12:00:00,,K-1
S-3,C-1,csat,4,2024-05-01T12:00:00,,""",
    ),
    "interactions": (
        Mapping(source="crm"),
        """external_id,account,occurred_at,kind,direction,subject,text,employee,contact
I-1,C-1,2024-06-03T10:00:00,call,outbound,Escalation,Apologised,E-1,K-1""",
    ),
    "telemetry": (
        Mapping(source="iot"),
        """asset,ts,metric,value,alarm_code,severity
SN-100,2024-06-04T00:00:00,temperature,80,,
SN-100,2024-06-04T01:00:00,,,E42,high""",
    ),
}

ACME_EVENTS = [
    ("2024-06-20 00:00", "invoice.paid"),
    ("2024-06-10 00:00", "order.delivered"),
    ("2024-06-05 00:00", "order.placed"),
    ("2024-06-04 01:00", "telemetry.alarm"),
    ("2024-06-03 10:00", "interaction.call"),
    ("2024-06-02 08:00", "ticket.opened"),
    ("2024-06-01 00:00", "order.placed"),
    ("2024-05-31 00:00", "team.left"),
    ("2024-05-01 12:00", "survey.response"),
    ("2024-04-15 00:00", "invoice.paid_late"),
    ("2024-04-14 00:00", "contact.left"),
    ("2024-04-01 12:00", "survey.response"),
    ("2024-03-20 10:00", "ticket.closed"),
    ("2024-03-05 09:00", "ticket.opened"),
    ("2024-03-01 00:00", "order.delivered_late"),
    ("2024-02-01 00:00", "order.placed"),
    ("2024-01-25 00:00", "quote.won"),
    ("2024-01-15 00:00", "quote.responded"),
    ("2024-01-10 00:00", "quote.received"),
    ("2023-10-01 12:00", "survey.response"),
    ("2023-05-10 00:00", "order.placed"),
]


def load(engine: Engine, tmp_path: Path, files: dict[str, tuple[Mapping, str]]) -> None:
    """Import each CSV text as its kind, in order."""
    for kind, (mapping, text) in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text + "\n", encoding="utf-8")
        result = import_file(engine, kind, path, mapping)
        assert result.ok, result.errors


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements sent to ``engine`` inside the block."""
    seen: list[str] = []

    def collect(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", collect)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", collect)


@pytest.fixture
def acme(engine: Engine, tmp_path: Path) -> Iterator[tuple[Session, int]]:
    """A session on the loaded record and Acme's account id."""
    load(engine, tmp_path, FILES)
    with Session(engine) as session:
        yield session, session.scalars(select(Account.id).where(Account.name == "Acme Pumps")).one()


def shape(events: list[Any]) -> list[tuple[str, str]]:
    return [(e.at.strftime("%Y-%m-%d %H:%M"), e.kind) for e in events]


def test_merges_every_source_newest_first(acme: tuple[Session, int]) -> None:
    session, account_id = acme
    assert shape(account_timeline(session, account_id)) == ACME_EVENTS
    beta = session.scalars(select(Account.id).where(Account.name == "Beta Works")).one()
    assert shape(account_timeline(session, beta)) == [
        ("2024-03-01 00:00", "team.left"),
        ("2023-01-15 00:00", "order.placed"),
    ]


def test_events_carry_names_provenance_and_only_alarms(acme: tuple[Session, int]) -> None:
    session, account_id = acme
    events = {(e.kind, e.external_id): e for e in account_timeline(session, account_id)}
    closed = events[("ticket.closed", "T-1")]
    ticket_id = session.scalars(select(Ticket.id).where(Ticket.external_id == "T-1")).one()
    assert (closed.record, closed.record_id, closed.source) == ("ticket", ticket_id, "helpdesk")
    assert closed.title == "Complaint T-1 closed after 15 days: Leak"
    assert (closed.severity, closed.contact, closed.employee) == ("high", "Jane Buyer", "Bob Stone")
    assert closed.detail == "asset SN-100, Seal failed"
    call = events[("interaction.call", "I-1")]
    assert call.title == "Call (outbound) by Anna Weber with Jane Buyer: Escalation"
    assert (call.employee, call.contact, call.detail) == ("Anna Weber", "Jane Buyer", "Apologised")
    assert call.warning == "complaints", "an escalation is a warning sign the team wrote down"
    assert all(e.warning is None for e in events.values() if e.record != "interaction")
    survey = events[("survey.response", "S-1")]
    assert (survey.title, survey.detail, survey.contact) == ("NPS 3/10", "Late again", "Jane Buyer")
    assert events[("order.delivered_late", "O-2")].title == "Order O-2 delivered 10 days late"
    assert events[("invoice.paid_late", "O-2")].title == "Invoice of order O-2 paid 15 days late"
    assert events[("order.delivered", "O-3")].title == "Order O-3 delivered on time"
    cancelled = events[("order.placed", "O-4")]
    assert cancelled.title == "Order O-4 placed (cancelled)"
    assert (cancelled.amount, cancelled.currency) == (9999.0, "EUR")
    assert events[("quote.won", "Q-1")].employee == "Anna Weber"
    assert events[("contact.left", "K-2")].title == "Contact Tom Tech left"
    assert events[("team.left", "C-1|E-3|technical_lead")].title == (
        "Carl Berg (Engineering lead) left the company"
    )
    assert len(session.scalars(select(TelemetryEvent)).all()) == 2  # a reading and an alarm
    (alarm,) = account_timeline(session, account_id, kinds={"telemetry"})
    assert (alarm.title, alarm.severity, alarm.source) == (
        "Alarm E42 on SN-100 (P-200)",
        "high",
        "iot",
    )
    assert (alarm.record, alarm.external_id) == ("telemetry", None)


def test_filters_by_kind_window_and_limit(acme: tuple[Session, int]) -> None:
    session, account_id = acme
    tickets = account_timeline(session, account_id, kinds={"ticket"})
    assert [e.kind for e in tickets] == ["ticket.opened", "ticket.closed", "ticket.opened"]
    mixed = account_timeline(
        session, account_id, kinds={"order.delivered_late", "interaction.call"}
    )
    assert [e.kind for e in mixed] == ["interaction.call", "order.delivered_late"]
    assert account_timeline(session, account_id, kinds={"interaction.visit"}) == []
    with pytest.raises(ValueError, match="unknown timeline kind tickets"):
        account_timeline(session, account_id, kinds={"tickets"})
    window = account_timeline(
        session, account_id, since=datetime(2024, 3, 1), until=datetime(2024, 3, 20, 10)
    )
    assert shape(window) == [("2024-03-05 09:00", "ticket.opened"), ACME_EVENTS[14]]
    later = account_timeline(session, account_id, since=datetime(2024, 3, 1, 0, 1))
    assert shape(later) == ACME_EVENTS[:14]
    assert shape(account_timeline(session, account_id, limit=3)) == ACME_EVENTS[:3]
    newest_orders = account_timeline(session, account_id, kinds={"order"}, limit=2)
    assert shape(newest_orders) == ACME_EVENTS[1:3]
    assert account_timeline(session, account_id, limit=0) == []


def test_statement_count_does_not_grow_with_events(
    engine: Engine, acme: tuple[Session, int]
) -> None:
    session, account_id = acme
    beta = session.scalars(select(Account.id).where(Account.name == "Beta Works")).one()
    with statements(engine) as few:
        account_timeline(session, beta)
    with statements(engine) as many:
        assert len(account_timeline(session, account_id)) == len(ACME_EVENTS)
    assert len(few) == len(many) == 8
    with statements(engine) as some:
        account_timeline(session, account_id, kinds={"ticket", "survey"})
    assert len(some) == 2


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_recent_events_of_several_accounts_match_each_timeline(
    engine: Engine, acme: tuple[Session, int], limit: int
) -> None:
    """One statement per source for all accounts, and each account's events exactly as its
    own timeline gives them (newest first, ``since`` inclusive, at most ``limit``)."""
    session, _ = acme
    accounts = list(session.scalars(select(Account.id).order_by(Account.id)))
    assert len(accounts) > 1
    for since in (datetime(2000, 1, 1), *(e.at for e in account_timeline(session, accounts[0]))):
        with statements(engine) as seen:
            found = recent_events(session, [*accounts, accounts[0]], since=since, limit=limit)
        assert len(seen) == 8
        assert list(found) == accounts
        for account in accounts:
            expected = account_timeline(session, account, since=since, limit=limit)
            assert found[account] == expected
    assert any(found.values()), "the record has events to compare"
