"""Full-text search: ranking, snippets, filters and odd input, on SQLite and PostgreSQL."""

from __future__ import annotations

from itertools import pairwise

import pytest
from sqlalchemy import Engine, delete
from tests.knowledge.conftest import add_article

from keepwell.db import session_scope
from keepwell.knowledge.models import Article
from keepwell.knowledge.schemas import ArticleUpdate
from keepwell.knowledge.search import highlight, search
from keepwell.knowledge.service import get_article, update_article

SEAL = ("title", "body", "draft")
ODD_INPUT: dict[str, tuple[str, ...]] = {
    '"': (),
    '""': (),
    "AND": (),
    "OR": (),
    "NOT": (),
    "*": (),
    "-": (),
    "--": (),
    "+": (),
    "(": (),
    ")": (),
    ":": (),
    "'": (),
    "\\": (),
    "-seal": (),
    "NEAR(seal": (),
    "seal*": SEAL,
    "^seal": SEAL,
    "seal AND": SEAL,
    "\x00seal": SEAL,
    "{seal}": SEAL,
    "seal OR OR": SEAL,
    'seal"': SEAL,
    "SEAL NOT": SEAL,
}


@pytest.fixture
def corpus(engine: Engine) -> dict[str, int]:
    """A few articles about pumps and seals."""
    return {
        "title": add_article(
            engine, "Replacing the mechanical seal", "Drain the pump first.", tags=["how-to"]
        ),
        "body": add_article(
            engine,
            "Pump maintenance checklist",
            "Check the bearings. Look at the seal for leaks once a month.",
            tags=["checklist", "how-to"],
        ),
        "other": add_article(engine, "Quarterly review", "Revenue, churn and renewals."),
        "draft": add_article(engine, "Seal supplier notes", "Seal prices rise.", status="draft"),
    }


def test_title_match_ranks_above_body_match(engine: Engine, corpus: dict[str, int]) -> None:
    with session_scope(engine) as session:
        hits = search(session, "seal", 10)
    ids = [h.article_id for h in hits]
    assert ids.index(corpus["title"]) < ids.index(corpus["body"])
    assert corpus["other"] not in ids
    assert all(a.score >= b.score for a, b in pairwise(hits))


def test_snippet_highlights_matched_words(engine: Engine, corpus: dict[str, int]) -> None:
    with session_scope(engine) as session:
        hit = next(h for h in search(session, "leaks", 5) if h.article_id == corpus["body"])
    assert "<mark>leaks</mark>" in hit.snippet
    assert hit.title == "Pump maintenance checklist"


def test_stemming_finds_other_word_forms(engine: Engine, corpus: dict[str, int]) -> None:
    with session_scope(engine) as session:
        ids = {h.article_id for h in search(session, "replace seals", 5)}
    assert ids == {corpus["title"]}


def test_snippet_escapes_article_html(engine: Engine) -> None:
    article = add_article(engine, "Alarm codes", 'The <script>alert("x")</script> alarm code E42.')
    with session_scope(engine) as session:
        (hit,) = search(session, "alarm", 5)
    assert hit.article_id == article
    assert "<script>" not in hit.snippet
    assert "<mark>alarm</mark>" in hit.snippet


def test_highlight_escapes_before_marking() -> None:
    marked = highlight("a <b>bold</b> & \x02seal\x03 <script>")
    assert marked == "a &lt;b&gt;bold&lt;/b&gt; &amp; <mark>seal</mark> &lt;script&gt;"


def test_phrase_exclusion_and_or(engine: Engine, corpus: dict[str, int]) -> None:
    with session_scope(engine) as session:
        assert {h.article_id for h in search(session, '"mechanical seal"', 5)} == {corpus["title"]}
        assert {h.article_id for h in search(session, "seal -bearings", 5)} == {
            corpus["title"],
            corpus["draft"],
        }
        either = {h.article_id for h in search(session, "revenue or bearings", 5)}
    assert either == {corpus["other"], corpus["body"]}


def test_tags_status_and_exclude_filters(engine: Engine, corpus: dict[str, int]) -> None:
    with session_scope(engine) as session:
        tagged = {h.article_id for h in search(session, "seal", 5, tags=["how-to", "checklist"])}
        published = {h.article_id for h in search(session, "seal", 5, status="published")}
        rest = {h.article_id for h in search(session, "seal", 5, exclude=[corpus["title"]])}
    assert tagged == {corpus["body"]}
    assert corpus["draft"] not in published and corpus["title"] in published
    assert corpus["title"] not in rest and corpus["body"] in rest


@pytest.mark.parametrize(("odd", "expected"), ODD_INPUT.items())
def test_odd_input_is_never_a_syntax_error(
    engine: Engine, corpus: dict[str, int], odd: str, expected: tuple[str, ...]
) -> None:
    with session_scope(engine) as session:
        found = {h.article_id for h in search(session, odd, 5)}
    assert found == {corpus[key] for key in expected}


def test_edits_and_deletes_reach_the_index(engine: Engine, corpus: dict[str, int]) -> None:
    with session_scope(engine) as session:
        article = get_article(session, corpus["other"])
        update_article(session, article, ArticleUpdate(body="Gearbox oil change."), actor="t")
    with session_scope(engine) as session:
        assert [h.article_id for h in search(session, "gearbox", 5)] == [corpus["other"]]
        assert search(session, "renewals", 5) == []
        session.execute(delete(Article).where(Article.id == corpus["other"]))
    with session_scope(engine) as session:
        assert search(session, "gearbox", 5) == []


def test_limit_and_empty_query(engine: Engine, corpus: dict[str, int]) -> None:
    with session_scope(engine) as session:
        assert len(search(session, "seal", 1)) == 1
        assert search(session, "   ", 5) == []
        assert search(session, "seal", 0) == []


def test_only_the_newest_matches_are_ranked_when_there_are_many(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keepwell.knowledge.search as module

    monkeypatch.setattr(module, "RANKED_POOL", 3)
    monkeypatch.setattr(module, "FIRST_WINDOW", 2)
    strong = add_article(engine, "Valve valve valve", "valve valve valve")
    ids = [add_article(engine, f"Note {n}", "A valve note.") for n in range(6)]
    add_article(engine, "Other", "Nothing here.")
    with session_scope(engine) as session:
        found = [h.article_id for h in search(session, "valve", 10)]
        assert sorted(found) == sorted(ids[-3:])
        assert [h.article_id for h in search(session, "valve", 10, exclude=ids)] == [strong]
