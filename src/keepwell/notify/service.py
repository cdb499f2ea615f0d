"""Queueing digests and delivering the outbox with retries and exponential backoff.

A run collects notices (one line per new task, escalation, ...); ``queue_digests`` turns
them into one message per recipient and channel, so a person gets one email per run
listing their new tasks instead of one email per task.
"""

from __future__ import annotations

import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from keepwell.days import utcnow
from keepwell.notify.email import NotConfigured, send_email
from keepwell.notify.models import Notification
from keepwell.notify.notice import Notice
from keepwell.notify.webhook import WebhookError, body_for, post
from keepwell.settings import Settings, get_settings


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0
    """Messages for channels without configuration, left pending."""

    def summary(self) -> dict[str, int]:
        """JSON-ready counts."""
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "waiting": self.waiting,
        }


def queue_digests(session: Session, notices: list[Notice], base_url: str | None = None) -> int:
    """One outbox message per (channel, recipient) listing its lines; how many were queued.

    A line about an account ends with the link to the account's page (``base_url``,
    default the public address).
    """
    base = (get_settings().public_url if base_url is None else base_url).rstrip("/")
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for notice in notices:
        link = f" — {base}/accounts/{notice.account_id}" if notice.account_id else ""
        grouped[(notice.channel, notice.recipient)].append(notice.line + link)
    for (channel, recipient), lines in sorted(grouped.items()):
        unique = list(dict.fromkeys(lines))
        subject = f"Keepwell: {len(unique)} new item{'s' if len(unique) != 1 else ''} for you"
        queue_message(session, channel, recipient, subject, unique)
    return len(grouped)


def queue_message(
    session: Session, channel: str, recipient: str, subject: str, lines: list[str]
) -> Notification:
    """Put one message in the outbox; its body lists ``lines``."""
    message = Notification(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body="\n".join(f"- {line}" for line in lines),
        lines=lines,
        status="pending",
        attempts=0,
    )
    session.add(message)
    session.flush()
    return message


def deliver_pending(
    session: Session, settings: Settings | None = None, *, now: datetime | None = None
) -> DeliveryReport:
    """Try every pending message whose time has come; back off and retry failures."""
    config = settings or get_settings()
    moment = now or utcnow()
    report = DeliveryReport()
    due = select(Notification).where(
        Notification.status == "pending",
        or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= moment),
    )
    for message in session.scalars(due.order_by(Notification.id)).all():
        try:
            _send(message, config)
        except NotConfigured as exc:
            message.last_error = str(exc)
            report.waiting += 1
            continue
        except (OSError, smtplib.SMTPException, WebhookError) as exc:
            _failed(message, str(exc), config, moment, report)
            continue
        message.status, message.sent_at, message.last_error = "sent", moment, None
        message.attempts += 1
        report.sent += 1
    session.flush()
    return report


def _send(message: Notification, config: Settings) -> None:
    if message.channel == "email":
        link = f"{config.public_url.rstrip('/')}/tasks"
        send_email(config, message.recipient, message.subject, f"{message.body}\n\n{link}\n")
        return
    url = config.webhooks.get(message.recipient)
    if not url:
        raise NotConfigured(f"no webhook named {message.recipient!r} (KEEPWELL_WEBHOOKS)")
    kind = config.webhook_formats.get(message.recipient, "slack")
    payload = body_for(kind, message.subject, list(message.lines), config.public_url)
    secret = config.webhook_secret.get_secret_value() if config.webhook_secret else None
    post(url, payload, secret)


def _failed(
    message: Notification, error: str, config: Settings, moment: datetime, report: DeliveryReport
) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    if message.attempts >= config.notify_max_attempts:
        message.status = "failed"
        report.failed += 1
        return
    wait = config.notify_backoff_seconds * 2 ** (message.attempts - 1)
    message.next_attempt_at = moment + timedelta(seconds=wait)
    report.retrying += 1
