"""Settings pointing at a real local SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.notify.test_delivery import Inbox, smtp  # noqa: F401

from keepwell.settings import get_settings


@pytest.fixture
def smtp_env(
    smtp: tuple[Inbox, int],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Inbox]:
    """``KEEPWELL_SMTP_*`` set to the local SMTP server; its inbox."""
    inbox, port = smtp
    monkeypatch.setenv("KEEPWELL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KEEPWELL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KEEPWELL_SMTP_PORT", str(port))
    monkeypatch.setenv("KEEPWELL_SMTP_FROM", "kw@maker.test")
    get_settings.cache_clear()
    yield inbox
    get_settings.cache_clear()
