"""Sending one email through the configured SMTP server (``smtplib``)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from keepwell.settings import Settings

TIMEOUT = 15.0


class NotConfigured(RuntimeError):
    """The channel has no server or URL configured; the message waits."""


def send_email(settings: Settings, to: str, subject: str, body: str) -> None:
    """Send a plain-text email; raises ``OSError``/``smtplib.SMTPException`` on failure."""
    if not settings.smtp_host:
        raise NotConfigured("no SMTP server configured (KEEPWELL_SMTP_HOST)")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user and settings.smtp_password:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
