"""Fixtures of the problem-detection tests."""

from __future__ import annotations

import pytest
from tests.problems.corpus import Corpus, planted_corpus


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return planted_corpus()
