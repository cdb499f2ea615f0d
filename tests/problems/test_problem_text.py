"""Cleaning and normalisation of ticket texts."""

from __future__ import annotations

import pytest

from keepwell.problems import clean_text, clean_texts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("My card   hasn't ARRIVED!!", "my card hasn't arrived"),
        ("See https://x.example.com/a?b=1 and www.example.org now", "see and now"),
        ("Mail ops.team+x@example.co.uk today", "mail today"),
        ("Order 45512 of 3.5 t on 2024-01-05", "order of t on"),
        ("Fehler E-42 an Teil XR7", "fehler e42 an teil xr7"),
        ("Die Maschine läuft nicht", "die maschine läuft nicht"),
        ("ＦＵＬＬＷＩＤＴＨ text", "fullwidth text"),
    ],
)
def test_clean_text_normalises(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_signature_and_quoted_reply_are_dropped() -> None:
    raw = "The pump leaks.\n> earlier message\nStill leaking.\n\nKind regards,\nAnna\nACME Ltd"
    assert clean_text(raw) == "the pump leaks still leaking"


def test_rfc_signature_delimiter_and_mobile_footer() -> None:
    assert clean_text("Belt is noisy\n-- \nJohn Doe, +49 123") == "belt is noisy"
    assert clean_text("Belt is noisy\nSent from my iPhone") == "belt is noisy"


def test_sign_off_word_inside_sentence_is_kept() -> None:
    raw = "Intro line\nThanks to the update the pump is fine"
    assert clean_text(raw) == "intro line thanks to the update the pump is fine"


def test_light_cleaning_keeps_case_numbers_and_punctuation() -> None:
    raw = "Card #4412 hasn't arrived! https://x.example.com\n\nRegards,\nBob"
    assert clean_text(raw, light=True) == "Card #4412 hasn't arrived!"


def test_clean_texts_keeps_order_and_empty_results() -> None:
    assert clean_texts(["B", "", "123", "a"]) == ["b", "", "", "a"]


def test_german_sign_off_with_sharp_s_starts_the_signature() -> None:
    text = "Kupplung klemmt.\n\nMit freundlichen Grüßen\nMichael Klein"
    assert clean_text(text) == "kupplung klemmt"
