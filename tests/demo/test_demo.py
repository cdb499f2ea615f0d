"""The demo company: reproducible files, clean imports, planted stories visible in the data."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.conftest import ServedDemo
from typer.testing import CliRunner

import keepwell.cli.demo  # noqa: F401  (registers the demo command)
import keepwell.demo as demo
from keepwell.cli.app import app
from keepwell.db import make_engine
from keepwell.demo import GroundTruth, build_demo, demo_mapping, generate_demo
from keepwell.demo.exports import FILES
from keepwell.demo.ground_truth import ChurnedAccount, load_ground_truth
from keepwell.intake.fields import kind_spec
from keepwell.intake.tables import MODELS
from keepwell.people.models import AccountTeamMember, Employee
from keepwell.record.models import (
    Account,
    AccountExternalId,
    Asset,
    Interaction,
    Order,
    Quote,
    SurveyResponse,
    TelemetryEvent,
    Ticket,
)

AS_OF = date(2025, 6, 30)
ACCOUNTS = 40


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo files for seed 7, generated once for the module."""
    out = tmp_path_factory.mktemp("demo")
    generate_demo(out, seed=7, accounts=ACCOUNTS, as_of=AS_OF)
    return out


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Engine]:
    """An SQLite database holding the demo (built once for the module)."""
    base = tmp_path_factory.mktemp("loaded")
    shutil.copy(sqlite_template, base / "demo.sqlite3")
    engine = make_engine(f"sqlite:///{base / 'demo.sqlite3'}")
    build_demo(engine, base / "files", seed=7, accounts=ACCOUNTS, as_of=AS_OF)
    engine.dispose()
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def truth(loaded: Engine) -> GroundTruth:
    """The ground truth written by the module's demo build."""
    url = loaded.url.database
    assert url is not None
    return load_ground_truth(Path(url).parent / "files")


