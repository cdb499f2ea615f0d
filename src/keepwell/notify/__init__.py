"""Notifications: an outbox of digests, sent by SMTP email or to webhooks, with retries."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = ["email", "inbox", "models", "notice", "service"]
