"""Engines keep what people typed out of errors and logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

SECRET = "Customer says the CFO is leaving in March"


def test_statement_parameters_stay_out_of_errors_and_logs(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    engine.echo = True  # the statement log names parameters unless they are hidden
    insert = text(
        "INSERT INTO interactions (account_id, kind, occurred_at, text, source, external_id)"
        " VALUES (:account, 'note', CURRENT_TIMESTAMP, :text, 'keepwell', 'n-1')"
    )
    with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
        connection.execute(insert, {"account": 987654, "text": SECRET})  # no such account
    assert SECRET not in str(caught.value)
    assert "parameters hidden" in str(caught.value)
    assert "INSERT INTO interactions" in caplog.text and SECRET not in caplog.text
