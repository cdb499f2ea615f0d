"""Shared fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL.

PostgreSQL comes from ``KEEPWELL_TEST_POSTGRES_URL`` (default: the local server on
127.0.0.1:5432). Set it to ``skip`` to run the SQLite half only; otherwise an
unreachable server fails the PostgreSQL tests rather than hiding them.

The demo company (seed 7, 300 accounts, up to 2025-06-30) is built once for the whole
run, and scored once, even across xdist workers (see :func:`built_once`); tests work on
copies of its SQLite file.
"""

from __future__ import annotations

import os

# One OpenMP thread per test process: with more, LightGBM's training is not repeatable
# (the same data scored twice moved a few demo accounts' risk by more than 0.1), and the
# tests compare runs. Under xdist each worker then keeps to its own core.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import fcntl
import json
import pickle
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.db import make_engine
from keepwell.demo import build_demo
from keepwell.insight.churn import TrainingOptions, load_definition
from keepwell.insight.scoring import ScoringResult, run_scoring
from keepwell.migrations import upgrade
from keepwell.settings import get_settings

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
DEMO_AS_OF = date(2025, 6, 30)
DEMO_ACCOUNTS = 300
DEMO_SCORED_EARLIER = DEMO_AS_OF - timedelta(days=28)
SERVED_DEMO_ACCOUNTS = 150


def _pg_admin_url() -> str | None:
    value = os.environ.get("KEEPWELL_TEST_POSTGRES_URL", DEFAULT_PG)
    return None if value == "skip" else value


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with every migration applied, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL template database, dropped at the end of the session."""
    admin_url = _pg_admin_url()
    if admin_url is None:
        pytest.skip("PostgreSQL disabled with KEEPWELL_TEST_POSTGRES_URL=skip")
    name = f"keepwell_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(admin_url).set(database=name).render_as_string(False))
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database of the parametrised kind."""
    if request.param in ("sqlite", "scored-demo"):
        path = tmp_path / "keepwell.sqlite3"
        source = (
            request.getfixturevalue("scored_demo").database
            if request.param == "scored-demo"
            else request.getfixturevalue("sqlite_template")
        )
        shutil.copy(source, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    admin_url = _pg_admin_url()
    assert admin_url is not None
    name = f"keepwell_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(admin_url).set(database=name).render_as_string(False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the fresh test database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """An engine on a fresh SQLite database only (for tests that need just one backend)."""
    path = tmp_path / "keepwell-only.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """The folder ``name`` filled by ``build(folder)`` once for the whole test run.

    Under xdist the workers share it: the first to come builds it while holding a file
    lock in the run's temporary root, the others wait for it and find it done.
    """
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".done").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            folder.mkdir()
            build(folder)
            (folder / ".done").touch()
    return folder


@dataclass(frozen=True)
class DemoCompany:
    """The demo company's SQLite file and its generated files (with the ground truth).

    Shared by every test of the run: read the files, and work on a :meth:`copy` of the
    database.
    """

    database: Path
    files: Path

    def copy(self, to: Path) -> Engine:
        """An engine on a copy of the demo's database, ``demo.sqlite3`` in the folder ``to``."""
        to.mkdir(parents=True, exist_ok=True)
        path = to / "demo.sqlite3"
        shutil.copy(self.database, path)
        return make_engine(f"sqlite:///{path}")


@dataclass(frozen=True)
class ScoredDemo(DemoCompany):
    """The demo company scored twice, as :attr:`runs` says."""

    runs: tuple[ScoringResult, ScoringResult]
    """``run_scoring`` 28 days before the demo's last day (with cheaper training options),
    then with its defaults (on the day after the last record), in this order."""


@pytest.fixture(scope="session")
def demo_company(tmp_path_factory: pytest.TempPathFactory) -> DemoCompany:
    """The demo company (seed 7, 300 accounts, up to 2025-06-30), built once per run."""

    def build(folder: Path) -> None:
        engine = make_engine(f"sqlite:///{folder / 'demo.sqlite3'}")
        upgrade(engine)
        build_demo(engine, folder / "files", seed=7, accounts=DEMO_ACCOUNTS, as_of=DEMO_AS_OF)
        engine.dispose()

    folder = built_once(tmp_path_factory, "demo-company", build)
    return DemoCompany(folder / "demo.sqlite3", folder / "files")


@pytest.fixture(scope="session")
def scored_demo(tmp_path_factory: pytest.TempPathFactory, demo_company: DemoCompany) -> ScoredDemo:
    """The demo company scored by ``run_scoring`` four weeks before its end and at its end.

    The latest run is the default one. The earlier one, there for history, trends, movers
    and outcomes, is a cheaper model (two backtest cutoffs, no recency weighting): no test
    reads its backtest. Built once per run; the two results (model and backtest included)
    are kept beside the database, so that every worker sees the same runs.
    """

    def build(folder: Path) -> None:
        engine = demo_company.copy(folder)
        definition = load_definition(data_dir=get_settings().data_dir)
        cheaper = TrainingOptions(
            horizon_days=definition.horizon_days,
            settle_days=definition.settle_days,
            test_cutoffs=2,
            half_life_days=None,
        )
        earlier = run_scoring(engine, as_of=DEMO_SCORED_EARLIER, options=cheaper)
        runs = (earlier, run_scoring(engine))
        engine.dispose()
        (folder / "runs.pickle").write_bytes(pickle.dumps(runs))

    folder = built_once(tmp_path_factory, "scored-demo", build)
    runs = pickle.loads((folder / "runs.pickle").read_bytes())
    return ScoredDemo(folder / "demo.sqlite3", demo_company.files, runs)


@pytest.fixture
def demo_engine(demo_company: DemoCompany, tmp_path: Path) -> Iterator[Engine]:
    """An engine on this test's own copy of the demo company (unscored)."""
    engine = demo_company.copy(tmp_path / "demo-company")
    yield engine
    engine.dispose()


@pytest.fixture
def scored_demo_engine(scored_demo: ScoredDemo, tmp_path: Path) -> Iterator[Engine]:
    """An engine on this test's own copy of the scored demo company (see ``scored_demo``)."""
    engine = scored_demo.copy(tmp_path / "scored-demo")
    yield engine
    engine.dispose()


@dataclass(frozen=True)
class ServedDemo:
    """The demo as ``keepwell demo --no-serve`` leaves it, up to today, and what it printed.

    Shared by every test of the run: work on a :meth:`copy` of the database.
    """

    database: Path
    summary: dict[str, Any]
    """The JSON printed by ``--json``."""

    def copy(self, to: Path) -> Path:
        """A copy of the database, ``demo.sqlite3`` in the folder ``to``."""
        to.mkdir(parents=True, exist_ok=True)
        path = to / "demo.sqlite3"
        shutil.copy(self.database, path)
        return path


@pytest.fixture(scope="session")
def served_demo(tmp_path_factory: pytest.TempPathFactory) -> ServedDemo:
    """``keepwell demo --no-serve --accounts 150 --json`` into a fresh SQLite file, once per run:
    the demo's data up to today, its score runs, the playbooks' tasks and the sign-ins."""

    def build(folder: Path) -> None:
        url = f"sqlite:///{folder / 'demo.sqlite3'}"
        args = ["--database-url", url, "demo", "--no-serve", "--json"]
        args += ["--accounts", str(SERVED_DEMO_ACCOUNTS), "--out", str(folder / "files")]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        (folder / "summary.json").write_text(result.stdout)

    folder = built_once(tmp_path_factory, "served-demo", build)
    summary = json.loads((folder / "summary.json").read_text())
    return ServedDemo(folder / "demo.sqlite3", summary)
