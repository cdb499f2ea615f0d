"""No raw key reaches a person: every page, the weekly review (HTML and PDF), the digests.

The demo company is built once, by ``keepwell demo --no-serve`` (data up to today, three
scoring runs, a playbook run, the demo sign-ins), and every page of the route table is
rendered for an admin, a leader and a member, with real ids for path parameters. The
text a person reads (HTML text and tooltips, the PDF's text, e-mail and webhook texts)
must hold no feature key, signal key, timeline event kind, strftime pattern or metric
abbreviation. Form field names, URLs and CSS classes are not read by people and are not
checked; nor are ``<code>``, ``<pre>`` and ``<textarea>`` contents (commands and the
playbooks' YAML, which name keys on purpose). The model's measures may be named inside
``<details>`` (admins only).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

import pypdfium2 as pdfium
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient
from tests.conftest import ServedDemo
from tests.web.conftest import CSRF_FIELD, PARAM, make_settings

from keepwell.auth.models import User
from keepwell.db import make_engine, session_scope
from keepwell.insight.churn.early_signs import REASON_DETAILS
from keepwell.insight.churn.extra import EXTRA_FEATURES
from keepwell.insight.features import FEATURES
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.knowledge.models import Article
from keepwell.notify.models import Notification
from keepwell.notify.webhook import body_for
from keepwell.people.models import RetentionRole
from keepwell.playbooks.plugins import registry
from keepwell.problems.models import ProblemRecord
from keepwell.record.models import Quote
from keepwell.record.timeline import TIMELINE_KINDS
from keepwell.record.vocabulary import WORDS
from keepwell.report.digests import personal_digests
from keepwell.tasks.models import Task
from keepwell.web import create_app
from keepwell.web.deps import route_access

pytestmark = pytest.mark.slow
SKIPPED_TAGS = frozenset({"script", "style", "code", "pre", "textarea"})
STRFTIME = re.compile(r"%[dmYyHMS](?![0-9a-fA-F])")
METRICS = re.compile(r"\b(?:ROC|AUC|PR AUC|Brier)\b")
DETAILS = re.compile(r"<details\b.*?</details>", re.S)


def raw_keys() -> list[str]:
    """Feature keys, signal keys, timeline event kinds and vocabulary codes (the ones that
    are not words)."""
    keys = {*FEATURES, *EXTRA_FEATURES, *REASON_DETAILS, *registry().signals, *TIMELINE_KINDS}
    keys |= set(WORDS)
    return sorted((k for k in keys if "_" in k or "." in k), key=len, reverse=True)


KEYS = raw_keys()
KEY_PATTERN = re.compile(r"(?<![\w.=-])(" + "|".join(map(re.escape, KEYS)) + r")(?![\w-])")


class ReadableText(HTMLParser):
    """The text of an HTML page a person reads: text nodes and tooltips."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def readable(html: str) -> str:
    """The page's readable text, the admins' measures left out."""
    parser = ReadableText()
    parser.feed(DETAILS.sub("", html))
    return "\n".join(parser.parts)


def leaks(text: str) -> list[str]:
    """Every raw key, format pattern or metric abbreviation in ``text``."""
    found = KEY_PATTERN.findall(text)
    found += STRFTIME.findall(text)
    found += METRICS.findall(text)
    return sorted(set(found))


@dataclass(frozen=True)
class Demo:
    """The demo company's database, its app, and its sign-ins by role."""

    engine: Engine
    app: FastAPI
    password: str
    logins: dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, served_demo: ServedDemo) -> Iterator[Demo]:
    """The demo company as ``keepwell demo`` leaves it: data, scores, tasks, sign-ins."""
    folder = tmp_path_factory.mktemp("raw-keys")
    engine = make_engine(f"sqlite:///{served_demo.copy(folder)}")
    logins: dict[str, str] = {}
    for login in served_demo.summary["sign_ins"]:
        logins.setdefault(login["role"], login["email"])
    app = create_app(make_settings(folder, environment="development"), engine)
    yield Demo(engine, app, served_demo.summary["password"], logins)
    engine.dispose()


