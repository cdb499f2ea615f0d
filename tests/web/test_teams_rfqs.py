"""RFQ pages: the review gate enforced on the server, the SLA, promises, money hidden."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.web.conftest import Browser

from keepwell.db import session_scope
from keepwell.record.models import Quote


def test_the_quote_goes_out_only_after_the_reviews(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    with session_scope(engine) as session:
        rfq = Quote(
            account_id=record["C-3"],
            received_at=date.today() - timedelta(days=8),
            value=777_000.0,
            currency="EUR",
            source="crm",
            external_id="Q-9",
        )
        session.add(rfq)
        session.flush()
        quote_id = rfq.id
    member = browser("member")
    listed = member.get("/rfqs").text
    assert f'href="/rfqs/{quote_id}"' in listed and "overdue by 3 d" in listed
    assert "777,000" not in listed and "hidden" in listed
    assert "777,000.00" in browser("leader").get("/rfqs").text
    send = {"lead_time_days": "21", "specification": "Duplex impeller"}
    refused = member.post(f"/rfqs/{quote_id}/send", send)
    assert refused.status_code == 409
    assert "before these reviews approve it: Engineering feasibility" in refused.text
    # Reviews are the reviewing department's (or an admin's): Sales and Service are refused.
    engineering = {"kind": "engineering", "decision": "approved"}
    sales = browser("leader").post(f"/rfqs/{quote_id}/reviews", engineering)
    assert sales.status_code == 403
    assert "recorded by someone in Engineering (or an admin); you are in Sales" in sales.text
    assert member.post(f"/rfqs/{quote_id}/reviews", engineering).status_code == 403
    assert 'name="kind"' not in member.get(f"/rfqs/{quote_id}").text  # no form to refuse
    admin = browser("admin")
    for kind in ("engineering", "operations"):
        done = admin.post(f"/rfqs/{quote_id}/reviews", {"kind": kind, "decision": "approved"})
        assert done.status_code == 303
    blank = admin.post(f"/rfqs/{quote_id}/reviews", {"kind": "quality", "decision": "declined"})
    assert blank.status_code == 422 and "say what has to change" in blank.text
    assert member.post(f"/rfqs/{quote_id}/send", send).status_code == 409
    assert "disabled>Send the quote" in member.get(f"/rfqs/{quote_id}").text
    approve = {"kind": "quality", "decision": "approved"}
    assert admin.post(f"/rfqs/{quote_id}/reviews", approve).status_code == 303
    reviewed = member.get(f"/rfqs/{quote_id}").text
    assert reviewed.count("<td>Admin<br>") == 3  # who approved, and when, on each review
    assert member.post(f"/rfqs/{quote_id}/send", send).status_code == 303
    page = member.get(f"/rfqs/{quote_id}").text
    assert "answered late, 8 d" in page and "Duplex impeller" in page
    with Session(engine) as session:
        sent = session.get(Quote, quote_id)
        assert sent is not None
        assert (sent.responded_at, sent.promised_lead_time_days) == (date.today(), 21)
    assert member.get("/rfqs/999999").status_code == 404
    assert "No open RFQs." in member.get("/rfqs").text
    assert member.get("/rfqs?state=bogus").status_code == 400
