"""A real Mosquitto broker on a free loopback port, and the ingest command as a subprocess."""

from __future__ import annotations

import getpass
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

MOSQUITTO_PATHS = ("mosquitto", "/usr/sbin/mosquitto")
KEEPWELL = Path(sys.executable).with_name("keepwell")


def mosquitto_binary() -> str:
    """The broker executable; fails the test with the install hint when it is missing."""
    for candidate in MOSQUITTO_PATHS:
        found = shutil.which(candidate)
        if found:
            return found
    pytest.fail("mosquitto is not installed: `apt-get install mosquitto` (the MQTT tests need it)")


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PATIENCE = 4
"""Timeouts are stretched by this factor: a busy 2-core machine (the suite runs two
workers) can be several times slower than a quiet one; waits end as soon as they can."""


def wait_for(condition: object, timeout: float, what: str) -> None:
    """Poll ``condition()`` until true; fail naming ``what`` after ``timeout`` seconds."""
    timeout *= PATIENCE
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


class Broker:
    """A Mosquitto process with its own configuration and persistence directory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.config = folder / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            f"user {getpass.getuser()}\n"
            "persistence true\n"
            f"persistence_location {folder}/\n"
            "autosave_interval 1\n"
            "max_inflight_messages 1000\n"
            "max_queued_messages 1000000\n"
            f"log_dest file {folder}/mosquitto.log\n",
            encoding="utf-8",
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the broker and wait until it accepts connections."""
        self.process = subprocess.Popen([mosquitto_binary(), "-c", str(self.config)])
        wait_for(self._listening, 10, f"mosquitto on port {self.port}")

    def stop(self) -> None:
        """Stop the broker cleanly (it saves its persistence file)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None

    def _listening(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False


class Publisher:
    """A QoS 1 publisher; ``publish`` returns once the broker acknowledged the message."""

    def __init__(self, broker: Broker) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"pub-{os.getpid()}")
        self.client.max_inflight_messages_set(200)
        self.client.max_queued_messages_set(0)
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()

    def publish_all(self, topic: str, payloads: list[str]) -> None:
        """Publish every payload and wait for every PUBACK.

        In chunks: message ids are 16 bits, so no more than 65,535 may be in flight.
        """
        for start in range(0, len(payloads), 10_000):
            infos = [self.client.publish(topic, p, qos=1) for p in payloads[start : start + 10_000]]
            for info in infos:
                info.wait_for_publish(timeout=60)
                assert info.is_published()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class Ingest:
    """``keepwell ingest mqtt`` as a real subprocess on a test database."""

    def __init__(self, database_url: str, broker: Broker, topic: str, data_dir: Path) -> None:
        self.command = [
            str(KEEPWELL),
            "ingest",
            "mqtt",
            "--broker",
            f"127.0.0.1:{broker.port}",
            "--topic",
            topic,
            "--client-id",
            "keepwell-test",
        ]
        self.env = os.environ | {
            "KEEPWELL_DATABASE_URL": database_url,
            "KEEPWELL_DATA_DIR": str(data_dir),
        }
        self.process: subprocess.Popen[str] | None = None
        self.reader: threading.Thread | None = None
        self.lines: queue.SimpleQueue[str] = queue.SimpleQueue()

    def start(self) -> None:
        """Start the subscriber and wait until it has subscribed."""
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self.reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
        self.reader.start()
        self.expect("subscribed to", 30)

    def expect(self, text: str, timeout: float) -> None:
        """Wait for an output line containing ``text``."""
        timeout *= PATIENCE
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                if text in self.lines.get(timeout=left):
                    return
            except queue.Empty:
                break
        pytest.fail(f"the ingest process did not print {text!r} within {timeout}s")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no final flush."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)
        self._close()

    def stop(self) -> None:
        """SIGTERM: flush, acknowledge, disconnect."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            assert self.process.wait(timeout=20) == 0
            self._close()

    def _close(self) -> None:
        assert self.process is not None and self.reader is not None
        self.reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.put(line)
