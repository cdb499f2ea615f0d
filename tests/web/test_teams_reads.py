"""The owner's read on the account page and the disagreement list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.teams.scores import score
from tests.web.conftest import Browser

from keepwell.teams.models import HumanRead


def test_the_owner_records_a_read_and_the_disagreement_is_listed(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    acme, gamma = record["C-1"], record["C-3"]
    score(engine, {acme: ("healthy", 0.03), gamma: ("watch", 0.2)}, date.today())
    leader = browser("leader")
    page = leader.get(f"/accounts/{acme}").text
    assert "Your read as the account owner" in page and "not recorded yet" in page
    form = {"read": "at_risk", "reason": "Their new plant manager wants a second source."}
    assert leader.post(f"/accounts/{acme}/reads", form).status_code == 303
    page = leader.get(f"/accounts/{acme}").text
    assert "The owner and the model disagree" in page and "second source" in page
    member = browser("member")
    assert "Your read as the account owner" not in member.get(f"/accounts/{acme}").text
    assert member.post(f"/accounts/{acme}/reads", form).status_code == 403
    assert leader.post(f"/accounts/{gamma}/reads", form).status_code == 403
    bad = leader.post(f"/accounts/{acme}/reads", {**form, "read": "great"})
    assert bad.status_code == 422 and "healthy, watch, at_risk" in bad.text
    listed = member.get("/reads").text
    assert "Acme Pumps" in listed and "second source" in listed and "more worried" in listed
    with Session(engine) as session:
        reads = session.scalars(select(HumanRead)).all()
    assert [(r.read, r.model_read, r.model_probability) for r in reads] == [
        ("at_risk", "healthy", 0.03)
    ]
