"""The churn definition: each rule on crafted histories, loading YAML, reading the record."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, insert

from keepwell.insight.churn import (
    AccountHistory,
    ChurnDefinition,
    ChurnEvent,
    churn_dates,
    churn_events,
    load_definition,
    load_histories,
    record_span,
)
from keepwell.record.models import Account, Asset, Order, Ticket

END = date(2024, 12, 31)
DEFINITION = ChurnDefinition()


def monthly(first: date, count: int, step: int = 30) -> tuple[date, ...]:
    return tuple(first + timedelta(days=step * k) for k in range(count))


def events(history: AccountHistory, definition: ChurnDefinition = DEFINITION) -> list[ChurnEvent]:
    return churn_events(definition, [history], END).get(history.account_id, [])


def with_rules(**rules: dict[str, object]) -> ChurnDefinition:
    return ChurnDefinition.model_validate({"rules": rules})


def test_account_lost_churns_on_its_end_date() -> None:
    lost = AccountHistory(1, status="lost", ended_on=date(2024, 3, 1))
    assert events(lost) == [ChurnEvent(1, date(2024, 3, 1), "account_lost")]
    assert events(AccountHistory(2, status="active", ended_on=date(2024, 3, 1))) == []
    assert events(lost, with_rules(account_lost={"enabled": False})) == []


def test_a_lost_account_without_end_date_has_an_undated_churn() -> None:
    assert events(AccountHistory(1, status="lost")) == [ChurnEvent(1, None, "account_lost")]


def test_an_end_date_after_the_data_end_is_not_a_churn_yet() -> None:
    assert events(AccountHistory(1, status="lost", ended_on=END + timedelta(days=5))) == []


def test_contract_ended_without_renewal() -> None:
    ended = AccountHistory(1, contract_end=date(2024, 6, 30))
    assert events(ended) == [ChurnEvent(1, date(2024, 6, 30), "contract_ended")]
    renewal_pending = AccountHistory(
        2, contract_end=date(2024, 6, 30), renewal_date=END + timedelta(1)
    )
    assert events(renewal_pending) == []
    within_grace = AccountHistory(3, contract_end=date(2024, 12, 15))
    assert events(within_grace) == []


def test_an_order_within_the_grace_keeps_the_contract_customer() -> None:
    stayed = AccountHistory(1, contract_end=date(2024, 6, 30), order_days=(date(2024, 7, 20),))
    assert events(stayed) == []
    came_back = AccountHistory(1, contract_end=date(2024, 6, 30), order_days=(date(2024, 9, 1),))
    assert events(came_back) == [
        ChurnEvent(1, date(2024, 6, 30), "contract_ended", returned_on=date(2024, 9, 1))
    ]


def test_service_lapsed_needs_every_service_contract_ended() -> None:
    definition = with_rules(service_lapsed={"enabled": True, "grace_days": 10})
    lapsed = AccountHistory(1, service_ends=(date(2024, 2, 1), date(2024, 5, 1)))
    assert events(lapsed, definition) == [ChurnEvent(1, date(2024, 5, 1), "service_lapsed")]
    running = AccountHistory(2, service_ends=(date(2024, 2, 1), date(2025, 5, 1)))
    assert events(running, definition) == []
    assert events(lapsed) == [], "off in the default definition"


def test_order_gap_uses_the_customers_own_rhythm() -> None:
    rule = DEFINITION.rules.order_gap
    monthly_buyer = monthly(date(2022, 1, 1), 12)
    assert DEFINITION.gap_threshold(monthly_buyer) == max(rule.min_days, 4.0 * 30)
    quarterly = monthly(date(2020, 1, 1), 8, step=90)
    assert DEFINITION.gap_threshold(quarterly) == 360
    assert DEFINITION.gap_threshold(monthly_buyer[:5]) is None, "too few orders for a rhythm"
    capped = monthly(date(2015, 1, 1), 8, step=200)
    assert DEFINITION.gap_threshold(capped) == rule.max_days


def test_order_gap_churns_when_the_threshold_passes_and_is_confirmed() -> None:
    days = monthly(date(2022, 1, 1), 12)
    last = days[-1]
    (event,) = events(AccountHistory(1, order_days=days))
    assert event == ChurnEvent(1, last + timedelta(days=180), "order_gap")
    recent = monthly(END - timedelta(days=12 * 30 + 200), 12)
    assert events(AccountHistory(2, order_days=recent)) == [], "not confirmed by the data yet"


def test_a_customer_that_orders_again_is_won_back_and_can_churn_again() -> None:
    first = monthly(date(2021, 1, 1), 8)
    second = monthly(first[-1] + timedelta(days=400), 8)
    found = events(AccountHistory(1, order_days=first + second))
    assert [e.day for e in found] == [first[-1] + timedelta(days=180), second[-1] + timedelta(180)]
    assert found[0].returned_on == second[0]
    assert found[1].returned_on is None
    assert churn_dates(DEFINITION, [AccountHistory(1, order_days=first + second)], END) == {
        1: found[1]
    }


def test_the_earliest_rule_wins_and_a_churn_inside_another_is_dropped() -> None:
    days = monthly(date(2022, 1, 1), 12)
    history = AccountHistory(
        1, status="lost", ended_on=days[-1] + timedelta(days=30), order_days=days
    )
    assert events(history) == [ChurnEvent(1, days[-1] + timedelta(days=30), "account_lost")]


def test_load_definition_default_company_file_and_explicit_path(tmp_path: Path) -> None:
    assert load_definition() == ChurnDefinition()
    assert load_definition(data_dir=tmp_path) == ChurnDefinition(), "no company file"
    (tmp_path / "churn.yaml").write_text(
        "horizon_days: 90\nrules:\n  order_gap:\n    multiplier: 2\n"
    )
    company = load_definition(data_dir=tmp_path)
    assert company.horizon_days == 90
    assert company.rules.order_gap.multiplier == 2
    assert company.rules.account_lost.enabled
    other = tmp_path / "other.yaml"
    other.write_text("lost_statuses: [lost, churned]\n")
    assert load_definition(other, tmp_path).lost_statuses == ("lost", "churned")


def test_load_definition_rejects_unknown_fields(tmp_path: Path) -> None:
    path = tmp_path / "churn.yaml"
    path.write_text("rules:\n  order_gap:\n    multipler: 2\n")
    with pytest.raises(ValidationError, match="multipler"):
        load_definition(path)
    path.write_text("- a list\n")
    with pytest.raises(ValueError, match="mapping"):
        load_definition(path)


def _row(number: int, **values: object) -> dict[str, object]:
    return {"source": "t", "external_id": f"X{number}", **values}


def test_histories_and_span_are_read_from_the_record(engine: Engine) -> None:
    accounts = [
        _row(1, id=1, name="A", status="active", ended_on=None,
             contract_end=date(2024, 6, 30), renewal_date=date(2024, 7, 1)),
        _row(2, id=2, name="B", status="lost", ended_on=date(2024, 2, 1),
             contract_end=None, renewal_date=None),
    ]  # fmt: skip
    orders = [
        _row(k, account_id=1, amount=1.0, ordered_at=day, status=status)
        for k, (day, status) in enumerate(
            [
                (date(2024, 1, 5), "paid"),
                (date(2024, 1, 5), "paid"),
                (date(2024, 3, 1), "cancelled"),
                (date(2024, 4, 2), "open"),
            ]
        )
    ]
    assets = [
        _row(1, account_id=1, serial="S1", service_contract_end=date(2024, 9, 30)),
        _row(2, account_id=1, serial="S2", service_contract_end=None),
    ]
    ticket = _row(1, account_id=2, subject="x", opened_at=datetime(2024, 5, 6, 23, 30))
    with engine.begin() as conn:
        for table, rows in ((Account, accounts), (Order, orders), (Asset, assets)):
            conn.execute(insert(table), rows)
        conn.execute(insert(Ticket), [ticket])
    histories = load_histories(engine)
    assert histories[1] == AccountHistory(
        1,
        status="active",
        contract_end=date(2024, 6, 30),
        renewal_date=date(2024, 7, 1),
        order_days=(date(2024, 1, 5), date(2024, 4, 2)),
        service_ends=(date(2024, 9, 30),),
    )
    assert histories[2] == AccountHistory(2, status="lost", ended_on=date(2024, 2, 1))
    assert record_span(engine) == (date(2024, 1, 5), date(2024, 5, 6))
