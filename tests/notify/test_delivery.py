"""Delivery: email to a real local SMTP server, webhooks to a real local HTTP server that
fails first (retry with backoff) and checks the HMAC signature."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr
from sqlalchemy import Engine, select

from keepwell.db import session_scope
from keepwell.notify.models import Notification
from keepwell.notify.notice import Notice
from keepwell.notify.service import deliver_pending, queue_digests
from keepwell.notify.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, body_for, sign, verify
from keepwell.settings import Settings

SECRET = "s3cret-for-tests"
T0 = datetime(2026, 6, 30, 8, 0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Inbox:
    """aiosmtpd handler keeping every received message."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free local port."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


class Hook(BaseHTTPRequestHandler):
    """Answers 500 to the first ``fail`` requests, then 204; keeps what it received."""

    fail = 1
    received: ClassVar[list[tuple[dict[str, str], bytes, int]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = 500 if len(self.received) < self.fail else 204
        self.received.append((dict(self.headers.items()), body, status))
        self.send_response(status)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def webhook_server() -> Iterator[tuple[str, type[Hook]]]:
    """A real HTTP server on a free local port."""
    handler = type("OneHook", (Hook,), {"received": [], "fail": 1})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    server.shutdown()
    server.server_close()
    thread.join()


def settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, environment="test", **values)


def test_one_digest_email_per_person_over_real_smtp(
    engine: Engine, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    notices = [
        Notice("email", "olga@maker.test", "acme: Call back (due 2026-07-02)"),
        Notice("email", "olga@maker.test", "beta: Re-engagement call (due 2026-07-07)"),
        Notice("email", "sven@maker.test", "acme: Root cause for Seals"),
    ]
    config = settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_from="kw@maker.test")
    with session_scope(engine) as s:
        assert queue_digests(s, notices) == 2
        report = deliver_pending(s, config, now=T0)
        assert report.summary() == {"sent": 2, "retrying": 0, "failed": 0, "waiting": 0}
        sent = s.scalars(select(Notification).order_by(Notification.recipient)).all()
        assert [(n.status, n.attempts, n.sent_at) for n in sent] == [("sent", 1, T0)] * 2
        assert deliver_pending(s, config, now=T0).sent == 0  # nothing twice
    assert sorted(rcpt[0] for _, rcpt, _ in inbox.messages) == [
        "olga@maker.test",
        "sven@maker.test",
    ]
    olga = next(m for _, rcpt, m in inbox.messages if rcpt == ["olga@maker.test"])
    parsed = message_from_bytes(olga)
    assert parsed["Subject"] == "Keepwell: 2 new items for you"
    assert parsed["From"] == "kw@maker.test"
    text = parsed.get_payload(decode=True).decode()
    assert "- acme: Call back (due 2026-07-02)" in text and "- beta: Re-engagement" in text
    assert "http://127.0.0.1:8000/tasks" in text


def test_unreachable_smtp_backs_off_then_fails(engine: Engine, tmp_path: Path) -> None:
    config = settings(
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        notify_max_attempts=2,
        notify_backoff_seconds=60,
    )
    unconfigured = settings(tmp_path)
    with session_scope(engine) as s:
        queue_digests(s, [Notice("email", "olga@maker.test", "acme: Call")])
        assert deliver_pending(s, unconfigured, now=T0).waiting == 1
        first = deliver_pending(s, config, now=T0)
        message = s.scalars(select(Notification)).one()
        assert first.retrying == 1 and message.next_attempt_at == T0 + timedelta(seconds=60)
        assert deliver_pending(s, config, now=T0 + timedelta(seconds=30)).summary()["retrying"] == 0
        final = deliver_pending(s, config, now=T0 + timedelta(seconds=61))
        assert final.failed == 1 and message.status == "failed" and message.attempts == 2
        assert "Connection refused" in (message.last_error or "")


def test_webhook_retries_after_a_failure_and_is_signed(
    engine: Engine, webhook_server: tuple[str, type[Hook]], tmp_path: Path
) -> None:
    url, hook = webhook_server
    config = settings(
        tmp_path, webhooks={"ops": url}, webhook_secret=SecretStr(SECRET), notify_backoff_seconds=30
    )
    with session_scope(engine) as s:
        lines = ["acme: Root cause for Seals", "beta: Call back"]
        queue_digests(s, [Notice("webhook", "ops", line) for line in lines])
        first = deliver_pending(s, config, now=T0)
        assert first.summary() == {"sent": 0, "retrying": 1, "failed": 0, "waiting": 0}
        message = s.scalars(select(Notification)).one()
        assert message.last_error == f"{url} answered 500"
        assert deliver_pending(s, config, now=T0 + timedelta(seconds=10)).sent == 0
        second = deliver_pending(s, config, now=T0 + timedelta(seconds=31))
        assert second.sent == 1 and message.status == "sent" and message.attempts == 2
    assert [status for _, _, status in hook.received] == [500, 204]
    headers, body, _ = hook.received[1]
    assert verify(SECRET, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    assert not verify("wrong", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    assert not verify(SECRET, headers[TIMESTAMP_HEADER], body + b" ", headers[SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["text"].startswith("Keepwell: 2 new items for you")
    assert payload["blocks"][1]["text"]["text"] == "• acme: Root cause for Seals\n• beta: Call back"


def test_teams_body_and_signature_freshness() -> None:
    teams = body_for("teams", "Keepwell: 1 new item", ["acme: Call"], "https://kw.example")
    card = teams["attachments"][0]
    assert teams["type"] == "message"
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert [b["text"] for b in card["content"]["body"]] == ["Keepwell: 1 new item", "- acme: Call"]
    signature = sign(SECRET, 1_000, b"{}")
    assert verify(SECRET, "1000", b"{}", signature, now=1_100)
    assert not verify(SECRET, "1000", b"{}", signature, now=2_000)  # replayed too late
    assert not verify(SECRET, "soon", b"{}", signature, now=1_000)