def signed_in(demo: Demo, role: str) -> TestClient:
    client = TestClient(demo.app, base_url="https://testserver")
    token = CSRF_FIELD.search(client.get("/login").text)
    assert token is not None
    response = client.post(
        "/login",
        data={"email": demo.logins[role], "password": demo.password, "csrf_token": token[1]},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    return client


def path_ids(engine: Engine) -> dict[str, str]:
    """A real id for every path parameter: the riskiest account, the first of the others."""
    with session_scope(engine) as session:
        run = session.scalar(select(func.max(ScoreRun.id)))
        riskiest = session.scalar(
            select(AccountScore.account_id)
            .where(AccountScore.run_id == run)
            .order_by(AccountScore.churn_probability.desc())
            .limit(1)
        )
        first = {
            "user_id": select(func.min(User.id)),
            "quote_id": select(func.min(Quote.id)),
            "role_id": select(func.min(RetentionRole.id)),
            "article_id": select(func.min(Article.id)),
            "task_id": select(func.min(Task.id)),
            "problem_id": select(func.min(ProblemRecord.id)),
        }
        ids = {name: session.scalar(query) for name, query in first.items()}
    return {"account_id": str(riskiest), **{k: str(v) for k, v in ids.items() if v is not None}}


def page_paths(app: FastAPI, ids: dict[str, str], playbook: str) -> list[str]:
    """Every page of the route table (GET, not the API), its parameters filled in."""
    values = {**ids, "name": playbook}
    paths = []
    for route in route_access(app):
        if "GET" not in route.methods or route.api or route.public:
            continue
        names = PARAM.findall(route.path)
        if any(n.strip("{}") not in values for n in names):
            continue
        paths.append(PARAM.sub(lambda m: values[m.group(0).strip("{}")], route.path))
    tabs = ("timeline", "team", "equipment", "service", "voice")
    return paths + [f"/accounts/{ids['account_id']}?tab={tab}" for tab in tabs]


def first_playbook(client: TestClient) -> str:
    found = re.findall(r'href="/playbooks/([\w-]+)"', client.get("/playbooks").text)
    names = [name for name in found if name not in ("history", "new")]
    assert names, "the demo has playbooks"
    return names[0]


def test_no_page_shows_a_raw_key(demo: Demo) -> None:
    ids = path_ids(demo.engine)
    assert {"account_id", "task_id", "problem_id", "quote_id"} <= set(ids)
    problems: dict[str, list[str]] = {}
    rendered = 0
    for role in ("admin", "leader", "member"):
        client = signed_in(demo, role)
        paths = page_paths(demo.app, ids, first_playbook(client))
        assert len(paths) > 35
        for path in paths:
            if path.endswith(".pdf"):
                continue
            response = client.get(path)
            if response.status_code == 403:
                assert role != "admin", path
                continue
            assert response.status_code == 200, (role, path, response.status_code)
            rendered += 1
            found = leaks(readable(response.text))
            if path.startswith("/api/docs"):  # the API reference documents the codes
                found = [key for key in found if key not in WORDS]
            if found:
                problems[f"{role} {path}"] = found
    assert rendered > 100
    assert problems == {}, "\n".join(f"{page}: {found}" for page, found in problems.items())


def test_the_weekly_review_pdf_shows_no_raw_key(demo: Demo) -> None:
    for role in ("admin", "member"):  # with money and the measures; with neither
        pdf = signed_in(demo, role).get("/reports/weekly.pdf")
        assert pdf.status_code == 200
        document = pdfium.PdfDocument(pdf.content)
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
        assert "Weekly retention review" in text
        admin_measures = "How the model was measured" in text
        assert admin_measures == (role == "admin")
        if admin_measures:  # the disclosure is printed open for admins: measures after it
            text = text.split("How the model was measured")[0]
        assert leaks(text) == [], role


def test_digests_and_notifications_show_no_raw_key(demo: Demo) -> None:
    with session_scope(demo.engine) as session:
        digests = personal_digests(session)
        queued = session.scalars(select(Notification)).all()
        texts = [line for d in digests for line in [d.subject, *d.lines()]]
        for message in queued:
            texts += [message.subject, message.body]
            body = body_for("slack", message.subject, list(message.lines), "https://k.example")
            texts.append(str(body["text"]))
    assert digests and queued, "the demo's playbook run queued messages"
    problems = {text: leaks(text) for text in texts if leaks(text)}
    assert problems == {}, "\n".join(f"{text}: {found}" for text, found in problems.items())


def test_the_check_catches_what_it_looks_for() -> None:
    page = (
        "<p>orders_90d_vs_last_year: none → 0</p><p title='invoice.paid_late'>x</p>"
        "<p>Use %d.%m.%Y</p><p>ROC AUC 0.74</p><code>order_gap</code>"
        "<details><p>Brier 0.05</p></details>"
    )
    assert leaks(readable(page)) == [
        "%Y",
        "%d",
        "%m",
        "AUC",
        "ROC",
        "invoice.paid_late",
        "orders_90d_vs_last_year",
    ]
    assert leaks("The relationship is single-threaded; sort=at_risk") == []
