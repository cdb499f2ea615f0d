"""Editing in the pages: the account form, contacts, a task's form, reassigning, notes."""

from __future__ import annotations

from collections.abc import Callable
from html import unescape

from sqlalchemy import Engine, select
from tests.web.conftest import Browser

from keepwell.db import session_scope
from keepwell.people.models import Employee
from keepwell.record.models import Contact, InteractionContact
from keepwell.tasks.models import Task

Browsers = Callable[[str], Browser]


def text(response: object) -> str:
    return unescape(response.text)  # type: ignore[attr-defined]


def employee_id(engine: Engine, external_id: str) -> int:
    with session_scope(engine) as s:
        found = s.scalar(select(Employee.id).where(Employee.external_id == external_id))
        assert found is not None
        return found


def test_the_account_form_saves_says_what_changed_and_the_audit_reads_it(
    browser: Browsers, record: dict[str, int]
) -> None:
    leader, member, auditor = browser("leader"), browser("member"), browser("admin")
    acme, beta = record["C-1"], record["C-2"]
    page = member.get(f"/accounts/{acme}")
    assert f'href="/accounts/{acme}/edit"' in page.text
    assert f'href="/accounts/{acme}/contacts"' in page.text
    form = text(leader.get(f"/accounts/{acme}/edit"))
    assert 'name="owner_id"' in form and 'name="contract_value"' in form
    assert "Went to a competitor" in form
    saved = leader.post(
        f"/accounts/{acme}/edit",
        {"segment": "Utility", "tier": "A", "status": "active", "contract_value": "250000.5"},
    )
    assert saved.status_code == 200
    assert "Saved: Segment OEM → Utility; Tier (empty) → A." in text(saved)
    refused = leader.post(f"/accounts/{acme}/edit", {"segment": "Utility", "status": "lost"})
    assert refused.status_code == 422 and "a lost account needs a reason" in text(refused)
    bad_day = leader.post(f"/accounts/{acme}/edit", {"status": "active", "renewal_date": "soon"})
    assert bad_day.status_code == 422 and "Renewal:" in text(bad_day)
    # a member edits their own account without the owner or the contract value
    mine = text(member.get(f"/accounts/{acme}/edit"))
    assert 'name="owner_id"' not in mine and 'name="contract_value"' not in mine
    kept = member.post(f"/accounts/{acme}/edit", {"segment": "Utility", "tier": "B"})
    assert "Saved: Tier A → B." in text(kept)
    assert member.get(f"/accounts/{beta}/edit").status_code == 403
    assert member.post(f"/accounts/{beta}/edit", {"tier": "B"}).status_code == 403
    assert browser("auditor").get(f"/accounts/{acme}/edit").status_code == 403
    assert leader.get("/accounts/9999/edit").status_code == 404
    log = text(auditor.get("/audit?action=account"))
    assert "Account changed" in log and "OEM → Utility" in log and "A → B" in log
    assert "{'old'" not in log and "'new'" not in log


def test_contacts_are_managed_on_their_own_page(
    browser: Browsers, record: dict[str, int], engine: Engine
) -> None:
    member = browser("member")
    acme = record["C-1"]
    page = text(member.get(f"/accounts/{acme}/contacts"))
    assert "Jane Buyer" in page and "Add a contact" in page
    added = member.post(f"/accounts/{acme}/contacts", {"name": "Olga Ops", "title": "Buyer"})
    assert added.status_code == 200 and "Olga Ops was added." in text(added)
    empty = member.post(f"/accounts/{acme}/contacts", {"name": " "})
    assert empty.status_code == 422 and "Name:" in text(empty)
    with session_scope(engine) as s:
        olga = s.scalar(select(Contact).where(Contact.name == "Olga Ops"))
        assert olga is not None
        olga_id = olga.id
    form = text(member.get(f"/accounts/{acme}/contacts?edit={olga_id}"))
    assert "Edit Olga Ops" in form
    edited = member.post(
        f"/accounts/{acme}/contacts/{olga_id}", {"name": "Olga Ops", "title": "Head of buying"}
    )
    assert "Olga Ops: Saved: Title Buyer → Head of buying." in text(edited)
    gone = member.post(f"/accounts/{acme}/contacts/{olga_id}/left")
    assert "Left the customer on (empty) →" in text(gone)
    with session_scope(engine) as s:
        olga = s.get(Contact, olga_id)
        assert olga is not None and olga.active is False and olga.left_at is not None
    assert member.post(f"/accounts/{record['C-2']}/contacts/{olga_id}/left").status_code == 404
    assert member.post(f"/accounts/{record['C-2']}/contacts", {"name": "X"}).status_code == 403


