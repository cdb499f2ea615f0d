"""Fixtures of the problem-detection tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import DemoCompany
from tests.problems.corpus import Corpus, planted_corpus


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return planted_corpus()


@pytest.fixture(scope="session")
def demo_db(demo_company: DemoCompany) -> Path:
    """The folder of the shared demo company (300 accounts): ``demo.sqlite3``, ``files``.

    Shared by the whole run: copy the database before writing to it.
    """
    assert demo_company.database.parent == demo_company.files.parent
    return demo_company.files.parent
