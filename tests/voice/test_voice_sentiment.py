"""The lexicon sentiment on English and German feedback, with negation and intensifiers."""

from __future__ import annotations

import pytest

from keepwell.voice.sentiment import sentiment, word_valence


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Great service, the technicians know their stuff.", "positive"),
        ("Sehr guter Service, kompetente Techniker.", "positive"),
        ("Wir sind sehr zufrieden.", "positive"),
        ("Deliveries are late again and nobody informs us.", "negative"),
        ("Ständig Lieferverzug ohne Information.", "negative"),
        ("Die Reaktionszeiten sind inakzeptabel.", "negative"),
        ("The pump is not reliable.", "negative"),
        ("Not bad at all.", "positive"),
        ("Wir sind nicht zufrieden.", "negative"),
        ("Please send the updated price list.", "neutral"),
        ("", "neutral"),
    ],
)
def test_labels(text: str, label: str) -> None:
    assert sentiment(text).label == label


def test_intensifier_and_compound_range() -> None:
    plain, strong = sentiment("The support was good."), sentiment("The support was very good.")
    assert 0 < plain.compound < strong.compound <= 1
    assert -1 <= sentiment("terrible awful worst useless broken " * 20).compound < -0.99


def test_stems_and_german_compounds() -> None:
    assert word_valence("disappointing") < 0 and word_valence("enttäuschend") < 0
    assert word_valence("lieferverzug") < 0 and word_valence("verzug") < 0
    assert word_valence("pump") == 0.0


def test_general_english_words_count_in_english_texts_only() -> None:
    """A word the feedback lexicon lacks (*wonderful*, *rude*) counts in English; in German
    text VADER's words are not looked up (*die* and *war* rate −2.9 there)."""
    assert word_valence("wonderful") == 0.0 and word_valence("wonderful", general=True) > 0
    assert sentiment("The engineer who came was wonderful.").label == "positive"
    assert sentiment("The person on the phone was rude to us.").label == "negative"
    assert sentiment("Die Lieferung war pünktlich und die Montage gut.").label == "positive"
    assert sentiment("Der Techniker war da und die Anlage läuft.").label == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "We would like a quote for two spare seals, please.",
        "Please help us with the support ticket about the pressure reading.",
        "Is the fire pump inspection free of charge?",
    ],
)
def test_routine_requests_carry_no_feeling(text: str) -> None:
    assert sentiment(text).label == "neutral", sentiment(text)
