"""Decoding telemetry payloads into readings and alarms, or rejections with a reason.

A payload is a JSON array, one JSON object, or NDJSON (one object a line). An item is a
reading ``{asset, ts, metric, value}`` or an alarm ``{asset, ts, alarm_code, severity}``;
``asset`` is the serial number and ``ts`` an ISO 8601 time (UTC unless it says otherwise)
or seconds since the epoch.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from keepwell.days import utcnow
from keepwell.record.vocabulary import SEVERITIES

MAX_FUTURE = timedelta(days=1)
EARLIEST = datetime(1990, 1, 1)
MAX_NAME = 64


@dataclass(frozen=True, slots=True)
class Item:
    """One valid reading (``metric``, ``value``) or alarm (``alarm_code``, ``severity``)."""

    serial: str
    ts: datetime
    metric: str = ""
    value: float | None = None
    alarm_code: str = ""
    severity: str | None = None

    @property
    def is_alarm(self) -> bool:
        """True for an alarm, false for a reading."""
        return self.alarm_code != ""


@dataclass(frozen=True, slots=True)
class Rejection:
    """An item or payload that cannot be stored: why, and the text it came as."""

    reason: str
    detail: str
    payload: str
    serial: str | None = None


class BadItem(ValueError):
    """An item failed validation; ``reason`` is one of the dead-letter reasons."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def decode_payload(body: bytes, max_item_bytes: int) -> list[Item | Rejection]:
    """Every item of ``body`` in order, each valid or rejected; nothing is left out."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return []
    if text[0] == "[":
        try:
            values = json.loads(text)
        except ValueError as exc:
            return [Rejection("malformed", f"not valid JSON: {exc}", text)]
        sized = len(text) > max_item_bytes
        if not isinstance(values, list):
            return [_checked(values, max_item_bytes, sized)]
        return [_checked(value, max_item_bytes, sized) for value in values]
    if text[0] == "{" and "\n" not in text:
        return [_line(text, max_item_bytes)]
    lines = [line for line in text.splitlines() if line.strip()]
    if max(map(len, lines)) <= max_item_bytes:
        try:
            values = json.loads("[" + ",".join(lines) + "]")
        except ValueError:
            pass  # some line is not JSON: decode line by line to say which
        else:
            if len(values) == len(lines):
                return [_checked(value, max_item_bytes, False) for value in values]
    if len(text) <= max_item_bytes and (whole := _json_object(text)) is not None:
        return [_checked(whole, max_item_bytes, False)]
    return [_line(line, max_item_bytes) for line in lines]


def oversize(payload: bytes, limit: int) -> Rejection:
    """The rejection of a payload larger than ``limit`` bytes (its start is kept)."""
    text = payload[:limit].decode("utf-8", errors="replace")
    return Rejection("oversize", f"payload of {len(payload)} bytes exceeds {limit}", text)


def _json_object(text: str) -> dict[str, Any] | None:
    """``text`` as one JSON object (pretty-printed over several lines), or ``None``."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _line(line: str, max_item_bytes: int) -> Item | Rejection:
    if len(line) > max_item_bytes:
        return oversize(line.encode(), max_item_bytes)
    try:
        value = json.loads(line)
    except ValueError as exc:
        return Rejection("malformed", f"not valid JSON: {exc}", line)
    return _checked(value, max_item_bytes, False)


def _checked(value: Any, max_item_bytes: int, sized: bool) -> Item | Rejection:
    """``sized``: the item may be larger than the limit and must be measured."""
    if sized and _rough_size(value) > max_item_bytes:
        return oversize(json.dumps(value, default=str).encode(), max_item_bytes)
    try:
        return parse_item(value)
    except BadItem as exc:
        serial = value.get("asset") if isinstance(value, dict) else None
        payload = json.dumps(value, default=str)
        return Rejection(
            exc.reason, exc.detail, payload, serial if isinstance(serial, str) else None
        )


def _rough_size(value: Any) -> int:
    """About the size of ``value`` as JSON (exact enough to spot an oversize item)."""
    if isinstance(value, dict):
        return sum(len(str(k)) + _rough_size(v) + 4 for k, v in value.items())
    if isinstance(value, list):
        return sum(_rough_size(v) + 1 for v in value)
    return len(str(value))


def parse_item(value: Any) -> Item:
    """Validate one decoded item; raise ``BadItem`` saying what is wrong."""
    if not isinstance(value, dict):
        raise BadItem("malformed", f"expected an object, got {type(value).__name__}")
    serial = value.get("asset")
    if not isinstance(serial, str) or not serial.strip():
        raise BadItem("malformed", "missing 'asset' (the serial number)")
    ts = parse_ts(value.get("ts"))
    alarm = value.get("alarm_code")
    if alarm not in (None, ""):
        return Item(
            serial.strip(),
            ts,
            alarm_code=_name(alarm, "alarm_code"),
            severity=_severity(value.get("severity")),
        )
    metric = _name(value.get("metric"), "metric")
    return Item(serial.strip(), ts, metric=metric, value=_number(value.get("value")))


def parse_ts(raw: Any) -> datetime:
    """A naive UTC time from an ISO 8601 string or epoch seconds; ``BadItem`` otherwise."""
    try:
        if isinstance(raw, bool):
            raise ValueError
        if isinstance(raw, int | float):
            ts = datetime.fromtimestamp(raw, UTC)
        elif isinstance(raw, str):
            ts = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        else:
            raise ValueError
    except (ValueError, OverflowError, OSError):
        raise BadItem("bad_timestamp", f"'ts' is not a time: {raw!r}") from None
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    if ts < EARLIEST or ts > utcnow() + MAX_FUTURE:
        raise BadItem("bad_timestamp", f"'ts' is out of range: {raw!r}")
    return ts


def _number(raw: Any) -> float:
    if isinstance(raw, bool) or raw is None:
        raise BadItem("bad_value", f"'value' is not a number: {raw!r}")
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise BadItem("bad_value", f"'value' is not a number: {raw!r}") from None
    if not math.isfinite(number):
        raise BadItem("bad_value", f"'value' is not a finite number: {raw!r}")
    return number


def _name(raw: Any, field: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise BadItem("malformed", f"missing '{field}'")
    if len(raw) > MAX_NAME:
        raise BadItem("malformed", f"'{field}' longer than {MAX_NAME} characters")
    return raw.strip()


def _severity(raw: Any) -> str | None:
    if raw in (None, ""):
        return None
    if raw not in SEVERITIES:
        raise BadItem("malformed", f"'severity' must be one of {', '.join(SEVERITIES)}")
    return str(raw)
