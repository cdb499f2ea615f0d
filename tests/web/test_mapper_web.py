"""The column mapper over HTTP: suggestions, corrections, dry run, saved mapping reused."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Engine, select
from tests.web.conftest import Browser

from keepwell.audit.models import AuditLog
from keepwell.db import session_scope
from keepwell.record.models import Account

GERMAN = (
    "Kundennummer,Firmenname,Land,Status,Kunde seit,Flottengröße\n"
    "K-1001,Delta Pumpen GmbH,DE,Aktiv,31.12.2019,4\n"
    "K-1002,Epsilon Werke AG,AT,Verloren,01.03.2020,2\n"
).encode()


def _upload(client: Browser, data: bytes, name: str = "crm.csv") -> str:
    response = client.client.post(
        "/imports/map",
        data={"kind": "accounts", "csrf_token": client.csrf},
        files={"file": (name, data, "text/csv")},
    )
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    assert re.fullmatch(r"/imports/[A-Za-z0-9_-]+/map", location)
    return location


def _selected(page: str, name: str) -> str:
    select_html = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select_html is not None, name
    chosen = re.search(r'<option value="([^"]*)" selected>', select_html.group(0))
    return chosen.group(1) if chosen else ""


def test_a_new_source_is_mapped_previewed_imported_and_remembered(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    admin = browser("admin")
    where = _upload(admin, GERMAN)
    page = admin.get(where).text
    assert "Using the saved mapping" not in page
    assert _selected(page, "field_0") == "external_id"
    assert _selected(page, "field_1") == "name"
    assert _selected(page, "field_3") == "status"
    assert _selected(page, "value_3_0") == "active" and _selected(page, "value_3_1") == "lost"
    assert "31.12.2026 (day.month.year)" in page
    assert page.count("suggested by the column's name") == 5
    assert "%d" not in re.sub(r"<[^>]+>", "", page)  # formats in words, codes only in values
    form = {
        "source": "crm",
        "field_0": "external_id",
        "field_1": "name",
        "field_2": "country",
        "field_3": "status",
        "value_3_0": "active",
        "value_3_1": "lost",
        "field_4": "started_on",
        "format_4": "%d.%m.%Y",
        "field_5": "@attribute",
    }
    twice = admin.post(where, {**form, "field_2": "name", "do": "preview"})
    assert twice.status_code == 422 and "both mapped to name" in twice.text
    wrong_format = admin.post(where, {**form, "format_4": "%m/%d/%Y", "do": "preview"})
    assert wrong_format.status_code == 422 and "Change the mapping" in wrong_format.text
    assert "Kunde seit" in wrong_format.text  # the column named in the problem list
    dry = admin.post(where, {**form, "do": "preview"})
    assert dry.status_code == 200 and "The file is valid" in dry.text
    upload_id = where.split("/")[2]
    assert admin.post(f"/imports/{upload_id}/confirm").status_code == 200
    with session_scope(engine) as session:
        delta = session.scalars(select(Account).where(Account.external_id == "K-1001")).one()
        assert (delta.status, str(delta.started_on)) == ("active", "2019-12-31")
        assert delta.attributes == {"Flottengröße": "4"}
        saved = session.scalars(select(AuditLog).where(AuditLog.action == "mapping.saved")).one()
        assert saved.changes == {"kind": "accounts", "source": "crm", "columns": 5}

    again = admin.get(_upload(admin, GERMAN.replace(b"Delta", b"Zeta"), "crm-2.csv")).text
    assert "Using the saved mapping for crm" in again
    assert _selected(again, "field_4") == "started_on"
    assert _selected(again, "format_4") == "%d.%m.%Y"
    assert _selected(again, "value_3_1") == "lost"


def test_the_mapper_is_for_importers_only(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    admin = browser("admin")
    where = _upload(admin, GERMAN)
    for role in ("leader", "member", "auditor"):
        other = browser(role)
        assert other.get(where).status_code == 403, role
        assert other.post(where, {"do": "save", "source": "x"}).status_code == 403, role
    assert (
        browser("leader")
        .client.post(
            "/imports/map",
            data={"kind": "accounts", "csrf_token": browser("leader").csrf},
            files={"file": ("a.csv", GERMAN, "text/csv")},
        )
        .status_code
        == 403
    )
    assert admin.get("/imports/not-an-upload-id/map").status_code == 404
    saved = admin.post(where, {"source": "crm", "field_0": "external_id", "do": "save"})
    assert saved.status_code == 200 and "Saved the mapping for crm" in saved.text
    bad_source = admin.post(where, {"source": "../x", "do": "save"})
    assert bad_source.status_code == 422 and "source name" in bad_source.text


def test_a_file_the_mapper_cannot_read_is_refused_clearly(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    admin = browser("admin")
    where = _upload(admin, b"\xff\xfe not text", "export.csv")
    refused = admin.get(where)
    assert refused.status_code == 422 and "not UTF-8 text" in refused.text
    assert admin.get(where).status_code == 404  # discarded: upload it again
    odd = admin.get(_upload(admin, b"a,b\n1,2\n", "export.txt"))
    assert odd.status_code == 422 and "unsupported file type" in odd.text
