"""Knowledge where it is needed: suggestions, the lesson-learned draft, the hand-over."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, select
from tests.knowledge.conftest import add_article
from tests.problems.crafted import add_problem

from keepwell.db import session_scope
from keepwell.knowledge.errors import KnowledgeError
from keepwell.knowledge.handover import handover_material
from keepwell.knowledge.lesson import draft_lesson_learned, lessons_to_write
from keepwell.knowledge.links import public_links
from keepwell.knowledge.models import Article
from keepwell.knowledge.render import render_markdown
from keepwell.knowledge.suggest import (
    account_know_how,
    key_terms,
    problem_know_how,
    related_articles,
    ticket_know_how,
)
from keepwell.people.models import Employee
from keepwell.record.models import Account, Asset, Ticket


def test_key_terms_skip_stop_words_numbers_and_repeats() -> None:
    assert key_terms(["The seal is leaking at 3 bar", "seal LEAKING again, pressure"]) == [
        "seal",
        "leaking",
        "bar",
        "pressure",
    ]
    assert key_terms("") == []


def test_related_articles_rank_more_shared_words_first(engine: Engine) -> None:
    both = add_article(engine, "Seal leaks on pumps", "Replace the seal when the pump leaks.")
    one = add_article(engine, "Pump curves", "Reading a pump curve.")
    add_article(engine, "Invoices", "Payment terms.")
    add_article(engine, "Seal draft", "Seal pump leaks", status="draft")
    with session_scope(engine) as session:
        hits = related_articles(session, "Customer reports the pump seal leaks", 5)
        assert [h.article_id for h in hits] == [both, one]
        assert related_articles(session, "the and of", 5) == []


def test_account_know_how_lists_linked_then_related(
    engine: Engine, customer_record: dict[str, int]
) -> None:
    acme = customer_record["C-1"]
    with session_scope(engine) as session:
        session.get_one(Account, acme).industry = "Wastewater"
        asset = Asset(source="t", external_id="A-1", account_id=acme, serial="SN-1", model="KP-40")
        session.add(asset)
        session.flush()
        asset_id = asset.id
    linked = add_article(engine, "Acme site rules", "Badge at gate 2.", links=[("account", acme)])
    on_asset = add_article(engine, "KP-40 quirks", "Runs hot.", links=[("asset", asset_id)])
    related = add_article(engine, "Leaking seals", "Seal leaking: check the shaft.")
    water = add_article(engine, "Wastewater plants", "Abrasive media wear impellers.")
    add_article(engine, "Unrelated", "Quarterly revenue.")
    with session_scope(engine) as session:
        know_how = account_know_how(session, acme)
        assert {a.id for a in know_how.linked} == {linked, on_asset}
        assert {h.article_id for h in know_how.related} == {related, water}
        assert account_know_how(session, customer_record["C-2"]).empty


def test_ticket_know_how_uses_the_ticket_text(
    engine: Engine, customer_record: dict[str, int]
) -> None:
    article = add_article(engine, "Seal replacement", "How to stop a seal leaking.")
    with session_scope(engine) as session:
        ticket = session.scalars(select(Ticket)).one()
        know_how = ticket_know_how(session, ticket.id)
        assert know_how is not None
        assert [h.article_id for h in know_how.related] == [article]
        assert ticket_know_how(session, 999_999) is None


def test_lesson_learned_draft_is_prefilled_linked_and_listed(
    engine: Engine, customer_record: dict[str, int]
) -> None:
    pid = add_problem(engine, "Seals fail", [])
    with session_scope(engine) as session:
        owner = session.scalars(select(Employee).where(Employee.external_id == "E-1")).one()
        article = draft_lesson_learned(
            session,
            pid,
            "Seals fail after 3 months",
            "Wrong elastomer for the cleaning agent.",
            "Switched to FKM seals; checklist updated.",
            owner,
            actor="maintainer",
        )
        again = draft_lesson_learned(session, pid, "Other", "x", "y", owner)
        assert again.id == article.id
        assert article.status == "draft" and article.tag_names == ["lesson-learned"]
        assert [(link.target_kind, link.target_id) for link in article.links] == [("problem", pid)]
        assert article.title == "Lesson learned: Seals fail after 3 months"
        assert "Wrong elastomer for the cleaning agent." in article.body
        assert "Switched to FKM seals" in article.body
        assert "<h2>Root cause</h2>" in render_markdown(article.body)
        assert [a.id for a in lessons_to_write(session, owner.id)] == [article.id]


def test_handover_lists_accounts_articles_and_notes(
    engine: Engine, customer_record: dict[str, int]
) -> None:
    acme, gamma = customer_record["C-1"], customer_record["C-3"]
    note = add_article(engine, "Acme contacts", "Jane decides.", links=[("account", acme)])
    with session_scope(engine) as session:
        mia = session.scalars(select(Employee).where(Employee.external_id == "E-1")).one()
        mia.left_at = date(2099, 1, 1)
        handover = handover_material(session, mia.id)
    assert handover.employee == "Mia Member" and handover.as_of == date(2099, 1, 1)
    by_name = {a.name: a for a in handover.accounts}
    assert set(by_name) == {"Acme Pumps", "Gamma Mills"}
    assert by_name["Acme Pumps"].roles == ["Service lead"]
    assert [a.id for a in by_name["Acme Pumps"].articles] == [note]
    (visit,) = by_name["Acme Pumps"].notes
    assert visit.subject == "Site visit" and visit.by_employee
    assert visit.excerpt == "Checked the pumps" and isinstance(visit.occurred_at, datetime)
    assert by_name["Gamma Mills"].account_id == gamma and by_name["Gamma Mills"].notes == []


def test_problem_know_how_lists_the_lesson_then_related(engine: Engine) -> None:
    pid = add_problem(engine, "Seal failures", [])
    lesson = add_article(engine, "Lesson: seals", "Use FKM.", links=[("problem", pid)])
    related = add_article(engine, "Elastomer guide", "Which elastomer for which seal.")
    with session_scope(engine) as session:
        found = problem_know_how(session, pid, ["Seal failures", "elastomer swelling"])
    assert [a.id for a in found.linked] == [lesson]
    assert [h.article_id for h in found.related] == [related]


def test_problem_links_must_name_a_problem(engine: Engine) -> None:
    with pytest.raises(KnowledgeError, match="there is no problem with id 424242"):
        add_article(engine, "Lesson", "x", links=[("problem", 424242)])
    pid = add_problem(engine, "Seal failures", [])
    article = add_article(engine, "Lesson", "x", links=[("problem", pid)])
    with session_scope(engine) as session:
        links = public_links(session, session.get_one(Article, article).links)
    assert [(link.kind, link.id, link.label) for link in links] == [
        ("problem", pid, "Seal failures")
    ]
