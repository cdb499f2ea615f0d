"""Incremental assignment of new texts to known problems."""

from __future__ import annotations

import numpy as np
import pytest
from tests.problems.corpus import NEW_PARAPHRASES, OFF_TOPIC, Corpus

from keepwell.problems import (
    UNASSIGNED,
    Detection,
    TfidfSvd,
    assign_to_problems,
    assign_vectors,
    detect_problems,
)


@pytest.fixture(scope="module")
def detection(corpus: Corpus) -> Detection:
    return detect_problems(corpus.texts, representation=TfidfSvd(), min_size=5)


def _planted_of(detection: Detection, corpus: Corpus) -> dict[int, str | None]:
    """Planted problem making up most of each detected problem."""
    result: dict[int, str | None] = {}
    for problem in detection.problems:
        truth = [corpus.truth[i] for i in problem.members]
        result[problem.id] = max(set(truth), key=lambda name: truth.count(name))
    return result


def test_paraphrases_join_their_problem(corpus: Corpus, detection: Detection) -> None:
    assignment = assign_to_problems(list(NEW_PARAPHRASES.values()), detection)
    planted = _planted_of(detection, corpus)
    found = [planted.get(int(i)) for i in assignment.problem_ids]
    assert found == list(NEW_PARAPHRASES)
    assert assignment.candidates == ()


def test_off_topic_text_becomes_candidate(detection: Detection) -> None:
    assignment = assign_to_problems([OFF_TOPIC[0], NEW_PARAPHRASES["seal"]], detection)
    assert assignment.candidates == (0,)
    assert assignment.problem_ids[0] == UNASSIGNED
    assert assignment.problem_ids[1] != UNASSIGNED


def test_global_threshold_overrides_problem_thresholds(detection: Detection) -> None:
    texts = [*OFF_TOPIC, *NEW_PARAPHRASES.values()]
    strict = assign_to_problems(texts, detection, threshold=0.5)
    assert strict.candidates == (0, 1)
    everything = assign_to_problems(texts, detection, threshold=-1.0)
    assert everything.candidates == ()
    assert np.all(everything.similarities <= 1.0 + 1e-9)


def test_problems_with_their_representation(detection: Detection) -> None:
    via_problems = assign_to_problems(
        list(NEW_PARAPHRASES.values()),
        detection.problems,
        representation=detection.representation,
    )
    via_detection = assign_to_problems(list(NEW_PARAPHRASES.values()), detection)
    assert np.array_equal(via_problems.problem_ids, via_detection.problem_ids)


def test_empty_inputs(detection: Detection) -> None:
    none_new = assign_to_problems([], detection)
    assert none_new.candidates == ()
    assert len(none_new.problem_ids) == 0
    no_problems = assign_to_problems(["pump leaks"], [], representation=TfidfSvd())
    assert no_problems.candidates == (0,)
    blank = assign_to_problems(["", "1234"], detection)
    assert blank.candidates == (0, 1)


def test_invalid_arguments(detection: Detection) -> None:
    with pytest.raises(ValueError, match="representation is required"):
        assign_to_problems(["pump"], detection.problems)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        assign_to_problems(["pump"], detection, threshold=1.5)
    with pytest.raises(TypeError, match="single string"):
        assign_to_problems("pump", detection)
    with pytest.raises(ValueError, match="dimensions"):
        assign_vectors(np.ones((1, 3)), detection.problems)
    with pytest.raises(RuntimeError, match="not fitted"):
        assign_to_problems(["pump"], detection.problems, representation=TfidfSvd())