def _digests(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_public_api_is_sorted_and_exists() -> None:
    assert demo.__all__ == sorted(demo.__all__)
    assert all(hasattr(demo, name) for name in demo.__all__)


def test_same_seed_gives_identical_files(files: Path, tmp_path: Path) -> None:
    generate_demo(tmp_path, seed=7, accounts=ACCOUNTS, as_of=AS_OF)
    assert _digests(tmp_path) == _digests(files)


def test_another_seed_changes_every_file(files: Path, tmp_path: Path) -> None:
    generate_demo(tmp_path, seed=8, accounts=ACCOUNTS, as_of=AS_OF)
    first, other = _digests(files), _digests(tmp_path)
    assert first.keys() == other.keys()
    assert all(first[name] != other[name] for name in first)


def test_exports_use_every_reader_and_mapping_feature(files: Path) -> None:
    suffixes = {Path(f.path).suffix for f in FILES}
    assert suffixes == {".csv", ".xlsx", ".json", ".ndjson", ".parquet"}
    used: set[str] = set()
    for export in FILES:
        mapping = demo_mapping(export.mapping)
        mapping.check_against(kind_spec(export.kind))
        assert mapping.kind == export.kind
        assert (files / export.path).is_file()
        used |= {name for name, value in mapping.model_dump().items() if value}
    assert {"columns", "date_formats", "values", "constants", "references"} <= used
    assert {"attributes", "external_ids"} <= used


def test_telemetry_stays_modest(files: Path) -> None:
    rows = load_ground_truth(files).rows
    assert rows["telemetry"] / ACCOUNTS < 450  # well under 150k rows at 300 accounts


def test_problem_tickets_are_paraphrased(files: Path) -> None:
    tickets = {
        t["id"]: t for t in json.loads((files / "helpdesk/tickets.json").read_text())["tickets"]
    }
    truth = load_ground_truth(files)
    assert len(truth.problems) >= 5
    for problem in truth.problems:
        texts = [tickets[number]["description"] for number in problem.tickets]
        assert len(set(texts)) == len(texts), problem.key
    members = sum(len(p.tickets) for p in truth.problems)
    assert 0.15 < members / len(tickets) < 0.5


def test_build_imports_cleanly_and_again_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    first = build_demo(engine, tmp_path, seed=7, accounts=ACCOUNTS, as_of=AS_OF)
    assert all(f.created == f.rows for f in first.files)
    with Session(engine) as session:
        for export in FILES:
            count = session.scalar(select(func.count()).select_from(MODELS[export.kind]))
            assert count == first.rows[export.kind], export.kind
    again = build_demo(engine, tmp_path, seed=7, accounts=ACCOUNTS, as_of=AS_OF)
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == sum(first.rows.values())


def test_churn_share_and_causes(truth: GroundTruth) -> None:
    assert 0.1 <= len(truth.churned) / truth.accounts <= 0.2
    causes = {cause for account in truth.churned for cause in account.causes}
    assert causes == {
        "repeat_problems",
        "late_deliveries",
        "price_competitor",
        "owner_left",
        "usage_decline",
        "unanswered_detractor",
    }


def _account_id(session: Session, crm_id: str) -> int:
    found = session.scalar(
        select(AccountExternalId.account_id).where(
            AccountExternalId.source == "crm", AccountExternalId.external_id == crm_id
        )
    )
    assert found is not None, crm_id
    return found


def _churn_day(account: ChurnedAccount) -> date:
    assert account.churned_on is not None
    return date.fromisoformat(account.churned_on)


def test_orders_thin_out_and_stop(loaded: Engine, truth: GroundTruth) -> None:
    before = during = 0.0
    with Session(loaded) as session:
        for account in truth.churned:
            account_id = _account_id(session, account.account)
            days = list(
                session.scalars(select(Order.ordered_at).where(Order.account_id == account_id))
            )
            churn, signals = _churn_day(account), date.fromisoformat(account.signals_from)
            assert days and max(days) < churn
            start = date.fromisoformat(truth.period_start)
            before += sum(d < signals for d in days) / max((signals - start).days, 1)
            during += sum(d >= signals for d in days) / max((churn - signals).days, 1)
    assert during < 0.75 * before


def test_crm_marks_some_churners_lost(loaded: Engine, truth: GroundTruth) -> None:
    with Session(loaded) as session:
        for account in truth.churned:
            row = session.get(Account, _account_id(session, account.account))
            assert row is not None
            if account.marked_lost:
                assert (row.status, row.ended_on) == ("lost", _churn_day(account))
                assert row.lost_reason
            else:
                assert (row.status, row.ended_on) == ("active", None)
    assert any(a.marked_lost for a in truth.churned)
    assert not all(a.marked_lost for a in truth.churned)


def test_repeat_problem_churners_reported_it_repeatedly(loaded: Engine, truth: GroundTruth) -> None:
    members = {p.key: set(p.tickets) for p in truth.problems}
    churners = [a for a in truth.churned if "repeat_problems" in a.causes]
    assert churners
    with Session(loaded) as session:
        for account in churners:
            assert account.problem is not None
            opened = session.execute(
                select(Ticket.external_id, Ticket.opened_at).where(
                    Ticket.account_id == _account_id(session, account.account)
                )
            ).all()
            repeats = [
                number
                for number, when in opened
                if number in members[account.problem] and when.date() < _churn_day(account)
            ]
            assert len(repeats) >= 2


def test_owner_left_churners_lost_their_only_thread(loaded: Engine, truth: GroundTruth) -> None:
    churners = [a for a in truth.churned if "owner_left" in a.causes]
    assert churners
    with Session(loaded) as session:
        for account in churners:
            account_id = _account_id(session, account.account)
            team = session.scalars(
                select(AccountTeamMember).where(AccountTeamMember.account_id == account_id)
            ).all()
            assert [m.employee.external_id for m in team] == [account.owner_who_left]
            owner = session.scalar(
                select(Employee).where(Employee.external_id == account.owner_who_left)
            )
            assert owner is not None
            assert owner.left_at is not None
            assert team[0].until == owner.left_at
            visits = session.scalar(
                select(func.count()).where(
                    Interaction.account_id == account_id,
                    Interaction.kind.in_(("visit", "meeting")),
                    Interaction.occurred_at >= owner.left_at,
                )
            )
            assert visits == 0
            assert owner.left_at < _churn_day(account)


def test_usage_declines_before_churn(loaded: Engine, truth: GroundTruth) -> None:
    churners = [a for a in truth.churned if "usage_decline" in a.causes]
    assert churners
    with Session(loaded) as session:
        for account in churners:
            signals, churn = date.fromisoformat(account.signals_from), _churn_day(account)
            hours = _run_hours(session, _account_id(session, account.account))
            early = [v for d, v in hours if signals - timedelta(days=60) <= d < signals]
            late = [v for d, v in hours if churn - timedelta(days=30) <= d < churn]
            assert early and late
            assert sum(late) / len(late) < 0.5 * sum(early) / len(early)


def _run_hours(session: Session, account_id: int) -> list[tuple[date, float]]:
    rows = session.execute(
        select(TelemetryEvent.ts, TelemetryEvent.value)
        .join(Asset, Asset.id == TelemetryEvent.asset_id)
        .where(Asset.account_id == account_id, TelemetryEvent.metric == "run_hours")
    ).all()
    return [(ts.date(), float(value)) for ts, value in rows]


def test_late_delivery_and_price_churners_show_it(loaded: Engine, truth: GroundTruth) -> None:
    with Session(loaded) as session:
        for account in truth.churned:
            account_id = _account_id(session, account.account)
            signals = date.fromisoformat(account.signals_from)
            if "late_deliveries" in account.causes:
                orders = session.scalars(
                    select(Order).where(Order.account_id == account_id, Order.ordered_at >= signals)
                ).all()
                late = [
                    o
                    for o in orders
                    if o.delivered_at
                    and o.promised_at
                    and (o.delivered_at - o.promised_at).days >= 7
                ]
                assert len(late) >= 2
            if "price_competitor" in account.causes:
                lost = session.scalar(
                    select(func.count()).where(
                        Quote.account_id == account_id,
                        Quote.outcome == "lost",
                        Quote.received_at >= signals,
                    )
                )
                assert lost is not None
                assert lost >= 2


def test_unanswered_detractors_got_no_call_back(loaded: Engine, truth: GroundTruth) -> None:
    churners = [a for a in truth.churned if "unanswered_detractor" in a.causes]
    assert churners
    with Session(loaded) as session:
        for account in churners:
            assert account.unanswered_detractors
            account_id = _account_id(session, account.account)
            for number in account.unanswered_detractors:
                response = session.scalar(
                    select(SurveyResponse).where(SurveyResponse.external_id == number)
                )
                assert response is not None
                assert response.score <= 6
                assert response.account_id == account_id
            follow_ups = session.scalar(
                select(func.count()).where(
                    Interaction.account_id == account_id,
                    Interaction.subject.in_(
                        ("Follow-up on NPS feedback", "Call about survey response")
                    ),
                    Interaction.occurred_at >= date.fromisoformat(account.signals_from),
                )
            )
            assert follow_ups == 0


def test_ground_truth_matches_the_database(loaded: Engine, truth: GroundTruth) -> None:
    with Session(loaded) as session:
        for export in FILES:
            count = session.scalar(select(func.count()).select_from(MODELS[export.kind]))
            assert count == truth.rows[export.kind]
        tickets = set(session.scalars(select(Ticket.external_id)))
        for problem in truth.problems:
            assert set(problem.tickets) <= tickets
        for account in truth.churned + truth.at_risk:
            _account_id(session, account.account)
            erp = session.scalar(
                select(AccountExternalId.account_id).where(
                    AccountExternalId.source == "erp",
                    AccountExternalId.external_id == account.erp_customer_no,
                )
            )
            assert erp == _account_id(session, account.account)
    assert all(a.churned_on is None for a in truth.at_risk)


def test_cli_builds_the_demo_as_json(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    args = ["--database-url", url, "demo", "--no-serve", "--accounts", "8", "--json"]
    args += ["--as-of", "2025-06-30", "--out", str(tmp_path / "files")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows"]["accounts"] == 8
    assert summary["created"] == sum(summary["rows"].values())
    assert (tmp_path / "files" / "ground_truth.json").is_file()
    # Eight accounts are too few to learn churn from: said, and the rest is still built.
    assert summary["score_runs"] == []
    assert summary["not_scored"].startswith("The demo is too small to learn churn risk from")
    assert {s["role"] for s in summary["sign_ins"]} == {"admin", "leader", "member"}
    assert len(summary["password"]) >= 12


@pytest.mark.slow
def test_no_serve_builds_the_demo_that_is_served(served_demo: ServedDemo, tmp_path: Path) -> None:
    """Sign-ins, score runs and playbook tasks exist right after ``demo --no-serve``."""
    summary = served_demo.summary  # printed by `keepwell demo --no-serve --json` (to today)
    url = f"sqlite:///{served_demo.copy(tmp_path)}"
    runs = summary["score_runs"]
    assert len(runs) == 3
    assert all(date.fromisoformat(run["as_of"]) <= date.today() for run in runs)
    assert runs[-1]["as_of"] == date.today().isoformat()
    assert summary["tasks_created"] > 0
    users = CliRunner().invoke(app, ["--database-url", url, "user", "list", "--json"])
    assert users.exit_code == 0, users.output
    listed = {u["email"]: u["role"] for u in json.loads(users.stdout)}
    assert listed == {s["email"]: s["role"] for s in summary["sign_ins"]}
    shown = CliRunner().invoke(app, ["--database-url", url, "account", "show", "1", "--json"])
    assert shown.exit_code == 0, shown.output
    risk = json.loads(shown.stdout)["risk"]
    assert 0.0 <= risk["churn_probability"] <= 1.0
    assert risk["run_id"] == runs[-1]["run_id"]


def test_default_as_of_is_today(tmp_path: Path) -> None:
    truth = generate_demo(tmp_path, accounts=2)
    assert truth.as_of == date.today().isoformat()
