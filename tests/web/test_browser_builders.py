"""The builders in a real Chromium: a new source imported through the column mapper (its
saved mapping reused on the next file), and a playbook rule built, dry-run and saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine, select
from tests.web.test_browser import Journey, chromium, site  # noqa: F401 (fixtures)

from keepwell.db import session_scope
from keepwell.record.models import Account

pytestmark = [pytest.mark.browser]

GERMAN = (
    "Kundennummer,Firmenname,Land,Status,Kunde seit,Flottengröße\n"
    "K-2001,Delta Pumpen GmbH,DE,Aktiv,31.12.2019,4\n"
    "K-2002,Epsilon Werke AG,AT,Verloren,01.03.2020,2\n"
).encode()


class Builders(Journey):
    """The steps of the builder journeys."""

    def settled(self) -> None:
        """Wait until htmx has swapped and settled the last update."""
        busy = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
        expect(self.page.locator(busy)).to_have_count(0)

    def upload_to_mapper(self, name: str, data: bytes) -> None:
        self.page.goto(f"{self.base}/imports")
        self.page.select_option("#kind", "accounts")
        self.page.set_input_files("#file", {"name": name, "mimeType": "text/csv", "buffer": data})
        self.page.get_by_role("button", name="Upload and map the columns").click()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text("Map the columns")
        self.page.wait_for_load_state("load")  # htmx has set up the page

    def map_a_new_source(self) -> None:
        self.upload_to_mapper("crm-export.csv", GERMAN)
        expect(self.page.locator("#field-0")).to_have_value("external_id")
        expect(self.page.locator("#field-1")).to_have_value("name")
        expect(self.page.locator("#field-3")).to_have_value("status")
        expect(self.page.locator("#value-3-0")).to_have_value("active")
        expect(self.page.locator("#value-3-1")).to_have_value("lost")
        expect(self.page.locator("#format-4")).to_contain_text("31.12.2026 (day.month.year)")
        self.page.fill("#source", "crm")
        self.page.select_option("#field-2", "status")  # a wrong choice shows status values
        expect(self.page.locator("#value-2-0")).to_be_attached()
        self.settled()
        self.page.select_option("#field-2", "country")
        expect(self.page.locator("#value-2-0")).not_to_be_attached()
        self.settled()
        expect(self.page.locator("#source")).to_have_value("crm")
        self.page.select_option("#field-5", "@attribute")
        self.shot("mapper")
        self.page.get_by_role("button", name="Preview the dry run").click()
        expect(self.page.get_by_role("status")).to_contain_text("The file is valid")
        self.shot("mapper-dry-run")
        self.page.get_by_role("button", name="Confirm the import").click()
        expect(self.page.get_by_role("status")).to_contain_text("The mapping for crm is saved")
        self.shot("mapper-imported")

    def reuse_the_saved_mapping(self) -> None:
        self.upload_to_mapper("crm-export-2.csv", GERMAN.replace(b"Delta", b"Zeta"))
        expect(self.page.get_by_role("status")).to_contain_text("Using the saved mapping for crm")
        expect(self.page.locator("#source")).to_have_value("crm")
        expect(self.page.locator("#field-5")).to_have_value("@attribute")
        expect(self.page.locator("#format-4")).to_have_value("%d.%m.%Y")
        self.shot("mapper-saved")
        self.page.get_by_role("button", name="Preview the dry run").click()
        expect(self.page.get_by_role("status")).to_contain_text("The file is valid")
        self.page.get_by_role("button", name="Confirm the import").click()
        expect(self.page.get_by_role("status")).to_contain_text("Imported as batch")

    def build_a_rule(self) -> None:
        self.page.goto(f"{self.base}/playbooks")
        self.page.get_by_role("link", name="New playbook", exact=True).click()
        expect(self.page.get_by_role("heading", name="New playbook", level=1)).to_be_visible()
        self.page.wait_for_load_state("load")  # htmx has set up the page
        self.page.fill("#title", "Thin accounts")
        self.page.select_option("#signal", label="The relationship hangs on one person")
        expect(self.page.locator("#param-include_uncovered")).to_be_visible()  # htmx refresh
        self.settled()
        self.page.fill("#param-min_orders_365d", "1")
        self.page.select_option("#param-include_uncovered", "true")
        self.page.select_option("#cond-0-field", label="Account: tier")
        self.page.select_option("#cond-0-op", label="is not")
        self.page.fill("#cond-0-value", "Z")
        self.page.fill("#action-0-title", "Widen {account}")
        self.page.fill("#cooldown", "30")
        self.shot("rule-form")
        self.page.get_by_role("button", name="Dry run").click()
        expect(self.page.locator("#dry-run-summary")).to_contain_text("would fire on 2 accounts")
        expect(self.page.locator("#dry-run")).to_contain_text("Acme Pumps")
        self.shot("rule-dry-run")
        self.page.get_by_role("button", name="Save", exact=True).click()
        expect(self.page.get_by_role("status")).to_contain_text("Saved the playbook")
        expect(self.page.get_by_role("link", name="Thin accounts")).to_be_visible()
        self.shot("rule-saved")
        self.page.goto(f"{self.base}/playbooks/thin_accounts/build")
        expect(self.page.locator("#cond-0-value")).to_have_value("Z")
        expect(self.page.locator("#action-0-title")).to_have_value("Widen {account}")


def test_a_new_source_is_imported_through_the_column_mapper(
    chromium: Browser,  # noqa: F811
    site: str,  # noqa: F811
    engine: Engine,
    request: pytest.FixtureRequest,
) -> None:
    """A German-headed CSV is mapped, imported and remembered; the next file of the same
    source opens with its saved mapping."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    journey = Builders(context.new_page(), site, request.node.originalname)
    journey.sign_in("admin")
    journey.map_a_new_source()
    journey.reuse_the_saved_mapping()
    context.close()
    with session_scope(engine) as session:
        query = select(Account.name, Account.status, Account.attributes).where(
            Account.external_id.in_(("K-2001", "K-2002"))
        )
        found = {name: (status, attributes) for name, status, attributes in session.execute(query)}
    assert found == {
        "Zeta Pumpen GmbH": ("active", {"Flottengröße": "4"}),  # the second file's name
        "Epsilon Werke AG": ("lost", {"Flottengröße": "2"}),
    }


def test_a_rule_is_built_and_dry_run_in_the_form(
    chromium: Browser,  # noqa: F811
    site: str,  # noqa: F811
    request: pytest.FixtureRequest,
) -> None:
    """A leader builds a rule, sees its dry run, saves it and finds it in the list."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    journey = Builders(context.new_page(), site, request.node.originalname)
    journey.sign_in("leader")
    journey.build_a_rule()
    context.close()
