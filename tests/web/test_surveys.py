"""Surveys by e-mail: delivered to a real SMTP server, answered over HTTP without sign-in,
landing in voice and on the account; throttled, single-use, unsubscribable, bounces kept."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from tests.notify.test_delivery import free_port
from tests.web.conftest import CONTRACT_VALUE, ORDER_AMOUNT, make_settings
from typer.testing import CliRunner

from keepwell.audit.models import AuditLog
from keepwell.cli import app as cli
from keepwell.db import session_scope
from keepwell.pipeline import ask_surveys
from keepwell.record.models import Account, Contact, Order, SurveyResponse, Ticket
from keepwell.record.timeline import account_timeline
from keepwell.settings import get_settings
from keepwell.surveys.models import SurveyInvitation, SurveyOptOut
from keepwell.surveys.rules import BUILTIN, SurveyRuleError, load_survey_rules
from keepwell.surveys.service import SurveyError, Trigger, answer, send_survey
from keepwell.voice.service import voice_summary
from keepwell.web import create_app

LINK = re.compile(r"https?://[^/\s]+(/survey/[A-Za-z0-9_-]{43})(?=\s)")
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
BOUNCING = "gone@acme.test"


class Mailbox:
    """aiosmtpd handler: keeps every message; refuses ``BOUNCING`` with 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == BOUNCING:
            return "550 5.1.1 <gone@acme.test>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[str]:
        """The plain-text bodies sent to ``address``."""
        return [
            message_from_bytes(raw).get_payload(decode=True).decode()
            for rcpt, raw in self.messages
            if rcpt == [address]
        ]


@pytest.fixture
def mailbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    """A real SMTP server on a free port, and ``KEEPWELL_SMTP_*`` pointing at it."""
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("KEEPWELL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KEEPWELL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KEEPWELL_SMTP_PORT", str(port))
    monkeypatch.setenv("KEEPWELL_SMTP_FROM", "kw@maker.test")
    monkeypatch.setenv("KEEPWELL_PUBLIC_URL", "https://keepwell.maker.test")
    get_settings.cache_clear()
    yield box
    controller.stop()
    get_settings.cache_clear()


@pytest.fixture
def contacts(engine: Engine, record: dict[str, int]) -> dict[str, int]:
    """Acme's contacts: Jane (key), one who left, one whose address bounces."""
    with session_scope(engine) as session:
        jane = session.scalars(select(Contact).where(Contact.external_id == "K-1")).one()
        left = Contact(
            account_id=record["C-1"],
            name="Lou Left",
            email="lou@acme.test",
            left_at=date.today() - timedelta(days=10),
            source="crm",
            external_id="K-8",
        )
        gone = Contact(
            account_id=record["C-1"],
            name="Gil Gone",
            email=BOUNCING,
            source="crm",
            external_id="K-9",
        )
        session.add_all([left, gone])
        session.flush()
        return {"jane": jane.id, "left": left.id, "gone": gone.id}


def send_cli(database_url: str, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["--database-url", database_url, "survey", "send", "--json", *args]
    )
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def by_contact(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["contact"]: o for o in report["outcomes"]}


def link_in(body: str) -> str:
    found = LINK.search(body)
    assert found is not None, body
    return found.group(1)


def form_token(page: str) -> str:
    found = FORM_TOKEN.search(page)
    assert found is not None
    return found.group(1)


