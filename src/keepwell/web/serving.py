"""Several server processes on one port, each with its own listening socket.

When processes share one listening socket, whichever wakes first accepts every waiting
connection, so a burst of browsers (each keeping its connection open) can land on one
process while the others idle. With ``SO_REUSEPORT`` every process listens on a socket
of its own and the kernel spreads new connections across them. A process that dies is
started again.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType

APP = "keepwell.web.app:create_app"
CHECK_SECONDS = 0.5
GC_THRESHOLDS = (5000, 20, 20)
"""Young collections every 5,000 allocations (700 by default), full ones less often."""


def freeze_startup_objects() -> None:
    """Keep the collector off what start-up built (modules, models, routes): a full
    collection over that heap stalls every waiting request for 200-300 ms; frozen, the
    collector only walks what requests create."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def can_share_port() -> bool:
    """True where the kernel spreads connections over sockets sharing a port (Linux)."""
    return sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` that other processes may bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve_process(host: str, port: int, log_level: str) -> None:
    """One server process: its own socket on the shared port, the app from the settings."""
    import uvicorn

    from keepwell.web.app import create_app

    app = create_app()
    freeze_startup_objects()
    config = uvicorn.Config(app, proxy_headers=False, log_level=log_level)
    uvicorn.Server(config).run(sockets=[listening_socket(host, port)])


def serve_processes(host: str, port: int, workers: int, log_level: str = "info") -> None:
    """Run ``workers`` server processes until interrupted, restarting any that dies;
    where the kernel cannot spread connections, uvicorn's processes on one socket."""
    if not can_share_port():
        import uvicorn

        uvicorn.run(APP, factory=True, workers=workers, host=host, port=port, proxy_headers=False)
        return
    context = multiprocessing.get_context("spawn")
    listening_socket(host, port).close()  # fail here, clearly, if the port is taken
    processes: list[BaseProcess] = []
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopping:
            processes = [p for p in processes if p.is_alive()]
            while len(processes) < workers:
                started = context.Process(target=serve_process, args=(host, port, log_level))
                started.start()
                processes.append(started)
            time.sleep(CHECK_SECONDS)
    finally:
        for running in processes:
            running.terminate()
        for running in processes:
            running.join(30)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
