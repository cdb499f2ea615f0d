"""Decoding payloads: JSON arrays, NDJSON, single objects; every bad item named."""

from __future__ import annotations

import json
from datetime import datetime

from keepwell.telemetry.parse import Item, Rejection, decode_payload

LIMIT = 65536


def test_ndjson_with_a_broken_line_keeps_the_others_in_order() -> None:
    lines = [
        json.dumps({"asset": "A", "ts": "2025-03-01T10:00:00+02:00", "metric": "t", "value": 1}),
        "{broken",
        json.dumps({"asset": "A", "ts": 1740823200, "alarm_code": "E1", "severity": "high"}),
    ]
    decoded = decode_payload("\n".join(lines).encode(), LIMIT)
    assert decoded[0] == Item("A", datetime(2025, 3, 1, 8, 0), metric="t", value=1.0)
    assert isinstance(decoded[1], Rejection) and decoded[1].reason == "malformed"
    assert decoded[2] == Item("A", datetime(2025, 3, 1, 10, 0), alarm_code="E1", severity="high")


def test_two_objects_on_one_line_are_not_mistaken_for_two_lines() -> None:
    body = b'{"asset":"A","ts":1740823200,"metric":"t","value":1},{"asset":"B"}\n{"x":1}'
    decoded = decode_payload(body, LIMIT)
    assert [d.reason for d in decoded if isinstance(d, Rejection)] == ["malformed", "malformed"]
    assert len(decoded) == 2


def test_each_bad_field_has_its_own_reason() -> None:
    items = [
        {"asset": "A", "ts": "2025-02-30T00:00:00", "metric": "t", "value": 1},
        {"asset": "A", "ts": "1970-01-02T00:00:00", "metric": "t", "value": 1},
        {"asset": "A", "ts": 1740823200, "metric": "t", "value": "NaN"},
        {"asset": "A", "ts": 1740823200, "metric": "t", "value": True},
        {"asset": "A", "ts": 1740823200, "alarm_code": "E1", "severity": "meh"},
        {"ts": 1740823200, "metric": "t", "value": 1},
        {"asset": "A", "ts": 1740823200, "metric": "t", "value": 1, "pad": "x" * LIMIT},
        42,
    ]
    decoded = decode_payload(json.dumps(items).encode(), LIMIT)
    assert [d.reason for d in decoded if isinstance(d, Rejection)] == [
        "bad_timestamp",
        "bad_timestamp",
        "bad_value",
        "bad_value",
        "malformed",
        "malformed",
        "oversize",
        "malformed",
    ]
    assert decoded[0].serial == "A"  # type: ignore[union-attr]


def test_a_single_pretty_printed_object_and_an_empty_body() -> None:
    body = json.dumps({"asset": "A", "ts": 1740823200, "metric": "t", "value": 2}, indent=2)
    assert decode_payload(body.encode(), LIMIT) == [
        Item("A", datetime(2025, 3, 1, 10, 0), metric="t", value=2.0)
    ]
    assert decode_payload(b"  \n", LIMIT) == []