def test_a_survey_is_mailed_answered_once_and_lands_in_voice_and_on_the_account(
    engine: Engine,
    database_url: str,
    record: dict[str, int],
    contacts: dict[str, int],
    mailbox: Mailbox,
    anonymous: TestClient,
) -> None:
    dry = send_cli(database_url, "--account", "Acme Pumps", "--kind", "nps", "--dry-run")
    assert by_contact(dry)["Jane Buyer"]["status"] == "would send"
    assert mailbox.messages == []

    report = send_cli(database_url, "--account", "C-1", "--kind", "nps")
    outcomes = by_contact(report)
    assert outcomes["Jane Buyer"]["status"] == "sent"
    assert outcomes["Lou Left"] == {**outcomes["Lou Left"], "status": "skipped"}
    assert outcomes["Lou Left"]["reason"] == "the contact has left"
    assert outcomes["Gil Gone"]["status"] == "bounced"
    assert "550" in outcomes["Gil Gone"]["reason"]
    assert mailbox.to("lou@acme.test") == []
    [body] = mailbox.to("jane@acme.test")
    assert "Hello Jane Buyer" in body and "recommend us" in body and "/unsubscribe" in body
    path = link_in(body)

    page = anonymous.get(path)
    assert page.status_code == 200
    assert 'name="score"' in page.text and 'value="10"' in page.text and "<textarea" in page.text
    for internal in ("Acme", "Seal leaking", ORDER_AMOUNT, CONTRACT_VALUE, "risk", "/accounts/"):
        assert internal not in page.text, internal
    assert "no-store" in page.headers["cache-control"]
    done = anonymous.post(
        path,
        data={"form_token": form_token(page.text), "score": "3", "comment": "Deliveries late"},
    )
    assert done.status_code == 200 and "Thank you" in done.text

    # single use: the same link is refused afterwards, and a guessed one is unknown
    assert anonymous.get(path).status_code == 410
    again = anonymous.post(path, data={"form_token": form_token(page.text), "score": "10"})
    assert again.status_code == 410
    assert anonymous.get("/survey/" + "A" * 43).status_code == 404
    assert anonymous.get("/survey/short").status_code == 404

    with session_scope(engine) as session:
        [response] = session.scalars(select(SurveyResponse)).all()
        assert (response.kind, response.score, response.contact_id) == (
            "nps",
            3.0,
            contacts["jane"],
        )
        invitation = session.scalars(
            select(SurveyInvitation).where(SurveyInvitation.response_id == response.id)
        ).one()
        assert (invitation.trigger_kind, response.campaign) == ("manual", "e-mail survey")
        assert path.rsplit("/", 1)[1] not in invitation.token_hash
        voice = voice_summary(session, with_themes=False)
        assert sum(q["detractors"] for q in voice["nps_trend"]) == 1
        assert any(d["account_id"] == record["C-1"] for d in voice["detractors"]["items"])
        events = account_timeline(session, record["C-1"], kinds={"survey"})
        [event] = events
        assert (event.title, event.detail) == ("NPS 3/10 (e-mail survey)", "Deliveries late")
        bounce = session.scalars(select(SurveyOptOut)).one()
        assert (bounce.email, bounce.reason) == (BOUNCING, "bounced")
        actions = set(session.scalars(select(AuditLog.action)))
        assert {"survey.sent", "survey.bounced", "survey.answered"} <= actions

    # the throttle holds, and the bounced address is not asked again
    second = by_contact(send_cli(database_url, "--account", "C-1", "--kind", "csat"))
    assert second["Jane Buyer"]["status"] == "skipped"
    assert "no contact is asked more than once in 30 days" in second["Jane Buyer"]["reason"]
    assert second["Gil Gone"]["reason"].startswith("the address bounced")
    assert len(mailbox.messages) == 1


def test_unsubscribe_is_honoured(
    engine: Engine,
    record: dict[str, int],
    contacts: dict[str, int],
    mailbox: Mailbox,
    anonymous: TestClient,
) -> None:
    with session_scope(engine) as session:
        account = session.get(Account, record["C-1"])
        assert account is not None
        send_survey(session, get_settings(), account, "csat", contact_id=contacts["jane"])
    unsubscribe = link_in(mailbox.to("jane@acme.test")[0]) + "/unsubscribe"
    page = anonymous.get(unsubscribe)
    assert page.status_code == 200 and "jane@acme.test" in page.text
    forged = anonymous.post(unsubscribe, data={"form_token": "forged"})
    assert forged.status_code == 403
    done = anonymous.post(unsubscribe, data={"form_token": form_token(page.text)})
    assert done.status_code == 200 and "will not ask you" in done.text
    with session_scope(engine) as session:
        opted = session.scalars(select(SurveyOptOut)).one()
        assert (opted.email, opted.reason) == ("jane@acme.test", "unsubscribed")
        account = session.get(Account, record["C-1"])
        assert account is not None
        later = datetime.now() + timedelta(days=365)
        report = send_survey(session, get_settings(), account, "nps", now=later)
        jane = next(o for o in report.outcomes if o.contact_id == contacts["jane"])
        assert jane.status == "skipped" and jane.reason and jane.reason.startswith("unsubscribed")
    assert len(mailbox.to("jane@acme.test")) == 1


