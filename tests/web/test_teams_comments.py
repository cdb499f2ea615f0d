"""Comment threads on the account and RFQ pages; mentions show on "My work"."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web.conftest import Browser

from keepwell.record.models import Quote
from keepwell.teams.models import Mention


def test_comments_with_mentions_reach_the_mentioned(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    acme = record["C-1"]
    member = browser("member")
    assert "No comments yet." in member.get(f"/accounts/{acme}?tab=timeline").text
    body = {"body": "@leader the seal complaint needs a call from you"}
    posted = member.post(f"/comments/account/{acme}", body)
    assert posted.status_code == 303 and posted.headers["location"].endswith("#panel-comments")
    page = member.get(posted.headers["location"]).text
    assert "the seal complaint needs a call" in page and "mentions Leo Leader" in page
    assert "Comment added." in page
    work = browser("leader").get("/my-work").text
    assert "Mentions of you" in work and "Acme Pumps" in work
    assert f'href="/accounts/{acme}?tab=timeline#panel-comments"' in work
    assert "Mentions of you" not in member.get("/my-work").text
    with Session(engine) as session:
        (mention,) = session.scalars(select(Mention)).all()
        assert mention.notified_at is None and mention.user_id is not None
        quote_id = session.scalars(select(Quote.id)).one()
    unknown = member.post(f"/comments/account/{acme}", {"body": "@nobody hi"})
    assert unknown.status_code == 422 and "nobody here goes by @nobody" in unknown.text
    assert member.post("/comments/account/999999", {"body": "hi"}).status_code == 404
    forged = member.post(f"/comments/account/{acme}", {"body": "hi"}, csrf=False)
    assert forged.status_code == 403
    assert member.post(f"/comments/rfq/{quote_id}", {"body": "Lead time?"}).status_code == 303
    assert "Lead time?" in member.get(f"/rfqs/{quote_id}").text
