"""Fixtures of the problem-detection tests."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from tests.problems.corpus import Corpus, planted_corpus

from keepwell.db import make_engine
from keepwell.demo import build_demo

DEMO_AS_OF = date(2025, 6, 30)


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return planted_corpus()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """An SQLite file holding the demo company (300 accounts), built once per session."""
    base = tmp_path_factory.mktemp("problems-demo")
    shutil.copy(sqlite_template, base / "demo.sqlite3")
    engine = make_engine(f"sqlite:///{base / 'demo.sqlite3'}")
    build_demo(engine, base / "files", seed=7, accounts=300, as_of=DEMO_AS_OF)
    engine.dispose()
    return base
