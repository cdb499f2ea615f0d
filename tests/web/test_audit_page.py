"""The audit log reads as sentences: actions in words, changes as "old → new"."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.web.conftest import Browser

from keepwell.audit.words import action_label, change_text


def test_actions_and_changes_in_words() -> None:
    assert action_label("rfq.review") == "RFQ reviewed"
    assert action_label("problem.merge") == "Problem: merge"  # not listed: still words
    assert change_text({"old": None, "new": "lost"}) == "(empty) → lost"
    assert change_text({"old": 1200.5, "new": 900.0}) == "1,200.5 → 900"
    assert change_text({"kind": "engineering", "decision": "approved"}) == (
        "Kind engineering; Decision approved"
    )
    assert change_text(["a", "b"]) == "a, b"


def test_the_audit_page_shows_no_codes_or_dicts(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    admin = browser("admin")
    changed = "external_id,name,segment,region,status\nC-2,Beta Works,Utility,West,lost\n"
    files = {
        "file": ("accounts.csv", changed.encode(), "text/csv"),
        "mapping": ("crm.yaml", b"source: crm\n", "application/yaml"),
    }
    dry_run = admin.client.post(
        "/imports", data={"kind": "accounts", "csrf_token": admin.csrf}, files=files
    )
    upload = re.search(r'action="/imports/([^/]+)/confirm"', dry_run.text)
    assert upload is not None
    assert admin.post(f"/imports/{upload.group(1)}/confirm").status_code == 200
    page = admin.get("/audit").text
    assert "<strong>Region</strong> South → West" in page
    assert "Record changed by an import" in page and "Signed in" in page
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)
    assert not [c for c in cells if "{'" in c or "import.update" in c or "auth.login" in c]