def test_the_answer_page_speaks_german(
    engine: Engine, record: dict[str, int], contacts: dict[str, int], mailbox: Mailbox,
    anonymous: TestClient,
) -> None:  # fmt: skip
    with session_scope(engine) as session:
        gamma = session.get(Account, record["C-3"])
        assert gamma is not None
        gamma.country = "DE"  # the record says the customer is German: so is the e-mail
        send_survey(session, get_settings(), gamma, "ces")
        acme = session.get(Account, record["C-1"])
        assert acme is not None
        send_survey(session, get_settings(), acme, "csat", contact_id=contacts["jane"])
    [german] = mailbox.to("gus@gamma.test")
    assert "Guten Tag Gus Gamma" in german and "keine Umfragen mehr" in german
    page = anonymous.get(link_in(german))
    assert page.status_code == 200 and 'lang="de"' in page.text
    assert "Antwort senden" in page.text and "sehr einfach" in page.text
    english = anonymous.get(link_in(german) + "?lang=en")
    assert "Send my answer" in english.text and 'lang="en"' in english.text

    jane = link_in(mailbox.to("jane@acme.test")[0])
    by_browser = anonymous.get(jane, headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert "Wie zufrieden sind Sie" in by_browser.text and "?lang=en" in by_browser.text
    bad = anonymous.post(
        jane, data={"form_token": form_token(by_browser.text), "score": "9", "lang": "de"}
    )
    assert bad.status_code == 422 and "1 to 5" in bad.text
    answered = anonymous.post(
        jane, data={"form_token": form_token(by_browser.text), "score": "5", "lang": "de"}
    )
    assert answered.status_code == 200 and "Vielen Dank" in answered.text
    assert "funktioniert nicht mehr" in anonymous.get(jane + "?lang=de").text


def test_keepwell_run_asks_about_closed_tickets_once(
    engine: Engine, record: dict[str, int], contacts: dict[str, int], mailbox: Mailbox
) -> None:
    with session_scope(engine) as session:
        ticket = Ticket(
            account_id=record["C-1"],
            contact_id=contacts["jane"],
            subject="Pump stops",
            status="closed",
            opened_at=datetime.now() - timedelta(days=5),
            closed_at=datetime.now() - timedelta(days=1),
            source="helpdesk",
            external_id="T-9",
        )
        delivered = Order(
            account_id=record["C-3"],
            ordered_at=date.today() - timedelta(days=30),
            amount=100.0,
            status="delivered",
            delivered_at=date.today() - timedelta(days=2),
            source="erp",
            external_id="O-9",
        )
        session.add_all([ticket, delivered])
        session.flush()
        ticket_id, order_id = ticket.id, delivered.id
    first = ask_surveys(engine)
    assert first["rules"]["after_ticket"]["sent"] == 1
    second = ask_surveys(engine)
    assert second["rules"]["after_ticket"] == {**second["rules"]["after_ticket"], "sent": 0}
    with session_scope(engine) as session:
        asked = session.scalars(
            select(SurveyInvitation).where(SurveyInvitation.trigger_kind == "ticket_closed")
        ).one()
        assert (asked.trigger_id, asked.kind, asked.contact_id) == (
            ticket_id,
            "ces",
            contacts["jane"],
        )
        # Gamma's contact was asked about the delivery; nobody was asked twice the same day
        asked_for = {
            (i.email, i.trigger_kind, i.trigger_id)
            for i in session.scalars(
                select(SurveyInvitation).where(SurveyInvitation.status == "sent")
            )
        }
        assert asked_for == {
            ("jane@acme.test", "ticket_closed", ticket_id),
            ("gus@gamma.test", "order_delivered", order_id),
        }
    assert first["rules"]["relationship_nps"]["skipped"] >= 2  # throttled: asked today
    [body] = mailbox.to("jane@acme.test")
    assert "recent request" in body
    [delivery] = mailbox.to("gus@gamma.test")
    assert "recent delivery" in delivery


def test_links_are_rate_limited(
    engine: Engine, record: dict[str, int], contacts: dict[str, int], mailbox: Mailbox,
    tmp_path: Path,
) -> None:  # fmt: skip
    app: FastAPI = create_app(make_settings(tmp_path, plan_link_max_requests=3), engine)
    with session_scope(engine) as session:
        acme = session.get(Account, record["C-1"])
        assert acme is not None
        send_survey(session, get_settings(), acme, "nps", contact_id=contacts["jane"])
    path = link_in(mailbox.to("jane@acme.test")[0])
    with TestClient(app, base_url="https://testserver") as client:
        statuses = [client.get(path).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_survey_rules_are_checked(tmp_path: Path) -> None:
    assert {r.trigger for r in load_survey_rules(BUILTIN)} == {
        "order_delivered",
        "ticket_closed",
        "relationship",
    }
    bad = tmp_path / "surveys.yaml"
    bad.write_text("surveys:\n  - name: x\n    trigger: commissioning_done\n    kind: nps\n")
    with pytest.raises(SurveyRuleError, match="'trigger' must be one of"):
        load_survey_rules(bad)
    bad.write_text("surveys:\n  - name: x\n    trigger: relationship\n    kind: stars\n")
    with pytest.raises(SurveyRuleError, match="'kind' must be one of"):
        load_survey_rules(bad)


def test_trigger_is_kept_on_the_response(
    engine: Engine, record: dict[str, int], contacts: dict[str, int], mailbox: Mailbox,
    anonymous: TestClient,
) -> None:  # fmt: skip
    with session_scope(engine) as session:
        acme = session.get(Account, record["C-1"])
        assert acme is not None
        trigger = Trigger("order_delivered", 42, "after_delivery")
        send_survey(
            session, get_settings(), acme, "csat", contact_id=contacts["jane"], trigger=trigger
        )
    path = link_in(mailbox.to("jane@acme.test")[0])
    token = form_token(anonymous.get(path).text)
    forged = anonymous.post(path, data={"form_token": "x" * 43, "score": "1"})
    assert forged.status_code == 403 and "out of date" in forged.text
    assert anonymous.post(path, data={"form_token": token, "score": "4"}).status_code == 200
    with session_scope(engine) as session:
        response = session.scalars(select(SurveyResponse)).one()
        assert response.campaign == "after delivery of order 42"


def test_the_command_refuses_clearly(
    database_url: str,
    record: dict[str, int],
    contacts: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("KEEPWELL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KEEPWELL_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    base = ["--database-url", database_url, "survey", "send"]
    unsent = runner.invoke(cli, [*base, "--account", "C-1", "--kind", "nps"])
    assert unsent.exit_code == 1 and "no SMTP server configured" in unsent.output
    dry = runner.invoke(cli, [*base, "--account", "C-1", "--kind", "nps", "--dry-run"])
    assert dry.exit_code == 0 and "would send" in dry.output and "has left" in dry.output
    nobody = runner.invoke(cli, [*base, "--account", "Nowhere Ltd", "--kind", "nps"])
    assert nobody.exit_code == 1 and "Nowhere" in nobody.output
    gus = runner.invoke(
        cli,
        [*base, "--account", "C-1", "--kind", "ces", "--contact", "999999", "--dry-run"],
    )
    assert gus.exit_code == 1 and "not a contact of Acme Pumps" in gus.output
    stars = runner.invoke(cli, [*base, "--account", "C-1", "--kind", "stars"])
    assert stars.exit_code == 2
    get_settings.cache_clear()


def test_a_link_is_answered_only_once_even_when_two_answers_race(
    engine: Engine, record: dict[str, int], contacts: dict[str, int], mailbox: Mailbox
) -> None:
    with session_scope(engine) as session:
        acme = session.get(Account, record["C-1"])
        assert acme is not None
        send_survey(session, get_settings(), acme, "nps", contact_id=contacts["jane"])
    with session_scope(engine) as first, session_scope(engine) as second:
        mine = first.scalars(select(SurveyInvitation)).one()
        theirs = second.scalars(select(SurveyInvitation)).one()
        answer(first, mine, 9, "", "127.0.0.1")
        first.commit()
        with pytest.raises(SurveyError, match="answered already"):
            answer(second, theirs, 2, "", "127.0.0.1")
        second.rollback()
    with session_scope(engine) as session:
        assert [r.score for r in session.scalars(select(SurveyResponse))] == [9.0]
