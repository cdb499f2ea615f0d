"""Column mapper suggestions: fields by name (English, German, synonyms) and by values,
date formats in words, value translations, and saved mappings found again."""

from __future__ import annotations

from pathlib import Path

import pytest

from keepwell.intake.errors import MappingError
from keepwell.intake.fields import kind_spec
from keepwell.intake.mapper import (
    ATTRIBUTE,
    Choice,
    build_mapping,
    choices_from_mapping,
    read_columns,
    suggested_choices,
)
from keepwell.intake.mapping import load_mapping
from keepwell.intake.saved import match_saved, save_mapping
from keepwell.intake.suggest import (
    date_formats,
    looks_like,
    name_matches,
    normalise,
    suggest_fields,
    suggest_translation,
)

GERMAN_ACCOUNTS = (
    "Kundennummer,Firmenname,Branche,Land,Status,Kunde seit,Vertragswert,Flottengröße\n"
    "K-1001,Acme Pumpen GmbH,Pumpen,DE,Aktiv,31.12.2019,12500.00,4\n"
    "K-1002,Beta Werke AG,Metall,AT,Verloren,01.03.2020,8000.00,2\n"
    "K-1003,Gamma Mühlen KG,Mühlen,CH,Aktiv,15.07.2021,,7\n"
)


def test_names_are_normalised_across_case_umlauts_and_camel_case() -> None:
    assert normalise("Flottengröße") == "flottengroesse"
    assert normalise("  E-Mail ") == "e mail"
    assert normalise("customerId") == "customer id"


def test_german_and_english_names_match_fields() -> None:
    accounts, orders = kind_spec("accounts"), kind_spec("orders")
    assert name_matches("Kundennummer", accounts) == ["external_id"]
    assert name_matches("Firmenname", accounts) == ["name"]
    assert name_matches("Kunde seit", accounts) == ["started_on"]
    assert name_matches("Renewal Date", accounts) == ["renewal_date"]
    assert name_matches("Fleet size", accounts) == []
    # in an orders file the customer's number is the account, not the order's own id
    assert name_matches("Kundennummer", orders)[0] == "account"
    assert name_matches("Bestellnummer", orders) == ["external_id"]
    assert name_matches("Betrag", orders) == ["amount"]


def test_values_say_what_a_column_holds() -> None:
    assert looks_like(["31.12.2026", "01.02.2025"]) == "date"
    assert looks_like(["mia@acme.test", "leo@beta.test"]) == "email"
    assert looks_like(["K-1001", "K-1002"]) == "id"
    assert looks_like(["12.500,50", "99,90 €"]) == "money"
    assert looks_like(["Pumps", "Mills"]) is None
    assert looks_like(["", None]) is None


def test_unnamed_columns_are_matched_by_their_values_each_field_once() -> None:
    contacts = kind_spec("contacts")
    suggestions = suggest_fields(
        contacts,
        {
            "Nr": ["P-1", "P-2"],
            "Firma Ref": ["K-1", "K-1"],
            "Wer": ["Mia", "Leo"],
            "Adresse": ["mia@acme.test", "leo@acme.test"],
            "Weg seit": ["31.12.2025", ""],
        },
    )
    picked = {s.column: (s.field, s.reason) for s in suggestions}
    assert picked["Nr"] == ("external_id", "name")
    assert picked["Firma Ref"] == ("account", "values")
    assert picked["Adresse"] == ("email", "values")
    assert picked["Weg seit"] == ("left_at", "values")
    assert picked["Wer"] == (None, "")


def test_date_formats_are_offered_in_words_only_when_every_sample_parses() -> None:
    german = dict(date_formats(["31.12.2026", "01.02.2025", ""]))
    assert german == {"%d.%m.%Y": "31.12.2026 (day.month.year)"}
    ambiguous = [words for _, words in date_formats(["01/02/2025", "03/04/2025"])]
    assert ambiguous == [
        "31/12/2026 (day/month/year)",
        "12/31/2026 (month/day/year, American)",
    ]
    assert date_formats(["2026-12-31"])[0] == ("", "2026-12-31 (year-month-day, the standard form)")
    assert date_formats(["Pumps"]) == []
    assert all("%" not in words for _, words in date_formats(["20261231"]))


def test_value_translations_from_synonyms_and_case() -> None:
    statuses = ("active", "lost", "prospect", "inactive")
    assert suggest_translation("Aktiv", statuses) == "active"
    assert suggest_translation("Verloren", statuses) == "lost"
    assert suggest_translation("ACTIVE", statuses) == "active"
    assert suggest_translation("Pausiert", statuses) is None
    assert suggest_translation("Ja", ("true", "false")) == "true"


def test_a_german_file_is_mapped_and_the_mapping_is_found_again(tmp_path: Path) -> None:
    data = tmp_path / "crm-export.csv"
    data.write_text(GERMAN_ACCOUNTS, encoding="utf-8")
    spec = kind_spec("accounts")
    columns = read_columns(data)
    status = next(c for c in columns if c.name == "Status")
    assert status.values == ["Aktiv", "Verloren"]
    choices = suggested_choices(spec, columns)
    assert {c: ch.field for c, ch in choices.items()} == {
        "Kundennummer": "external_id",
        "Firmenname": "name",
        "Branche": "industry",
        "Land": "country",
        "Status": "status",
        "Kunde seit": "started_on",
        "Vertragswert": "contract_value",
        "Flottengröße": None,
    }
    assert choices["Status"].translations == {"Aktiv": "active", "Verloren": "lost"}
    assert choices["Kunde seit"].date_format == "%d.%m.%Y"
    choices["Flottengröße"] = Choice(ATTRIBUTE)
    mapping = build_mapping(spec, "crm", choices)
    assert mapping.columns["external_id"] == "Kundennummer"
    assert mapping.date_formats == {"started_on": "%d.%m.%Y"}
    assert mapping.values == {"status": {"Aktiv": "active", "Verloren": "lost"}}
    assert mapping.attributes == ["Flottengröße"]

    folder = tmp_path / "mappings"
    path = save_mapping(folder, "accounts", mapping)
    assert path == folder / "accounts" / "crm.yaml"
    assert load_mapping(path) == mapping  # the same YAML format as a hand-written file
    found = match_saved(folder, "accounts", tuple(c.name for c in columns))
    assert found == mapping
    assert choices_from_mapping(found, columns) == choices
    assert match_saved(folder, "accounts", ("Kundennummer", "Name")) is None
    assert match_saved(folder, "contacts", tuple(c.name for c in columns)) is None


def test_bad_choices_are_refused_with_the_reason() -> None:
    spec = kind_spec("accounts")
    twice = {"A": Choice("name"), "B": Choice("name")}
    with pytest.raises(MappingError, match="both mapped to name"):
        build_mapping(spec, "crm", twice)
    with pytest.raises(MappingError, match="source name"):
        build_mapping(spec, "../etc", {"A": Choice("name")})
    with pytest.raises(MappingError, match="accounts only"):
        build_mapping(kind_spec("orders"), "erp", {"A": Choice(ATTRIBUTE)})
