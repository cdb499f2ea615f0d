"""The weekly personal digest: built from the record, listed and sent by the CLI over SMTP."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from email import message_from_bytes

from sqlalchemy import Engine
from tests.notify.test_delivery import Inbox
from tests.tasks.world import small_world
from typer.testing import CliRunner

from keepwell.auth.models import User
from keepwell.cli import app
from keepwell.db import make_engine, session_scope
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.tasks.models import Task
from keepwell.teams.comments import add_comment

TODAY = date(2026, 6, 30)


def seed(engine: Engine) -> dict[str, int]:
    """Acme's risk rose from 10 % to 60 %; Olga owns both accounts, Sven serves Acme."""
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        for day, risks in ((TODAY - timedelta(days=14), (0.1, 0.2)), (TODAY, (0.6, 0.21))):
            run = ScoreRun(as_of=day, engine="duckdb", model="t", model_version="1", method="t")
            s.add(run)
            s.flush()
            for account_id, p in zip((acme, beta), risks, strict=True):
                s.add(
                    AccountScore(
                        run_id=run.id,
                        account_id=account_id,
                        churn_probability=p,
                        health_band="at_risk" if p >= 0.5 else "healthy",
                        reasons=[{"key": "orders", "sentence": "orders stopped", "weight": 1}],
                        features={"gap_ratio": 4.0 if p > 0.5 else 1.0},
                        contributions={"gap_ratio": 2.0 if p > 0.5 else 0.1},
                    )
                )
        olga = w.employees["olga"]
        s.add(Task(title="Call Acme", account_id=acme, owner_id=olga, due_on=TODAY - timedelta(3)))
        s.add(Task(title="Plan visit", account_id=beta, owner_id=olga, due_on=TODAY + timedelta(5)))
        s.add(Task(title="Closed", account_id=beta, owner_id=olga, status="done"))
        author = User(email="boss@maker.test", name="Boss", password_hash="x", role="admin")
        s.add(author)
        s.flush()
        comment = add_comment(
            s,
            "account",
            beta,
            body="@olga what did they say about the renewal?",
            user_id=author.id,
            employee_id=None,
            actor="boss@maker.test",
        )
        comment.created_at = datetime.combine(TODAY - timedelta(days=2), time(9))
        return w.employees


def test_digests_list_then_send_once(database_url: str, smtp_env: Inbox) -> None:
    engine = make_engine(database_url)
    people = seed(engine)
    engine.dispose()
    runner = CliRunner()
    base = ["--database-url", database_url, "report", "digests", "--as-of", TODAY.isoformat()]
    listed = runner.invoke(app, [*base, "--json"])
    assert listed.exit_code == 0, listed.output
    found = {d["name"]: d for d in json.loads(listed.output)["digests"]}
    assert set(found) == {"Olga", "Sven"}  # Lena holds no account and has no tasks
    olga = found["Olga"]
    assert [(m["account"], m["after"]) for m in olga["movers"]] == [("acme", 0.6)]
    assert [t["title"] for t in olga["open_tasks"]] == ["Call Acme", "Plan visit"]
    assert olga["overdue"] == 1 and [m["author"] for m in olga["mentions"]] == ["Boss"]
    assert found["Sven"]["employee_id"] == people["sven"]
    assert [m["account"] for m in found["Sven"]["movers"]] == ["acme"]
    assert smtp_env.messages == []
    sent = runner.invoke(app, [*base, "--send", "--json"])
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.output)["queued"] == 2
    assert sorted(r[0] for _, r, _ in smtp_env.messages) == ["olga@maker.test", "sven@maker.test"]
    mail = next(m for _, r, m in smtp_env.messages if r == ["olga@maker.test"])
    parsed = message_from_bytes(mail)
    assert parsed["Subject"] == "Keepwell: your week to 2026-06-30"
    text = parsed.get_payload(decode=True).decode()
    acme = olga["movers"][0]["account_id"]
    call = olga["open_tasks"][0]["id"]
    link = "http://127.0.0.1:8000"
    assert (
        f"- Risk of losing acme moved from 10% to 60% (orders stopped) — {link}/accounts/{acme}"
        in text
    )
    assert f"- Overdue task: Call Acme (acme), due 2026-06-27 — {link}/tasks/{call}" in text
    assert "- Boss mentioned you: @olga what did they say about the renewal?" in text
    again = runner.invoke(app, [*base, "--send"])
    assert again.exit_code == 0 and "Queued 0 digest(s)" in again.output
    assert len(smtp_env.messages) == 2
