"""Stored voice themes: the scheduled run clusters once, then only places new comments;
comments the run cannot place (a TF-IDF run) wait and make the next run cluster again;
re-imported comments are placed again."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select
from tests.intake.helpers import write_rows

from keepwell.db.engine import session_scope
from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file
from keepwell.problems import TfidfSvd
from keepwell.record.models import Account, Interaction
from keepwell.voice.models import VoiceTheme, VoiceThemeComment
from keepwell.voice.store import (
    place_comments,
    recompute_themes,
    refresh_themes,
    stored_themes,
)
from keepwell.voice.themes import ClusteringCounter

CRM = Mapping(source="crm")
CALLS = (
    "The pump seal is leaking again.",
    "Pump seal leaking again.",
    "Our pump seal is leaking again.",
    "The invoice went to the wrong address.",
    "Invoice sent to the wrong address.",
    "Our invoice went to the wrong address.",
)


def _calls(engine: Engine, texts: tuple[str, ...], prefix: str) -> dict[str, list[int]]:
    start = datetime(2025, 5, 1, 9)
    with session_scope(engine) as session:
        account = session.scalar(select(Account).where(Account.external_id == "A"))
        if account is None:
            account = Account(name="A", source="crm", external_id="A", status="active")
            session.add(account)
            session.flush()
        rows = [
            Interaction(
                account_id=account.id,
                source="crm",
                external_id=f"{prefix}{i}",
                kind="call",
                occurred_at=start + timedelta(hours=i),
                text=text,
            )
            for i, text in enumerate(texts * 2)
        ]
        session.add_all(rows)
        session.flush()
        return {"interaction": [r.id for r in rows]}


def test_the_run_clusters_once_then_places_new_comments(engine: Engine) -> None:
    _calls(engine, CALLS, "I")
    runs = ClusteringCounter.runs
    with session_scope(engine) as session:
        first = refresh_themes(session)
    assert first["clustered"] and ClusteringCounter.runs == runs + 1
    new = _calls(engine, CALLS[:1], "N")
    with session_scope(engine) as session:
        second = refresh_themes(session)
        report = stored_themes(session)
    assert second == {"placed": 2, "clustered": False} and ClusteringCounter.runs == runs + 1
    seal = next(t for t in report.themes if "seal" in t.examples[0])
    assert seal.size == 8 and report.comments == 14
    with session_scope(engine) as session:
        assert place_comments(session, new) == 2  # placing again replaces, never duplicates
        assert stored_themes(session).comments == 14


def test_comments_a_tfidf_run_cannot_place_wait_for_the_next_clustering(engine: Engine) -> None:
    _calls(engine, CALLS, "I")
    with session_scope(engine) as session:
        recompute_themes(session, representation=TfidfSvd(seed=0), min_size=3)
    new = _calls(engine, CALLS[:1], "N")
    with session_scope(engine) as session:
        assert place_comments(session, new) == 0
        origins = set(session.scalars(select(VoiceThemeComment.origin)))
    assert "pending" in origins
    runs = ClusteringCounter.runs
    with session_scope(engine) as session:
        assert refresh_themes(session)["clustered"]
        assert stored_themes(session).comments == 14
    assert ClusteringCounter.runs == runs + 1


def test_a_reimported_comment_is_placed_again_by_its_new_text(
    engine: Engine, tmp_path: Path
) -> None:
    """Changing a call's text in the source system and importing again moves it to the
    theme of its new text; turning it into a staff note takes it out of the voice."""
    _calls(engine, CALLS, "I")
    with session_scope(engine) as session:
        refresh_themes(session)
    rows = [
        {
            "external_id": "X1",
            "account": "Z",
            "occurred_at": "2025-06-01T09:00:00",
            "kind": "call",
            "text": CALLS[0],
        },
        {
            "external_id": "X2",
            "account": "Z",
            "occurred_at": "2025-06-02T09:00:00",
            "kind": "call",
            "text": CALLS[1],
        },
    ]
    path = tmp_path / "calls.csv"
    assert (
        import_file(
            engine, "interactions", write_rows(path, rows), CRM, create_missing_accounts=True
        ).created
        == 2
    )

    def theme_of(external_id: str) -> int | None:
        with session_scope(engine) as session:
            return session.scalar(
                select(VoiceTheme.id)
                .join(VoiceThemeComment, VoiceThemeComment.theme_id == VoiceTheme.id)
                .join(Interaction, Interaction.id == VoiceThemeComment.comment_id)
                .where(
                    VoiceThemeComment.source == "interaction",
                    Interaction.external_id == external_id,
                )
            )

    seal, invoice = theme_of("I0"), theme_of("I3")  # CALLS[0] and CALLS[3] from the start
    assert seal is not None and invoice is not None and seal != invoice
    assert theme_of("X1") == seal
    rows[0]["text"] = CALLS[3]
    rows[1]["kind"] = "note"
    result = import_file(
        engine, "interactions", write_rows(path, rows), CRM, create_missing_accounts=True
    )
    assert (result.created, result.updated) == (0, 2)
    assert theme_of("X1") == invoice, "the new text's theme"
    with session_scope(engine) as session:
        placed = session.scalar(
            select(func.count())
            .select_from(VoiceThemeComment)
            .join(Interaction, Interaction.id == VoiceThemeComment.comment_id)
            .where(VoiceThemeComment.source == "interaction", Interaction.external_id == "X2")
        )
    assert placed == 0, "a staff note is not the customer's voice"
