"""The MQTT subscriber: QoS 1, persistent session, automatic reconnect, ack after storing.

Messages are acknowledged (PUBACK) only once the transaction that stored them (or kept
them as dead letters) has committed, so a crash at any point loses no acknowledged
reading: the broker re-delivers what was not acknowledged, and the natural key keeps
the re-delivered readings from being counted twice.
"""

from __future__ import annotations

import gc
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from keepwell.db.engine import session_factory
from keepwell.telemetry.ingest import IngestResult, ingest
from keepwell.telemetry.parse import Item, Rejection, decode_payload, oversize

log = logging.getLogger(__name__)
RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class SubscriberConfig:
    """Where to subscribe and how to batch."""

    host: str
    port: int
    topic: str
    client_id: str = "keepwell-ingest"
    batch_size: int = 2000
    flush_seconds: float = 0.05
    max_item_bytes: int = 65536
    keepalive: int = 15


@dataclass(frozen=True)
class Message:
    """A received message not yet acknowledged."""

    mid: int
    qos: int
    payload: bytes


def parse_broker(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (port 1883 when left out) as a pair; ``ValueError`` when malformed."""
    host, _, port = value.rpartition(":") if ":" in value else (value, "", "1883")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected HOST:PORT, got {value!r}")
    return host, int(port)


class Subscriber:
    """Receives telemetry from a broker and stores it in batches until stopped."""

    def __init__(
        self, engine: Engine, config: SubscriberConfig, report: Callable[[str], None]
    ) -> None:
        self.config = config
        self.report = report
        self.sessions = session_factory(engine)
        self.inbox: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self.stored = 0
        self.stop = threading.Event()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=config.client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
            manual_ack=True,
        )
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    def run(self, stop: threading.Event) -> None:
        """Connect and store what arrives until ``stop`` is set; then flush and disconnect."""
        gc.freeze()  # the long-lived heap (code, settings) stays out of collections
        self.stop = stop
        self.client.connect_async(self.config.host, self.config.port, self.config.keepalive)
        self.client.loop_start()
        try:
            while not stop.is_set():
                self._store(self._next_batch(stop))
            self._store(self._drain([]))
        finally:
            self.client.disconnect()
            self.client.loop_stop()

    def _next_batch(self, stop: threading.Event) -> list[Message]:
        try:
            first = self.inbox.get(timeout=self.config.flush_seconds)
        except queue.Empty:
            return []
        return self._drain([first])

    def _drain(self, batch: list[Message]) -> list[Message]:
        while len(batch) < self.config.batch_size:
            try:
                batch.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def _store(self, batch: list[Message]) -> None:
        if not batch:
            return
        items: list[Item | Rejection] = []
        for message in batch:
            items.extend(self._decode(message.payload))
        result = self._ingest(items)
        if result is None:
            return  # stopped while the database was unavailable: the broker re-delivers
        for message in batch:
            self.client.ack(message.mid, message.qos)
        self.stored += result.readings + result.alarms

    def _ingest(self, items: list[Item | Rejection]) -> IngestResult | None:
        """Store ``items``, retrying while the database fails; ``None`` if stopped meanwhile."""
        while True:
            try:
                with self.sessions() as session:
                    return ingest(session, items, channel="mqtt")
            except SQLAlchemyError as exc:
                log.warning("storing telemetry failed, retrying: %s", exc)
                self.report(f"storing failed, retrying: {exc}")
                if self.stop.wait(RETRY_SECONDS):
                    return None

    def _decode(self, payload: bytes) -> list[Item | Rejection]:
        if len(payload) > self.config.max_item_bytes:
            return [oversize(payload, self.config.max_item_bytes)]
        return decode_payload(payload, self.config.max_item_bytes)

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, code: Any, _p: Any) -> None:
        if code.is_failure:
            self.report(f"connection refused: {code}")
            return
        self.report(f"connected to {self.config.host}:{self.config.port}")
        client.subscribe(self.config.topic, qos=1)

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, code: Any, _p: Any) -> None:
        self.report(f"disconnected ({code}); reconnecting")

    def _on_subscribe(self, _c: mqtt.Client, _u: Any, _m: int, _codes: Any, _p: Any) -> None:
        self.report(f"subscribed to {self.config.topic}")

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        self.inbox.put(Message(message.mid, message.qos, bytes(message.payload)))
