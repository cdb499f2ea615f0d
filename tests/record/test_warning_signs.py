"""Warning signs in the team's notes: what counts, what does not, in English and German."""

from __future__ import annotations

import pytest

from keepwell.record.warning_signs import (
    KIND_WORDS,
    in_words,
    note_warning_signs,
    warning_signs,
)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Their buyer said a competitor quoted 12% below our price.", ("competitor",)),
        ("Customer asks for a price reduction; others offer spare parts cheaper.", ("competitor",)),
        ("Einkauf erwähnt, dass der Wettbewerb 10 % günstiger anbietet.", ("competitor",)),
        ("They mentioned lower volumes at their plant.", ("volumes",)),
        ("One line will be closed next spring, and they run fewer shifts.", ("volumes",)),
        ("Kurzarbeit im Werk seit März.", ("volumes",)),
        ("Escalation: delivery delays on three orders", ("deliveries", "discontent")),
        ("Kunde verärgert über Lieferverzug.", ("deliveries", "discontent")),
        ("They are frustrated about the recurring seal leaks.", ("discontent",)),
        ("They will not renew the service contract.", ("leaving",)),
        ("Kunde hat den Rahmenvertrag gekündigt.", ("leaving",)),
        ("Customer lost: moved to a competitor.", ("competitor", "leaving")),
    ],
)
def test_a_warning_sign_is_found_with_its_kind(text: str, kinds: tuple[str, ...]) -> None:
    assert warning_signs(text) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "Discussed spare parts needs for the spring shutdown.",  # a planned stop
        "Asked about the upcoming shutdown.",
        "Followed up on our offer; they asked for a revised price.",
        "Informed them about the delivery status of their open orders.",
        "Annual maintenance. No findings.",
        "No complaints, all fine.",  # negated
        "Keine Beschwerden, Kunde zufrieden.",
        "The meeting was cancelled and moved to Tuesday.",  # not a contract
        "Asked about lead times for the new motor option.",
        "",
    ],
)
def test_routine_notes_and_negated_cues_are_no_warning(text: str) -> None:
    assert warning_signs(text) == ()


def test_a_note_is_read_from_its_subject_and_text() -> None:
    assert note_warning_signs("Competitor pressure", None) == ("competitor",)
    assert note_warning_signs(None, "They run fewer shifts.") == ("volumes",)
    assert note_warning_signs(None, None) == ()


def test_kinds_read_as_words() -> None:
    assert in_words(["competitor"]) == "a competitor's offer"
    assert in_words(["competitor", "deliveries", "leaving"]) == (
        "a competitor's offer, late deliveries and the customer leaving"
    )
    assert set(KIND_WORDS) == {"competitor", "volumes", "deliveries", "discontent", "leaving"}
