"""Vocabulary codes as a person reads them."""

from __future__ import annotations

from keepwell.record.vocabulary import (
    ASSET_STATUSES,
    INTERACTION_KINDS,
    ORDER_KINDS,
    QUOTE_OUTCOMES,
    SURVEY_KINDS,
    TICKET_KINDS,
    in_words,
)


def test_codes_read_as_words() -> None:
    assert in_words("at_risk") == "At risk" and in_words("interaction") == (
        "Calls, visits and e-mails"
    )
    assert in_words("nps") == "recommendation (0–10)" and in_words(None) == "—"
    for vocabulary in (
        ASSET_STATUSES,
        INTERACTION_KINDS,
        ORDER_KINDS,
        QUOTE_OUTCOMES,
        SURVEY_KINDS,
        TICKET_KINDS,
    ):
        for code in vocabulary:
            shown = in_words(code)
            assert "_" not in shown and shown != code.upper(), (code, shown)