def test_a_task_is_edited_on_its_page_and_leaders_reassign_several(
    browser: Browsers, record: dict[str, int], engine: Engine
) -> None:
    leader, member = browser("leader"), browser("member")
    mia, sam = employee_id(engine, "E-1"), employee_id(engine, "E-3")
    with session_scope(engine) as s:
        tasks = [
            Task(title=f"Call {n}", account_id=record["C-1"], owner_id=mia, created_by="t")
            for n in ("one", "two", "three")
        ]
        s.add_all(tasks)
        s.flush()
        ids = [t.id for t in tasks]
    page = text(member.get(f"/tasks/{ids[0]}"))
    assert 'id="task-edit"' in page and "Could not" in page
    saved = member.post(
        f"/tasks/{ids[0]}/edit",
        {"owner_id": str(mia), "due_on": "2030-05-01", "priority": "high", "status": "open"},
    )
    assert saved.status_code == 200 and "Saved." in text(saved)
    missing_note = member.post(
        f"/tasks/{ids[0]}/edit",
        {"owner_id": str(mia), "priority": "high", "status": "open", "outcome": "could_not"},
    )
    assert missing_note.status_code == 422 and "could not be done" in text(missing_note)
    closed = member.post(
        f"/tasks/{ids[0]}/edit",
        {"owner_id": str(mia), "priority": "high", "outcome": "not_needed", "outcome_note": "x"},
    )
    assert "Not needed: x" in text(closed)
    assert member.get("/tasks/reassign").status_code == 403
    listing = text(leader.get(f"/tasks/reassign?owner_id={mia}"))
    assert "Call two" in listing and "Call three" in listing
    assert 'href="/tasks/reassign"' in leader.get("/tasks").text
    none = leader.post("/tasks/reassign", {"new_owner_id": str(sam)})
    assert none.status_code == 422 and "Choose at least one task." in text(none)
    moved = leader.client.post(
        "/tasks/reassign",
        data={"csrf_token": leader.csrf, "new_owner_id": str(sam), "task_ids": ids[1:]},
    )
    assert "2 tasks now belong to Sam Seller." in text(moved)
    with session_scope(engine) as s:
        owners = {s.get(Task, i).owner_id for i in ids[1:]}  # type: ignore[union-attr]
    assert owners == {sam}
    history = text(leader.get(f"/tasks/{ids[1]}"))
    assert "owner Mia Member → Sam Seller" in history


def test_the_note_form_names_the_contacts_met(
    browser: Browsers, record: dict[str, int], engine: Engine
) -> None:
    member = browser("member")
    acme = record["C-1"]
    page = member.get(f"/accounts/{acme}?tab=timeline").text
    assert 'name="contacts_met"' in page and "Contacts met" in page
    with session_scope(engine) as s:
        jane = s.scalar(select(Contact.id).where(Contact.name == "Jane Buyer"))
    note = {"kind": "visit", "text": "Walked the plant.", "contacts_met": str(jane)}
    assert member.post(f"/accounts/{acme}/notes", note).status_code == 303
    with session_scope(engine) as s:
        met = s.scalars(select(InteractionContact.contact_id)).all()
    assert met == [jane]


def test_a_note_that_records_a_warning_sign_is_marked_on_the_timeline(
    browser: Browsers, record: dict[str, int]
) -> None:
    member = browser("member")
    acme = record["C-1"]
    warned = {"kind": "call", "text": "Their buyer says a competitor quoted 12 % below us."}
    assert member.post(f"/accounts/{acme}/notes", warned).status_code == 303
    assert member.post(f"/accounts/{acme}/notes", {"text": "No complaints."}).status_code == 303
    page = member.get(f"/accounts/{acme}?tab=timeline&kinds=interaction").text
    assert page.count("Warning sign:") == 1
    assert "Warning sign: a competitor&#39;s offer" in page


def test_the_retention_page_counts_why_customers_left(
    browser: Browsers, record: dict[str, int]
) -> None:
    leader = browser("leader")
    leader.post(
        f"/accounts/{record['C-3']}/edit", {"status": "lost", "lost_reason_code": "delivery"}
    )
    page = text(leader.get("/retention"))
    assert "Why we lose customers" in page
    assert "Delivery and lead times" in page and "Not given" in page
