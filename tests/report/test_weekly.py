"""The weekly review on a crafted record: every core section, HTML, PDF (rendered), CLI, page.

Two scoring runs a month apart. Between them North Mill's risk rose from 10 % to 60 %,
and South Yard left the company (ended after run 1). Erik, who owned North Mill, left
ten days before the review; Quiet Works has no account owner.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from keepwell.cli import app
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.people.roles import ensure_builtin_roles
from keepwell.record.models import Account
from keepwell.rendering.charts import ACCENT
from keepwell.report import weekly_review
from keepwell.report.render import render_document, render_pdf

TODAY = date(2025, 3, 31)
FIRST, SECOND = date(2025, 2, 1), date(2025, 3, 3)
LINE_BLUE = tuple(int(ACCENT[i : i + 2], 16) for i in (1, 3, 5))
"""The colour of a chart's line and dots, as the PDF draws it."""


def seed(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        ensure_builtin_roles(session)
        owner = session.query(RetentionRole).filter_by(key="account_owner").one()
        names = {"North Mill": None, "South Yard": date(2025, 2, 20), "Quiet Works": None}
        accounts = {}
        for name, ended in names.items():
            account = Account(
                name=name,
                status="lost" if ended else "active",
                ended_on=ended,
                source="t",
                external_id=name,
            )
            session.add(account)
            accounts[name] = account
        erik = Employee(
            name="Erik", left_at=date(2025, 3, 21), active=False, source="t", external_id="E1"
        )
        ida = Employee(name="Ida", source="t", external_id="E2")
        session.add_all([erik, ida])
        session.flush()
        session.add_all(
            [
                AccountTeamMember(
                    account_id=accounts["North Mill"].id,
                    employee_id=erik.id,
                    role_id=owner.id,
                    source="t",
                    external_id="T1",
                ),
                AccountTeamMember(
                    account_id=accounts["South Yard"].id,
                    employee_id=ida.id,
                    role_id=owner.id,
                    source="t",
                    external_id="T2",
                ),
            ]
        )
        risks = {
            FIRST: {"North Mill": 0.10, "South Yard": 0.50, "Quiet Works": 0.05},
            SECOND: {"North Mill": 0.60, "Quiet Works": 0.07},
        }
        for day, scores in risks.items():
            run = ScoreRun(
                as_of=day,
                engine="duckdb",
                model="lightgbm",
                model_version="t",
                method="time-backtest",
                metrics={"roc_auc": 0.81, "pr_auc": 0.4, "brier": 0.05, "top_decile_lift": 4.2},
            )
            session.add(run)
            session.flush()
            for name, p in scores.items():
                session.add(
                    AccountScore(
                        run_id=run.id,
                        account_id=accounts[name].id,
                        churn_probability=p,
                        health_band="at_risk" if p >= 0.5 else "healthy",
                        annual_revenue=1000.0,
                        revenue_at_risk=1000.0 * p,
                        reasons=[
                            {"key": "orders", "sentence": f"{name} stopped ordering", "weight": 1}
                        ],
                        features={"gap_ratio": 4.0 if p > 0.5 else 1.0},
                        contributions={"gap_ratio": 2.0 if p > 0.5 else 0.1},
                    )
                )
        session.commit()
        return {name: a.id for name, a in accounts.items()}


def seeded_ids(engine: Engine) -> dict[str, int]:
    """The crafted accounts' ids by name."""
    with Session(engine) as session:
        rows = session.execute(select(Account.name, Account.id))
        return {str(row[0]): int(row[1]) for row in rows}


def test_links_leave_the_app_with_its_public_address(engine: Engine) -> None:
    seed(engine)
    with Session(engine) as session:
        review = weekly_review(session, TODAY, money=True, base_url="https://keep.example/")
    html = render_document(review)
    north = seeded_ids(engine)["North Mill"]
    assert f'href="https://keep.example/accounts/{north}"' in html
    assert 'href="https://keep.example/portfolio?unowned=1&amp;sort=risk">2</a>' in html
    assert 'href="/' not in html


def test_review_sections_on_crafted_data(engine: Engine) -> None:
    seed(engine)
    with Session(engine) as session:
        review = weekly_review(session, TODAY, money=True)
    assert [s.key for s in review.sections] == ["portfolio", "movers", "coverage", "accuracy"]
    assert review.week_start == date(2025, 3, 25)
    portfolio = review.section("portfolio")
    assert portfolio is not None
    latest, previous = portfolio.data["latest"], portfolio.data["previous"]
    assert (latest.accounts, latest.at_risk, previous.at_risk) == (2, 1, 1)
    assert latest.revenue_at_risk == 670.0 and previous.revenue_at_risk == 650.0
    movers = review.section("movers")
    assert movers is not None
    [mover] = movers.data["movers"]
    assert (mover["name"], mover["before"], mover["after"]) == ("North Mill", 0.1, 0.6)
    assert mover["reasons"] == ["North Mill stopped ordering"]
    assert mover["changes"] == [
        "Days since the last order divided by the usual gap between order days: "
        "1.00 times → 4.00 times"
    ]
    coverage = review.section("coverage")
    assert coverage is not None
    [(erik, held)] = coverage.data["departures"]
    assert erik.name == "Erik" and [name for _, name in held] == ["North Mill"]
    assert [name for _, name in coverage.data["ownerless"]] == ["North Mill", "Quiet Works"]
    accuracy = review.section("accuracy")
    assert accuracy is not None
    first, second = accuracy.data["outcomes"]
    assert (first.churned_since, first.accounts, first.roc_auc) == (1, 3, 1.0)
    assert first.top_decile_rate == 1.0  # South Yard was the riskiest and left
    assert (second.churned_since, second.roc_auc) == (0, None)


def test_html_and_pdf_documents(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    with Session(engine) as session:
        review = weekly_review(session, TODAY, money=True)
        hidden = weekly_review(session, TODAY, money=False)
    html = render_document(review)
    assert html.startswith("<!doctype html>") and "<style>" in html and "http" not in html
    assert 'class="chart chart-trend"' in html and "Revenue at risk per scoring run" in html
    assert '<dt>Revenue at risk</dt><dd><a href="/portfolio?sort=at_risk">670.00 EUR</a>' in html
    assert '<dt>At risk</dt><dd><a href="/portfolio?risk=at_risk&amp;sort=risk">1</a>' in html
    assert "gap_ratio" not in html and "ROC" not in html
    ids = seeded_ids(engine)
    assert f'<a href="/accounts/{ids["North Mill"]}">North Mill</a>' in html
    quiet = render_document(hidden)
    assert "Accounts at risk per scoring run" in quiet
    assert "Revenue at risk" not in quiet
    pdf = render_pdf(review)
    assert pdf.startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    assert len(document) >= 1
    pixels = np.asarray(document[0].render(scale=1.5).to_pil().convert("RGB")).reshape(-1, 3)
    blue = np.all(np.abs(pixels.astype(int) - LINE_BLUE) <= 12, axis=1).sum()
    assert blue > 200, "the revenue-at-risk line chart is drawn on the first page"
    text = document[0].get_textpage().get_text_range()
    assert "Weekly retention review" in text and "North Mill" in text


def test_cli_writes_html_and_pdf(database_url: str, tmp_path: Path) -> None:
    from keepwell.db import make_engine

    engine = make_engine(database_url)
    seed(engine)
    engine.dispose()
    runner = CliRunner()
    for fmt in ("html", "pdf"):
        out = tmp_path / f"review.{fmt}"
        result = runner.invoke(
            app,
            [
                "--database-url",
                database_url,
                "report",
                "weekly",
                "--format",
                fmt,
                "--out",
                str(out),
                "--as-of",
                TODAY.isoformat(),
            ],
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    assert (tmp_path / "review.pdf").read_bytes().startswith(b"%PDF")
    assert "Biggest movers and why" in (tmp_path / "review.html").read_text(encoding="utf-8")


def test_cli_out_makes_folders_refuses_a_folder_and_keeps_existing_files(
    database_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()

    def weekly(out: Path, *more: str) -> Result:
        args = ["--database-url", database_url, "report", "weekly", "--out", str(out), *more]
        return runner.invoke(app, [*args, "--as-of", TODAY.isoformat()])

    nested = tmp_path / "reports" / "2026" / "review.html"
    made = weekly(nested)
    assert made.exit_code == 0 and nested.stat().st_size > 1000, made.output
    folder = weekly(tmp_path / "reports")
    assert folder.exit_code == 2 and folder.exception is not None
    assert "is a folder; --out takes the name of the file to write" in " ".join(
        folder.output.split()
    )
    nested.write_text("keep me", encoding="utf-8")
    kept = weekly(nested)
    assert kept.exit_code == 2
    assert "already exists; add --force to overwrite it" in " ".join(kept.output.split())
    assert nested.read_text(encoding="utf-8") == "keep me"
    forced = weekly(nested, "--force")
    assert forced.exit_code == 0 and "Weekly retention review" in nested.read_text("utf-8")
