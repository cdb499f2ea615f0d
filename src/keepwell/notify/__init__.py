"""Notifications: an outbox of digests, sent by SMTP email or to webhooks, with retries."""
